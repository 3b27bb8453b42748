package dev.apns.testkit.conformance;

import dev.apns.Endpoint;
import dev.apns.ProxyException;
import dev.apns.Trust;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.RecordingListener;
import dev.apns.testkit.TestProxyServer;
import dev.apns.testkit.TlsHandshake;
import dev.apns.testkit.TlsTestServer;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The obligations the HTTP/2 work added to the SPI, and what their tests share: ALPN ({@link Feature#ALPN})
 * and connections without a client certificate (every backend) in {@link AlpnAndCertificateObligations},
 * HTTP CONNECT and SOCKS5 proxies ({@link Feature#PROXY}) in {@link ProxyObligations}. Kept apart from
 * {@link BackendConformanceSuite}, which runs them in two of its {@code @Nested} areas and lends them its
 * fixtures; {@code docs/conformance.md} explains each identifier.
 */
abstract class Http2TransportObligations {
    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration GENEROUS = Duration.ofSeconds(5);
    /** A host name that only the test proxies resolve (to 127.0.0.1): the client must leave it to the proxy. */
    static final String PROXIED_HOST = "proxied.apns.test";
    static final String PROXY_USER = "pusher";
    /** Basic authentication is UTF-8 (RFC 7617), and the password may contain a colon. */
    static final String PROXY_PASSWORD = "pr0xy:secret wörd";
    /** SOCKS5 credentials are printable ASCII (RFC 1929 names no character set). */
    static final String SOCKS_PASSWORD = "s0cks:secret-word";

    /** What the suite lends these tests. */
    interface Fixture {
        /** The backend under test, closed after the test; skips the test when it cannot work in this JVM. */
        Backend availableBackend();

        /** Skips the test unless the backend declares {@code feature}. */
        void assumeFeature(Feature feature);

        /** The client identity the servers trust. */
        IssuedCertificate client();

        /** The trust that accepts the test servers. */
        Trust trust();

        /** A server context for 127.0.0.1 (and localhost) that trusts the client's authority. */
        SSLContext serverContext();

        /** A server context whose certificate names only {@code hostName}; made once per name. */
        SSLContext serverContextFor(String hostName);

        /** Closes {@code resource} after the test, before the suite's own cleanup checks. */
        <T extends AutoCloseable> T track(T resource);

        /** A recording listener whose contract breaches fail the test. */
        RecordingListener listener();
    }

    final Fixture fixture;
    /** The listener of each connection the test opened. */
    private final Map<Connection, RecordingListener> listeners = new IdentityHashMap<>();

    Http2TransportObligations(Fixture fixture) {
        this.fixture = fixture;
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers.

    TlsTestServer alpnServer(String... protocols) throws IOException {
        return fixture.track(TlsTestServer.builder(fixture.serverContext()).applicationProtocols(protocols)
                .start(Http2TransportObligations::echo));
    }

    /** An echo server whose certificate names only {@link #PROXIED_HOST}, reachable only through the proxies. */
    TlsTestServer proxiedTarget() throws IOException {
        return fixture.track(TlsTestServer.builder(fixture.serverContextFor(PROXIED_HOST))
                .start(Http2TransportObligations::echo));
    }

    static void echo(Socket socket, TlsTestServer server) throws IOException {
        socket.getInputStream().transferTo(socket.getOutputStream());
    }

    Certificate certificate() {
        return fixture.availableBackend().certificate(fixture.client().credentials());
    }

    ConnectRequest withCertificate(Endpoint endpoint) {
        return new ConnectRequest(endpoint, certificate(), fixture.trust(), GENEROUS, GENEROUS);
    }

    ConnectRequest withoutCertificate(Endpoint endpoint) {
        return ConnectRequest.withoutCertificate(endpoint, fixture.trust(), GENEROUS, GENEROUS);
    }

    /** Connects with the backend under test and a tracked listener; the connection is closed after the test. */
    Connection connect(ConnectRequest request) throws IOException {
        RecordingListener listener = fixture.listener();
        Connection connection = fixture.availableBackend().connect(request, listener);
        fixture.track(connection);
        listeners.put(connection, listener);
        return connection;
    }

    static TlsHandshake handshakeOf(TlsTestServer server, String obligation) throws InterruptedException {
        TlsHandshake handshake = server.nextHandshake(WAIT);
        if (handshake == null) {
            fail(obligation + " The server recorded no completed handshake within " + WAIT);
        }
        return handshake;
    }

    /** Writes 64 KiB of random bytes and expects them back from the echo server. */
    void assertEchoes(Connection connection, String obligation) throws Exception {
        RecordingListener listener = listenerOf(connection);
        byte[] bytes = new byte[64 * 1024];
        new Random(obligation.hashCode()).nextBytes(bytes);
        int before = listener.received().length;
        connection.write(ByteBuffer.wrap(bytes));
        byte[] received = listener.awaitBytes(before + bytes.length, WAIT);
        assertThat(received.length - before).as("%s bytes echoed through the connection", obligation)
                .isEqualTo(bytes.length);
        assertThat(Arrays.copyOfRange(received, before, received.length))
                .as("%s the echoed bytes", obligation).isEqualTo(bytes);
    }

    private RecordingListener listenerOf(Connection connection) {
        RecordingListener listener = listeners.get(connection);
        if (listener == null) {
            throw new IllegalStateException("The connection " + connection + " was not opened by connect(...).");
        }
        return listener;
    }

    static void assertProxyFailure(Throwable failure, TestProxyServer proxyServer, String answer,
                                           String obligation) {
        Endpoint proxyEndpoint = proxyServer.endpoint();
        assertThat(failure).as("%s: connect fails with a ProxyException", obligation).isInstanceOf(ProxyException.class);
        assertThat(failure.getMessage()).as("%s: the message names the proxy", obligation)
                .contains(proxyEndpoint.toString());
        if (answer != null) {
            assertThat(failure.getMessage()).as("%s: the message quotes the proxy's answer", obligation).contains(answer);
        }
        for (Throwable cause : causes(failure)) {
            assertThat(String.valueOf(cause.getMessage())).as("%s: no message in the chain shows the password",
                    obligation).doesNotContain(PROXY_PASSWORD).doesNotContain(SOCKS_PASSWORD)
                    .doesNotContain("the-right-one");
            assertThat(String.valueOf(cause)).doesNotContain(PROXY_PASSWORD).doesNotContain(SOCKS_PASSWORD);
        }
    }

    static CloseReason awaitClosed(RecordingListener listener, String obligation) throws InterruptedException {
        try {
            return listener.awaitClosed(WAIT);
        } catch (TimeoutException e) {
            throw new AssertionError(obligation + " The listener's onClosed was not called within " + WAIT
                    + "; events so far: " + listener.events(), e);
        }
    }

    static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < 20 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
