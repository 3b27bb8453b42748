package dev.apns.backend.blocking;

import dev.apns.Credentials;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;

import java.io.IOException;
import java.util.Set;

/**
 * The blocking transport: JSSE {@link javax.net.ssl.SSLSocket}s from the JDK, no further dependencies. Each
 * connection spends one daemon reader thread ({@code apns-blocking-reader-<host:port>-<n>}) that hands the
 * peer's bytes to the listener; writes block the caller while the peer does not read, bounded by the write
 * timeout, which a shared daemon watchdog thread ({@code apns-blocking-watchdog-<n>}) enforces by closing
 * the socket. Supports TLS 1.3 and 1.2 with hostname verification (IP literals too), ALPN, connections
 * without a client certificate, and HTTP CONNECT and SOCKS5 proxies. The machinery is a
 * {@link SocketTransport} with contexts from {@link TlsContextFactory#jdk()}.
 *
 * <p>Discovery is cheap: the constructor creates nothing; the watchdog starts with the first connection.
 * {@code SSLContext}s are built once per (certificate or none, trust) pair and reused. Thread-safe; {@link #close()}
 * closes every open connection and stops the watchdog.
 */
public final class BlockingBackend implements Backend {
    /** The name users choose this backend by. */
    public static final String NAME = "blocking";

    /** Below event-loop backends (Netty is 7): preferred only when nothing better is on the class path. */
    static final int PRIORITY = 5;

    private static final Set<Feature> FEATURES = Set.of(Feature.TLS_1_3, Feature.WRITE_TIMEOUT, Feature.HANDSHAKE_TIMEOUT,
            Feature.ALPN, Feature.PROXY);

    private final SocketTransport transport = new SocketTransport(NAME, TlsContextFactory.jdk());

    /** A backend with no resources yet; called by {@link java.util.ServiceLoader} or directly. */
    public BlockingBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Always available: it needs only the JDK. */
    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public Set<Feature> features() {
        return FEATURES;
    }

    @Override
    public Certificate certificate(Credentials credentials) {
        return transport.certificate(credentials);
    }

    @Override
    public Connection connect(ConnectRequest request, Connection.Listener listener) throws IOException {
        return transport.connect(request, listener);
    }

    /** Closes every open connection (waiting a bounded time for their reader threads) and stops the watchdog. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "BlockingBackend[" + transport + "]";
    }

    /** How many TLS contexts are cached; for tests. */
    int cachedContexts() {
        return transport.cachedContexts();
    }
}
