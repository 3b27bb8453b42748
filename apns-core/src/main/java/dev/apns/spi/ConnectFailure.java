package dev.apns.spi;

import java.io.IOException;
import java.util.Objects;

/**
 * A failed {@link Backend#connect}, with what the backend knows about why: whether the peer could not be
 * reached, took too long, broke the handshake off, or refused or was refused on certificate grounds. Core
 * decides from the {@link Kind} whether to retry; the message names the endpoint, and the cause is the
 * transport's own exception (for TLS failures an {@link javax.net.ssl.SSLException}), unchanged.
 *
 * <p>Backends should throw this for every failure of the TCP connect or the TLS handshake. A backend that
 * throws other {@link IOException}s still works: core then guesses the kind from the exception's type and
 * text, which is less reliable (a timeout wrapped in a TLS exception can look like a refused certificate).
 */
public final class ConnectFailure extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the connect failed. */
    public enum Kind {
        /** The TCP connect or the TLS handshake did not finish within the connect timeout. Transient. */
        TIMED_OUT,
        /** The peer refused the TCP connection (nothing listens, or a firewall rejected it). Transient. */
        REFUSED_CONNECTION,
        /** The host name did not resolve or the network has no route to it. Transient. */
        UNREACHABLE,
        /**
         * The peer closed or reset the connection during the handshake without a TLS alert, as an
         * overloaded server or a load balancer does. Transient.
         */
        BROKEN_OFF,
        /**
         * The server sent a fatal TLS alert: it refused our client certificate (unknown, expired, revoked)
         * or the handshake's parameters. Permanent for this certificate.
         */
        CERTIFICATE_REFUSED_BY_SERVER,
        /** Our trust check refused the server's certificate chain or its host name. Permanent. */
        SERVER_NOT_TRUSTED,
        /**
         * The handshake failed on this side for another reason (no common protocol or cipher suite, a key
         * the TLS provider cannot use). Permanent until the configuration changes.
         */
        LOCAL_CONFIGURATION
    }

    private final Kind kind;

    /**
     * A failure of {@code kind}.
     *
     * @param message what failed, naming the endpoint
     * @param cause the transport's exception, or null
     */
    public ConnectFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Why the connect failed. */
    public Kind kind() {
        return kind;
    }
}
