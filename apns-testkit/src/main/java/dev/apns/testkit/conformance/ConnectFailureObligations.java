package dev.apns.testkit.conformance;

import dev.apns.Endpoint;
import dev.apns.spi.Backend;
import dev.apns.spi.ConnectFailure;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Feature;
import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The obligation that a failed connect says why, as a {@link ConnectFailure} of the right
 * {@link ConnectFailure.Kind}: core retries timeouts, refusals and broken-off handshakes and stops on
 * certificate evidence, so a wrong kind either stops a sender for good or retries a hopeless connect forever.
 * Kept apart from {@link BackendConformanceSuite}, which runs these tests in one of its {@code @Nested} areas;
 * {@code docs/conformance.md} explains each identifier.
 */
abstract class ConnectFailureObligations {
    private static final Duration GENEROUS = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(300);

    private final Http2TransportObligations.Fixture fixture;

    ConnectFailureObligations(Http2TransportObligations.Fixture fixture) {
        this.fixture = fixture;
    }

    @Test
    @Timeout(10)
    @DisplayName("[fail-1] a TLS handshake that stalls past the connect timeout is a ConnectFailure of kind TIMED_OUT "
            + "(optional: Feature.HANDSHAKE_TIMEOUT)")
    void fail_aStalledHandshakeIsTimedOut() throws Exception {
        fixture.assumeFeature(Feature.HANDSHAKE_TIMEOUT);
        // The kernel completes the TCP handshake for the backlog; nobody ever reads the ClientHello.
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            Endpoint endpoint = Endpoint.of("127.0.0.1", silent.getLocalPort());

            Throwable failed = connect(new ConnectRequest(endpoint, certificate(), fixture.trust(), SHORT, GENEROUS));

            assertKind(failed, ConnectFailure.Kind.TIMED_OUT, endpoint, "[fail-1]");
        }
    }

    @Test
    @Timeout(10)
    @DisplayName("[fail-2] a refused TCP connect is a ConnectFailure of kind REFUSED_CONNECTION")
    void fail_aRefusedConnectIsRefusedConnection() throws Exception {
        Endpoint closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = Endpoint.of("127.0.0.1", probe.getLocalPort());
        }

        Throwable failed = connect(new ConnectRequest(closedPort, certificate(), fixture.trust(), GENEROUS, GENEROUS));

        assertKind(failed, ConnectFailure.Kind.REFUSED_CONNECTION, closedPort, "[fail-2]");
    }

    @Test
    @Timeout(10)
    @DisplayName("[fail-3] a server that closes the connection during the handshake (no alert) is a ConnectFailure "
            + "of kind BROKEN_OFF")
    void fail_aHandshakeTheServerBrokeOffIsBrokenOff() throws Exception {
        TlsTestServer hangsUp = fixture.track(TlsTestServer.tcp(ConnectFailureObligations::readHelloThenHangUp));

        Throwable failed = connect(new ConnectRequest(hangsUp.endpoint(), certificate(), fixture.trust(), GENEROUS,
                GENEROUS));

        assertKind(failed, ConnectFailure.Kind.BROKEN_OFF, hangsUp.endpoint(), "[fail-3]");
    }

    @Test
    @Timeout(10)
    @DisplayName("[fail-4] a server certificate the request does not trust (here: for another host name) is a "
            + "ConnectFailure of kind SERVER_NOT_TRUSTED")
    void fail_anUntrustedServerIsServerNotTrusted() throws Exception {
        TlsTestServer otherHost = fixture.track(TlsTestServer.tls(fixture.serverContextFor("other.example"),
                (socket, server) -> server.awaitClose()));

        Throwable failed = connect(new ConnectRequest(otherHost.endpoint(), certificate(), fixture.trust(), GENEROUS,
                GENEROUS));

        assertKind(failed, ConnectFailure.Kind.SERVER_NOT_TRUSTED, otherHost.endpoint(), "[fail-4]");
    }

    private Throwable connect(ConnectRequest request) {
        Backend backend = fixture.availableBackend();
        return catchThrowable(() -> fixture.track(backend.connect(request, fixture.listener())));
    }

    private dev.apns.spi.Certificate certificate() {
        return fixture.availableBackend().certificate(fixture.client().credentials());
    }

    private static void assertKind(Throwable failed, ConnectFailure.Kind kind, Endpoint endpoint, String obligation) {
        assertThat(failed).as("%s connect must fail with a ConnectFailure", obligation)
                .isInstanceOf(ConnectFailure.class)
                .hasMessageContaining(endpoint.toString());
        assertThat(((ConnectFailure) failed).kind()).as("%s the kind of %s", obligation, failed).isEqualTo(kind);
    }

    /** Reads the first bytes of the ClientHello, then closes the TCP connection without a TLS alert. */
    private static void readHelloThenHangUp(Socket socket, TlsTestServer server) throws Exception {
        try (socket) {
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(5_000);
            in.read(new byte[5]);
        }
    }
}
