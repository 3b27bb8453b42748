package dev.apns.backend.conscrypt;

import dev.apns.Credentials;
import dev.apns.backend.blocking.SocketTransport;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;

import java.io.IOException;
import java.util.Set;

/**
 * The Conscrypt transport: TLS from BoringSSL through Conscrypt's JSSE provider, on the blocking backend's
 * sockets and threads. It is the blocking backend's {@link SocketTransport} with one difference, where its
 * {@code SSLContext}s come from: {@code SSLContext.getInstance("TLS", Conscrypt.newProvider())}, initialised
 * with the credentials' key managers (the key is handed to BoringSSL from memory, never written to a file)
 * and the trust's JDK trust managers. The provider is private to this backend; it is never installed in
 * the JVM. TLS 1.3 and 1.2, hostname verification (HTTPS endpoint identification, IP literals too), and the
 * same timeouts, threads, ALPN (through Conscrypt's JSSE API), certificate-less connections and proxy tunnels
 * as the blocking backend ({@code apns-conscrypt-reader-<host:port>-<n>}, one
 * {@code apns-conscrypt-watchdog-<n>}).
 *
 * <p>Usable where Conscrypt's native library loads (its uber jar carries it for Linux, macOS and Windows
 * on x86-64 and for Linux and macOS on AArch64); {@link #availability()} says why not elsewhere, and the
 * SDK then chooses another backend. Discovery loads no Conscrypt class until {@link #availability()} is
 * asked, which loads the native library once per JVM (the only way to know it works) and keeps the
 * answer. Thread-safe; {@link #close()} closes every open connection and stops the watchdog.
 */
public final class ConscryptBackend implements Backend {
    /** The name users choose this backend by. */
    public static final String NAME = "conscrypt";

    /**
     * Above the blocking backend (5), which comes with it: measured against it, handshakes are about a
     * quarter faster and throughput is equal or better for less CPU (docs/performance.md, "Conscrypt vs
     * JSSE"). Below the Netty backend (7), whose event loop matters more than the TLS library for many
     * connections.
     */
    static final int PRIORITY = 6;

    private static final Set<Feature> FEATURES = Set.of(Feature.TLS_1_3, Feature.WRITE_TIMEOUT, Feature.HANDSHAKE_TIMEOUT,
            Feature.ALPN, Feature.PROXY);

    private static volatile Availability availability;

    // A lambda rather than a method reference, so that ConscryptContexts (which links to Conscrypt) is not
    // even loaded before the first connection.
    private final SocketTransport transport = new SocketTransport(NAME,
            (keyManagers, trustManagers) -> ConscryptContexts.create(keyManagers, trustManagers));

    /** A backend with no resources yet; called by {@link java.util.ServiceLoader} or directly. */
    public ConscryptBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Available when Conscrypt 2.5 or newer is on the class path and its native library loads here;
     * otherwise unavailable with the reason. The first call in a JVM loads the native library; the answer is
     * kept. Never throws.
     */
    @Override
    public Availability availability() {
        Availability known = availability;
        if (known == null) {
            known = ConscryptProbe.probe(ConscryptBackend.class.getClassLoader());
            availability = known;
        }
        return known;
    }

    @Override
    public Set<Feature> features() {
        return FEATURES;
    }

    @Override
    public Certificate certificate(Credentials credentials) {
        return transport.certificate(credentials);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IOException also when Conscrypt is not available here, with the reason
     */
    @Override
    public Connection connect(ConnectRequest request, Connection.Listener listener) throws IOException {
        Availability here = availability();
        if (!here.isAvailable()) {
            throw new IOException("The conscrypt APNs backend cannot connect to " + request.endpoint() + ": "
                    + here.reason().orElse("Conscrypt is not available here."));
        }
        return transport.connect(request, listener);
    }

    /** Closes every open connection (waiting a bounded time for their reader threads) and stops the watchdog. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "ConscryptBackend[" + transport + "]";
    }
}
