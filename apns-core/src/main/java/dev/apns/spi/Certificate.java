package dev.apns.spi;

import dev.apns.Credentials;

/**
 * The provider's identity as one backend holds it: the {@link Credentials} plus whatever TLS context the
 * backend prepared from them (a JSSE {@code SSLContext}, a Netty {@code SslContext}, ...). Made by
 * {@link Backend#certificate(Credentials)} once and reused for every connection with that identity.
 *
 * <p>Implementations must be immutable and thread-safe, and must define equality and hashing by the
 * credentials' certificate digest (extend {@link AbstractCertificate} for that), because core keys its
 * connection pool with certificates. {@code toString()} must never show key material.
 */
public interface Certificate {
    /** The credentials this certificate was made from. */
    Credentials credentials();
}
