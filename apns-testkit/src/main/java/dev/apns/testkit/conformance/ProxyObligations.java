package dev.apns.testkit.conformance;

import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.ProxyException;
import dev.apns.spi.Backend;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.testkit.TestHttpProxy;
import dev.apns.testkit.TestSocks5Proxy;
import dev.apns.testkit.TlsHandshake;
import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * [proxy-1] to [proxy-7]: tunnels through HTTP CONNECT and SOCKS5 proxies, with and without authentication,
 * TLS end to end with the target's name, and typed failures that never show the password
 * ({@link Feature#PROXY}). Run by {@link BackendConformanceSuite}.
 */
abstract class ProxyObligations extends Http2TransportObligations {
    ProxyObligations(Fixture fixture) {
        super(fixture);
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
}
