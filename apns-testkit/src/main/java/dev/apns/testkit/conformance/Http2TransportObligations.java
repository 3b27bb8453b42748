package dev.apns.testkit.conformance;

import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.ProxyException;
import dev.apns.Trust;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.RecordingListener;
import dev.apns.testkit.TestHttpProxy;
import dev.apns.testkit.TestProxyServer;
import dev.apns.testkit.TestSocks5Proxy;
import dev.apns.testkit.TlsHandshake;
import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The obligations the HTTP/2 work added to the SPI: ALPN ({@link Feature#ALPN}), connections without a
 * client certificate (every backend), and HTTP CONNECT and SOCKS5 proxies ({@link Feature#PROXY}). Kept
 * apart from {@link BackendConformanceSuite}, which runs these tests in one of its {@code @Nested} areas
 * and lends them its fixtures; {@code docs/conformance.md} explains each identifier.
 */
abstract class Http2TransportObligations {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration GENEROUS = Duration.ofSeconds(5);
    /** A host name that only the test proxies resolve (to 127.0.0.1): the client must leave it to the proxy. */
    private static final String PROXIED_HOST = "proxied.apns.test";
    private static final String PROXY_USER = "pusher";
    /** Basic authentication is UTF-8 (RFC 7617), and the password may contain a colon. */
    private static final String PROXY_PASSWORD = "pr0xy:secret wörd";
    /** SOCKS5 credentials are printable ASCII (RFC 1929 names no character set). */
    private static final String SOCKS_PASSWORD = "s0cks:secret-word";

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

    private final Fixture fixture;
    /** The listener of each connection the test opened. */
    private final Map<Connection, RecordingListener> listeners = new IdentityHashMap<>();

    Http2TransportObligations(Fixture fixture) {
        this.fixture = fixture;
    }

    // ------------------------------------------------------------------------------------------------
    // ALPN.

    @Test
    @Timeout(10)
    @DisplayName("[alpn-1] offering h2 to a server that selects h2: applicationProtocol() is h2 (optional: "
            + "Feature.ALPN)")
    void alpn_h2IsSelected() throws Exception {
        fixture.assumeFeature(Feature.ALPN);
        TlsTestServer server = alpnServer("h2");

        Connection connection = connect(withCertificate(server.endpoint()).withApplicationProtocols(List.of("h2")));

        assertThat(connection.applicationProtocol()).as("[alpn-1] applicationProtocol()").contains("h2");
        TlsHandshake handshake = handshakeOf(server, "[alpn-1]");
        assertThat(handshake.offeredProtocols()).as("[alpn-1] what the server saw offered").contains(List.of("h2"));
        assertEchoes(connection, "[alpn-1]");
    }

    @Test
    @Timeout(10)
    @DisplayName("[alpn-2] offering h2 to a server without ALPN connects, and applicationProtocol() is empty "
            + "(optional: Feature.ALPN)")
    void alpn_serverWithoutAlpn() throws Exception {
        fixture.assumeFeature(Feature.ALPN);
        TlsTestServer server = fixture.track(TlsTestServer.builder(fixture.serverContext()).start(Http2TransportObligations::echo));

        Connection connection = connect(withCertificate(server.endpoint()).withApplicationProtocols(List.of("h2")));

        assertThat(connection.applicationProtocol()).as("[alpn-2] applicationProtocol() without ALPN on the server")
                .isEmpty();
        assertEchoes(connection, "[alpn-2]");
    }

    @Test
    @Timeout(10)
    @DisplayName("[alpn-3] offering nothing sends no ALPN extension, and applicationProtocol() is empty")
    void alpn_noOffer() throws Exception {
        TlsTestServer server = alpnServer("h2", "http/1.1");

        Connection connection = connect(withCertificate(server.endpoint()));

        assertThat(connection.applicationProtocol()).as("[alpn-3] applicationProtocol() when nothing was offered")
                .isEmpty();
        assertThat(handshakeOf(server, "[alpn-3]").offeredProtocols())
                .as("[alpn-3] the server saw an ALPN extension, though the request offered no protocol").isEmpty();
    }

    @Test
    @Timeout(10)
    @DisplayName("[alpn-4] protocols are offered in the request's order, so the server can honour the client's "
            + "preference (optional: Feature.ALPN)")
    void alpn_preferenceOrder() throws Exception {
        fixture.assumeFeature(Feature.ALPN);
        TlsTestServer server = alpnServer("h2", "http/1.1");

        Connection http11First = connect(withCertificate(server.endpoint())
                .withApplicationProtocols(List.of("http/1.1", "h2")));
        TlsHandshake first = handshakeOf(server, "[alpn-4]");
        Connection h2First = connect(withCertificate(server.endpoint())
                .withApplicationProtocols(List.of("h2", "http/1.1")));
        TlsHandshake second = handshakeOf(server, "[alpn-4]");

        assertThat(first.offeredProtocols()).as("[alpn-4] offered, http/1.1 first").contains(List.of("http/1.1", "h2"));
        assertThat(http11First.applicationProtocol()).as("[alpn-4] selected, http/1.1 preferred").contains("http/1.1");
        assertThat(second.offeredProtocols()).as("[alpn-4] offered, h2 first").contains(List.of("h2", "http/1.1"));
        assertThat(h2First.applicationProtocol()).as("[alpn-4] selected, h2 preferred").contains("h2");
    }

    @Test
    @Timeout(10)
    @DisplayName("[alpn-5] a server that supports none of the offered protocols selects none: the connection "
            + "stands and applicationProtocol() is empty (optional: Feature.ALPN)")
    void alpn_noOverlap() throws Exception {
        fixture.assumeFeature(Feature.ALPN);
        TlsTestServer server = alpnServer("http/1.1");

        Connection connection = connect(withCertificate(server.endpoint()).withApplicationProtocols(List.of("h2")));

        assertThat(connection.applicationProtocol()).as("[alpn-5] applicationProtocol() without a common protocol")
                .isEmpty();
        assertThat(handshakeOf(server, "[alpn-5]").offeredProtocols()).as("[alpn-5] offered").contains(List.of("h2"));
        assertEchoes(connection, "[alpn-5]");
    }

    // ------------------------------------------------------------------------------------------------
    // No client certificate.

    @Test
    @Timeout(15)
    @DisplayName("[tls-9] a request without a certificate connects to a server that asks for one but does not "
            + "require it, and to one that does not ask, presenting none; requests with and without one do not "
            + "share a TLS context")
    void tls_connectsWithoutCertificate() throws Exception {
        TlsTestServer asking = fixture.track(TlsTestServer.builder(fixture.serverContext())
                .clientAuth(TlsTestServer.ClientAuth.REQUESTED).start(Http2TransportObligations::echo));
        TlsTestServer notAsking = fixture.track(TlsTestServer.builder(fixture.serverContext())
                .clientAuth(TlsTestServer.ClientAuth.NONE).start(Http2TransportObligations::echo));

        Connection anonymous = connect(withoutCertificate(asking.endpoint()));
        TlsHandshake first = handshakeOf(asking, "[tls-9]");
        Connection identified = connect(withCertificate(asking.endpoint()));
        TlsHandshake second = handshakeOf(asking, "[tls-9]");
        Connection anonymousAgain = connect(withoutCertificate(asking.endpoint()));
        TlsHandshake third = handshakeOf(asking, "[tls-9]");
        Connection unasked = connect(withoutCertificate(notAsking.endpoint()));

        assertThat(first.clientSubject()).as("[tls-9] the client certificate the server saw, none requested").isEmpty();
        assertThat(second.clientSubject()).as("[tls-9] the client certificate the server saw, one requested")
                .contains(fixture.client().certificate().getSubjectX500Principal().getName());
        assertThat(third.clientSubject()).as("[tls-9] none requested again, after a request with one").isEmpty();
        assertEchoes(anonymous, "[tls-9]");
        assertEchoes(identified, "[tls-9]");
        assertEchoes(anonymousAgain, "[tls-9]");
        assertEchoes(unasked, "[tls-9]");
    }

    @Test
    @Timeout(10)
    @DisplayName("[tls-10] a request without a certificate to a server that requires one is refused as a TLS "
            + "failure: an SSLException at connect, or the connection ending with an SSLException")
    void tls_serverRequiringCertificateRefuses() throws Exception {
        TlsTestServer requiring = fixture.track(TlsTestServer.builder(fixture.serverContext())
                .clientAuth(TlsTestServer.ClientAuth.REQUIRED).start(Http2TransportObligations::echo));
        Backend backend = fixture.availableBackend();
        RecordingListener listener = fixture.listener();
        Connection connection;
        try {
            connection = backend.connect(withoutCertificate(requiring.endpoint()), listener);
        } catch (IOException refused) {
            if (causes(refused).stream().anyMatch(SSLException.class::isInstance)) {
                assertThat(refused).as("[tls-10] the failure names the endpoint")
                        .hasMessageContaining(requiring.endpoint().toString());
                return;
            }
            IOException other = refused;
            throw new AssertionError("[tls-10] A refused connect must fail with an SSLException (or end the "
                    + "connection with one); it failed with " + other, other);
        }
        fixture.track(connection);
        // With TLS 1.3 the server checks the (empty) certificate after the client finished its handshake; the
        // refusal is the first thing the reader sees.
        CloseReason reason = awaitClosed(listener, "[tls-10]");
        assertThat(reason.kind()).as("[tls-10] how the connection ended: %s", reason).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(causes(reason.cause().orElseThrow()))
                .as("[tls-10] the cause of the ERROR close includes an SSLException; it was %s", reason)
                .anyMatch(SSLException.class::isInstance);
    }

    // ------------------------------------------------------------------------------------------------
    // Proxies.

    @Test
    @Timeout(15)
    @DisplayName("[proxy-1] through an HTTP CONNECT proxy: CONNECT names the target, TLS runs end to end with "
            + "the target's host name (SNI and hostname verification), bytes flow both ways (optional: "
            + "Feature.PROXY)")
    void proxy_httpConnect() throws Exception {
        fixture.assumeFeature(Feature.PROXY);
        TlsTestServer target = proxiedTarget();
        TestHttpProxy proxy = fixture.track(TestHttpProxy.start());
        proxy.routeToLoopback(PROXIED_HOST);
        Endpoint endpoint = Endpoint.of(PROXIED_HOST, target.endpoint().port());

        Connection connection = connect(withCertificate(endpoint)
                .withProxy(Proxy.httpConnect("127.0.0.1", proxy.endpoint().port())));

        TestHttpProxy.Request request = proxy.nextRequest(WAIT);
        assertThat(request).as("[proxy-1] the proxy received a CONNECT").isNotNull();
        assertThat(request.requestLine()).as("[proxy-1] the request line")
                .isEqualTo("CONNECT " + PROXIED_HOST + ":" + endpoint.port() + " HTTP/1.1");
        assertThat(request.proxyAuthorization()).as("[proxy-1] no credentials were given").isEmpty();
        TlsHandshake handshake = handshakeOf(target, "[proxy-1]");
        assertThat(handshake.serverNames()).as("[proxy-1] SNI names the target, not the proxy")
                .containsExactly(PROXIED_HOST);
        assertThat(connection.endpoint()).as("[proxy-1] endpoint() is the target").isEqualTo(endpoint);
        assertEchoes(connection, "[proxy-1]");
    }

    @Test
    @Timeout(15)
    @DisplayName("[proxy-2] basic authentication is sent to an HTTP CONNECT proxy that requires it, and "
            + "accepted (optional: Feature.PROXY)")
    void proxy_basicAuth() throws Exception {
        fixture.assumeFeature(Feature.PROXY);
        TlsTestServer target = proxiedTarget();
        TestHttpProxy proxy = fixture.track(TestHttpProxy.start());
        proxy.routeToLoopback(PROXIED_HOST);
        proxy.requireBasicAuth(PROXY_USER, PROXY_PASSWORD);

        Connection connection = connect(withCertificate(Endpoint.of(PROXIED_HOST, target.endpoint().port()))
                .withProxy(Proxy.httpConnect("127.0.0.1", proxy.endpoint().port())
                        .withBasicAuth(PROXY_USER, PROXY_PASSWORD)));

        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (PROXY_USER + ":" + PROXY_PASSWORD).getBytes(StandardCharsets.UTF_8));
        TestHttpProxy.Request request = proxy.nextRequest(WAIT);
        assertThat(request).as("[proxy-2] the proxy received a CONNECT").isNotNull();
        assertThat(request.proxyAuthorization()).as("[proxy-2] Proxy-Authorization (UTF-8 user:password)")
                .contains(expected);
        assertEchoes(connection, "[proxy-2]");
    }

    @Test
    @Timeout(15)
    @DisplayName("[proxy-3] a proxy answering 407 (no credentials, or wrong ones) fails connect with a "
            + "ProxyException naming the proxy and its answer, never the password (optional: Feature.PROXY)")
    void proxy_authenticationRequired() throws Exception {
        fixture.assumeFeature(Feature.PROXY);
        TlsTestServer target = proxiedTarget();
        TestHttpProxy proxy = fixture.track(TestHttpProxy.start());
        proxy.routeToLoopback(PROXIED_HOST);
        proxy.requireBasicAuth(PROXY_USER, "the-right-one");
        Endpoint endpoint = Endpoint.of(PROXIED_HOST, target.endpoint().port());
        Proxy anonymous = Proxy.httpConnect("127.0.0.1", proxy.endpoint().port());
        Proxy wrong = anonymous.withBasicAuth(PROXY_USER, PROXY_PASSWORD);

        for (Proxy attempt : List.of(anonymous, wrong)) {
            Throwable failure = catchThrowable(() -> connect(withCertificate(endpoint).withProxy(attempt)));
            assertProxyFailure(failure, proxy, "407", "[proxy-3] through " + attempt);
        }
        assertThat(target.handshakes()).as("[proxy-3] nothing reached the target").isEmpty();
    }

    @Test
    @Timeout(20)
    @DisplayName("[proxy-4] through a SOCKS5 proxy, without authentication and with username and password: the "
            + "target's host name goes to the proxy, TLS runs end to end, bytes flow both ways (optional: "
            + "Feature.PROXY)")
    void proxy_socks5() throws Exception {
        fixture.assumeFeature(Feature.PROXY);
        TlsTestServer target = proxiedTarget();
        TestSocks5Proxy open = fixture.track(TestSocks5Proxy.start());
        open.routeToLoopback(PROXIED_HOST);
        TestSocks5Proxy guarded = fixture.track(TestSocks5Proxy.start());
        guarded.routeToLoopback(PROXIED_HOST);
        guarded.requireUsernamePassword(PROXY_USER, SOCKS_PASSWORD);
        Endpoint endpoint = Endpoint.of(PROXIED_HOST, target.endpoint().port());

        Connection direct = connect(withCertificate(endpoint).withProxy(Proxy.socks5("127.0.0.1", open.endpoint().port())));
        TestSocks5Proxy.Request plain = open.nextRequest(WAIT);
        Connection authenticated = connect(withCertificate(endpoint).withProxy(
                Proxy.socks5("127.0.0.1", guarded.endpoint().port()).withUsernamePassword(PROXY_USER, SOCKS_PASSWORD)));
        TestSocks5Proxy.Request withCredentials = guarded.nextRequest(WAIT);

        assertThat(plain).as("[proxy-4] the open proxy received a CONNECT").isNotNull();
        assertThat(plain.targetHost()).as("[proxy-4] the target host, unresolved").isEqualTo(PROXIED_HOST);
        assertThat(plain.targetPort()).as("[proxy-4] the target port").isEqualTo(endpoint.port());
        assertThat(plain.username()).as("[proxy-4] no authentication").isEmpty();
        assertThat(withCredentials).as("[proxy-4] the guarded proxy received a CONNECT").isNotNull();
        assertThat(withCredentials.username()).as("[proxy-4] authenticated as").contains(PROXY_USER);
        assertThat(handshakeOf(target, "[proxy-4]").serverNames()).as("[proxy-4] SNI").containsExactly(PROXIED_HOST);
        assertEchoes(direct, "[proxy-4]");
        assertEchoes(authenticated, "[proxy-4]");
    }

    @Test
    @Timeout(20)
    @DisplayName("[proxy-5] a proxy that accepts TCP and never answers fails connect within the connect timeout "
            + "(300 ms, within 2 s more), with a ProxyException naming the proxy (optional: Feature.PROXY)")
    void proxy_stalled() throws Exception {
        fixture.assumeFeature(Feature.PROXY);
        TestHttpProxy http = fixture.track(TestHttpProxy.start());
        http.stall();
        TestSocks5Proxy socks = fixture.track(TestSocks5Proxy.start());
        socks.stall();
        Duration timeout = Duration.ofMillis(300);
        Endpoint endpoint = Endpoint.of(PROXIED_HOST, 443);

        for (Proxy stalled : List.of(Proxy.httpConnect("127.0.0.1", http.endpoint().port()),
                Proxy.socks5("127.0.0.1", socks.endpoint().port()))) {
            ConnectRequest request = new ConnectRequest(endpoint, Optional.of(certificate()), fixture.trust(), timeout,
                    GENEROUS, List.of(), Optional.of(stalled));
            long began = System.nanoTime();
            Throwable failure = catchThrowable(() -> connect(request));
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertThat(failure).as("[proxy-5] connect through the stalled " + stalled).isInstanceOf(ProxyException.class)
                    .hasMessageContaining(stalled.endpoint().toString());
            assertThat(took).as("[proxy-5] how long connect through the stalled %s took", stalled)
                    .isLessThan(timeout.plusSeconds(2));
        }
    }

    @Test
    @Timeout(20)
    @DisplayName("[proxy-6] a proxy refusing the tunnel (HTTP 403 and 503, closing without an answer, SOCKS5 "
            + "failure codes and refused credentials) fails connect with a ProxyException naming the proxy and its "
            + "answer, never the password (optional: Feature.PROXY)")
    void proxy_refusals() throws Exception {
        fixture.assumeFeature(Feature.PROXY);
        Endpoint endpoint = Endpoint.of(PROXIED_HOST, 443);
        TestHttpProxy http = fixture.track(TestHttpProxy.start());
        Proxy httpProxy = Proxy.httpConnect("127.0.0.1", http.endpoint().port()).withBasicAuth(PROXY_USER, PROXY_PASSWORD);

        http.answerWith(403, "Forbidden");
        assertProxyFailure(catchThrowable(() -> connect(withCertificate(endpoint).withProxy(httpProxy))), http, "403",
                "[proxy-6] HTTP 403");
        http.answerWith(503, "Service Unavailable");
        assertProxyFailure(catchThrowable(() -> connect(withCertificate(endpoint).withProxy(httpProxy))), http, "503",
                "[proxy-6] HTTP 503");
        http.closeWithoutAnswering();
        assertProxyFailure(catchThrowable(() -> connect(withCertificate(endpoint).withProxy(httpProxy))), http, null,
                "[proxy-6] HTTP, closed without an answer");

        TestSocks5Proxy refusing = fixture.track(TestSocks5Proxy.start());
        refusing.replyWith(5);
        assertProxyFailure(catchThrowable(() -> connect(withCertificate(endpoint)
                .withProxy(Proxy.socks5("127.0.0.1", refusing.endpoint().port())))), refusing, null,
                "[proxy-6] SOCKS5 reply 5 (connection refused)");
        TestSocks5Proxy guarded = fixture.track(TestSocks5Proxy.start());
        guarded.requireUsernamePassword(PROXY_USER, "the-right-one");
        assertProxyFailure(catchThrowable(() -> connect(withCertificate(endpoint).withProxy(
                Proxy.socks5("127.0.0.1", guarded.endpoint().port()).withUsernamePassword(PROXY_USER, SOCKS_PASSWORD)))),
                guarded, null, "[proxy-6] SOCKS5 credentials refused");
        assertProxyFailure(catchThrowable(() -> connect(withCertificate(endpoint).withProxy(
                Proxy.socks5("127.0.0.1", guarded.endpoint().port())))), guarded, null,
                "[proxy-6] SOCKS5 without the credentials it requires");
    }

    @Test
    @Timeout(10)
    @DisplayName("[proxy-7] a backend that does not declare Feature.PROXY refuses a request with a proxy instead "
            + "of connecting directly")
    void proxy_refusedWithoutTheFeature() throws Exception {
        Backend backend = fixture.availableBackend();
        assumeFalse(backend.features().contains(Feature.PROXY),
                "The backend declares Feature.PROXY; [proxy-1] to [proxy-6] check it instead.");
        TlsTestServer server = fixture.track(TlsTestServer.builder(fixture.serverContext()).start(Http2TransportObligations::echo));
        TestHttpProxy proxy = fixture.track(TestHttpProxy.start());
        ConnectRequest request = withCertificate(server.endpoint())
                .withProxy(Proxy.httpConnect("127.0.0.1", proxy.endpoint().port()));

        assertThatThrownBy(() -> connect(request)).as("[proxy-7] connect with a proxy the backend cannot use")
                .isInstanceOf(IOException.class);
        assertThat(server.handshakes()).as("[proxy-7] nothing connected directly").isEmpty();
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers.

    private TlsTestServer alpnServer(String... protocols) throws IOException {
        return fixture.track(TlsTestServer.builder(fixture.serverContext()).applicationProtocols(protocols)
                .start(Http2TransportObligations::echo));
    }

    /** An echo server whose certificate names only {@link #PROXIED_HOST}, reachable only through the proxies. */
    private TlsTestServer proxiedTarget() throws IOException {
        return fixture.track(TlsTestServer.builder(fixture.serverContextFor(PROXIED_HOST))
                .start(Http2TransportObligations::echo));
    }

    private static void echo(Socket socket, TlsTestServer server) throws IOException {
        socket.getInputStream().transferTo(socket.getOutputStream());
    }

    private Certificate certificate() {
        return fixture.availableBackend().certificate(fixture.client().credentials());
    }

    private ConnectRequest withCertificate(Endpoint endpoint) {
        return new ConnectRequest(endpoint, certificate(), fixture.trust(), GENEROUS, GENEROUS);
    }

    private ConnectRequest withoutCertificate(Endpoint endpoint) {
        return ConnectRequest.withoutCertificate(endpoint, fixture.trust(), GENEROUS, GENEROUS);
    }

    /** Connects with the backend under test and a tracked listener; the connection is closed after the test. */
    private Connection connect(ConnectRequest request) throws IOException {
        RecordingListener listener = fixture.listener();
        Connection connection = fixture.availableBackend().connect(request, listener);
        fixture.track(connection);
        listeners.put(connection, listener);
        return connection;
    }

    private static TlsHandshake handshakeOf(TlsTestServer server, String obligation) throws InterruptedException {
        TlsHandshake handshake = server.nextHandshake(WAIT);
        if (handshake == null) {
            fail(obligation + " The server recorded no completed handshake within " + WAIT);
        }
        return handshake;
    }

    /** Writes 64 KiB of random bytes and expects them back from the echo server. */
    private void assertEchoes(Connection connection, String obligation) throws Exception {
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

    private static void assertProxyFailure(Throwable failure, TestProxyServer proxyServer, String answer,
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

    private static CloseReason awaitClosed(RecordingListener listener, String obligation) throws InterruptedException {
        try {
            return listener.awaitClosed(WAIT);
        } catch (TimeoutException e) {
            throw new AssertionError(obligation + " The listener's onClosed was not called within " + WAIT
                    + "; events so far: " + listener.events(), e);
        }
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < 20 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
