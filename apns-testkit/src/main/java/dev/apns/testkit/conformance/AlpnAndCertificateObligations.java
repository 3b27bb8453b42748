package dev.apns.testkit.conformance;

import dev.apns.spi.Backend;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.testkit.RecordingListener;
import dev.apns.testkit.TlsHandshake;
import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;

import javax.net.ssl.SSLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * [alpn-1] to [alpn-5]: the request's ALPN protocols are offered in order and the server's choice is reported
 * ({@link Feature#ALPN}); [tls-9] and [tls-10]: a request without a client certificate presents none, and a
 * server that requires one refuses it (every backend). Run by {@link BackendConformanceSuite}.
 */
abstract class AlpnAndCertificateObligations extends Http2TransportObligations {
    AlpnAndCertificateObligations(Fixture fixture) {
        super(fixture);
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
        } catch (SSLException refused) {
            assertThat(refused).as("[tls-10] the SSLException names the endpoint")
                    .hasMessageContaining(requiring.endpoint().toString());
            return;
        } catch (IOException other) {
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
}
