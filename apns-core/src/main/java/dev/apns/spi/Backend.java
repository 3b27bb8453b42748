package dev.apns.spi;

import dev.apns.Credentials;

import java.io.IOException;
import java.util.Set;

/**
 * A transport: a named factory of {@link Certificate}s and {@link Connection}s, discovered with
 * {@link java.util.ServiceLoader}. Backends know TLS and sockets, never APNs.
 *
 * <p>Discovery must be cheap: constructing a backend and calling {@link #name()}, {@link #priority()},
 * {@link #availability()} and {@link #features()} creates no thread, socket or event loop and never
 * throws. Resources are created on first use and released by {@link #close()}. Implementations are
 * thread-safe.
 */
public interface Backend extends AutoCloseable {

    /** A short lower-case name users select the backend by, for example {@code blocking}. */
    String name();

    /**
     * Preference among available backends when none is named: 0 to 10, higher wins, 5 when in doubt.
     * Ties are broken by class name so the choice is deterministic.
     */
    default int priority() {
        return 5;
    }

    /** Whether this backend works in this JVM; probes optional libraries without initialising them. */
    Availability availability();

    /** The optional capabilities this backend has. */
    default Set<Feature> features() {
        return Set.of();
    }

    /**
     * Prepares the client identity for TLS with this backend.
     *
     * @throws dev.apns.CredentialsException when the backend cannot use these credentials
     */
    Certificate certificate(Credentials credentials);

    /**
     * Opens a connection and completes its TLS handshake, blocking the caller until it is ready or has
     * failed. From the moment this returns, bytes from the peer go to {@code listener}. Presents the request's
     * client certificate, or none when it has none; offers its ALPN protocols (with {@link Feature#ALPN});
     * tunnels through its proxy (with {@link Feature#PROXY}, and refuses a proxy otherwise), running TLS
     * through the tunnel with the target's host name for SNI and hostname verification.
     *
     * @throws IOException when the connection or handshake fails or times out; a TLS failure is an
     *     {@link javax.net.ssl.SSLException}, a failure at the proxy a {@link dev.apns.ProxyException}
     */
    Connection connect(ConnectRequest request, Connection.Listener listener) throws IOException;

    /** Closes every connection this backend opened and releases its threads. Idempotent. */
    @Override
    void close();
}
