package dev.apns.backend.blocking;

import dev.apns.Credentials;
import dev.apns.spi.AbstractCertificate;
import dev.apns.spi.Certificate;

import javax.net.ssl.KeyManager;

/**
 * The client identity as the {@link SocketTransport} holds it: the credentials and the JSSE key managers
 * built from them once (in memory), ready for an {@code SSLContext} of any JSSE provider. Immutable and
 * thread-safe; equal to any certificate made from credentials with the same certificate digest.
 */
final class JsseCertificate extends AbstractCertificate {
    private final KeyManager[] keyManagers;

    JsseCertificate(Credentials credentials) {
        super(credentials);
        this.keyManagers = credentials.keyManagerFactory().getKeyManagers();
    }

    /** The key managers; shared, never modified. */
    KeyManager[] keyManagers() {
        return keyManagers;
    }

    /**
     * The key managers of any certificate: kept ones for a certificate made here, new ones built from the
     * credentials for a certificate another backend made.
     */
    static KeyManager[] keyManagersOf(Certificate certificate) {
        return certificate instanceof JsseCertificate own
                ? own.keyManagers() : certificate.credentials().keyManagerFactory().getKeyManagers();
    }
}
