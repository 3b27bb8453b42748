package dev.apns.backend.netty;

import dev.apns.Credentials;
import dev.apns.spi.AbstractCertificate;

/**
 * The client identity as the Netty backend holds it: just the credentials, whose key and chain go into a
 * Netty {@code SslContext} that the backend builds once per (certificate, trust) pair. Immutable and
 * thread-safe; equal to any certificate made from credentials with the same certificate digest.
 */
final class NettyCertificate extends AbstractCertificate {
    NettyCertificate(Credentials credentials) {
        super(credentials);
    }
}
