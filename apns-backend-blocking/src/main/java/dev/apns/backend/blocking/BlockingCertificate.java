package dev.apns.backend.blocking;

import dev.apns.Credentials;
import dev.apns.spi.AbstractCertificate;

import javax.net.ssl.KeyManager;

/**
 * The client identity as the blocking backend holds it: the credentials and the JSSE key managers built
 * from them once, ready for an {@code SSLContext}. Immutable and thread-safe; equal to any certificate
 * made from credentials with the same certificate digest.
 */
final class BlockingCertificate extends AbstractCertificate {
    private final KeyManager[] keyManagers;

    BlockingCertificate(Credentials credentials) {
        super(credentials);
        this.keyManagers = credentials.keyManagerFactory().getKeyManagers();
    }

    /** The key managers; shared, never modified. */
    KeyManager[] keyManagers() {
        return keyManagers;
    }
}
