package dev.apns.backend.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Trust;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectFailure;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.testkit.RecordingListener;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BlockingBackendTest {
    private static final Duration GENEROUS = Duration.ofSeconds(5);

    private static TestCertificates certs;
    private static Credentials credentials;
    private static Trust trust;
    private static SSLContext serverContext;

    private final List<TlsTestServer> servers = new ArrayList<>();
    private BlockingBackend backend;

    @BeforeAll
    static void issueCertificates() {
        certs = TestCertificates.create();
        credentials = certs.client("provider").credentials();
        trust = Trust.of(certs.authority().certificate());
        serverContext = certs.server().sslContext(certs.authority().certificate());
    }

    @BeforeEach
    void newBackend() {
        backend = new BlockingBackend();
    }

    @AfterEach
    void closeEverything() throws Exception {
        backend.close();
        for (TlsTestServer server : servers) {
            server.close();
        }
    }

    @Test
    void serverNotSignedByTheTrustedAuthorityIsRefused() throws Exception {
        TestCertificates stranger = TestCertificates.create();
        TlsTestServer server = tlsServer(stranger.server().sslContext(certs.authority().certificate()),
                (socket, s) -> s.awaitClose());

        assertThatThrownBy(() -> backend.connect(request(server.endpoint()), new RecordingListener()))
                .isInstanceOf(ConnectFailure.class).hasCauseInstanceOf(SSLHandshakeException.class)
                .hasMessageStartingWith("TLS handshake with " + server.endpoint() + " failed:");
        // The server fails too: with the client's alert, or with a broken pipe when the client hung up first.
        assertThat(server.nextFailure(GENEROUS)).isInstanceOf(IOException.class);
    }

    @Test
    void serverCertificateForAnotherHostIsRefused() throws Exception {
        SSLContext otherHost = certs.serverFor("other.example").sslContext(certs.authority().certificate());
        TlsTestServer server = tlsServer(otherHost, (socket, s) -> s.awaitClose());

        assertThatThrownBy(() -> backend.connect(request(server.endpoint()), new RecordingListener()))
                .isInstanceOf(ConnectFailure.class).hasCauseInstanceOf(SSLHandshakeException.class)
                .hasMessageStartingWith("TLS handshake with " + server.endpoint() + " failed:")
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void serverThatAcceptsTcpButNeverAnswersTheHandshakeTimesOutWithinTheLimit() throws Exception {
        TlsTestServer silent = track(TlsTestServer.tcp((socket, s) -> s.awaitClose()));
        Duration limit = Duration.ofMillis(300);
        long started = System.nanoTime();

        ConnectFailure timeout = catchThrowableOfType(ConnectFailure.class,
                () -> backend.connect(request(silent.endpoint(), limit, GENEROUS), new RecordingListener()));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(timeout).hasMessage("TLS handshake with " + silent.endpoint() + " did not finish within 300 ms.");
        assertThat(timeout.kind()).isEqualTo(ConnectFailure.Kind.TIMED_OUT);
        assertThat(elapsed).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
    }

    @Test
    void writeBlockedByAPeerThatStopsReadingFailsWithinTheWriteTimeout() throws Exception {
        TlsTestServer server = track(TlsTestServer.tlsWithSmallReceiveBuffer(serverContext, (socket, s) -> s.awaitClose()));
        RecordingListener listener = new RecordingListener();
        Connection connection = backend.connect(request(server.endpoint(), GENEROUS, Duration.ofMillis(300)), listener);
        ByteBuffer big = ByteBuffer.allocate(32 * 1024 * 1024);

        long started = System.nanoTime();
        SocketTimeoutException timeout = catchThrowableOfType(SocketTimeoutException.class, () -> {
            for (int i = 0; i < 8; i++) {
                connection.write(big.clear());
            }
        });
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(timeout).hasMessageStartingWith("Write to " + server.endpoint() + " blocked for more than 300 ms");
        assertThat(elapsed).isLessThan(Duration.ofSeconds(3));
        CloseReason reason = listener.awaitClosed(GENEROUS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.cause()).containsSame(timeout);
        assertThat(connection.closeFuture().toCompletableFuture().get(1, TimeUnit.SECONDS)).isSameAs(reason);
        assertThat(connection.isOpen()).isFalse();
        assertThatThrownBy(() -> connection.write(ByteBuffer.wrap(new byte[] {1})))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has failed");
    }

    @Test
    void peerThatAnswersAndClosesWhileWeKeepWritingStillDeliversItsAnswer() throws Exception {
        byte[] answer = {8, 8, 0, 0, 0, 42};
        TlsTestServer server = tlsServer((socket, s) -> {
            socket.getInputStream().readNBytes(10);
            socket.getOutputStream().write(answer);
            socket.getOutputStream().flush();
            socket.close(); // with unread bytes pending: the client's later writes fail
        });
        RecordingListener listener = new RecordingListener();
        Connection connection = backend.connect(request(server.endpoint()), listener);

        IOException failed = catchThrowableOfType(IOException.class, () -> {
            for (int i = 0; i < 10_000; i++) {
                connection.write(ByteBuffer.allocate(16 * 1024));
            }
        });
        CloseReason reason = listener.awaitClosed(GENEROUS);

        assertThat(failed).hasMessageContaining(server.endpoint().toString());
        assertThat(listener.received()).containsExactly(answer);
        assertThat(listener.events()).last().asString().startsWith("closed:");
        assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThat(listener.closeCalls()).isEqualTo(1);
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void closeIsIdempotentAndReportedAsLocalExactlyOnce() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
        RecordingListener listener = new RecordingListener();
        Connection connection = backend.connect(request(server.endpoint()), listener);
        connection.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
        listener.awaitBytes(4, GENEROUS);

        CompletableFuture<Void> other = CompletableFuture.runAsync(connection::close);
        long started = System.nanoTime();
        connection.close();
        connection.close();
        other.get(2, TimeUnit.SECONDS);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
        assertThat(listener.awaitClosed(GENEROUS)).isSameAs(CloseReason.local());
        assertThat(listener.closeCalls()).isEqualTo(1);
        assertThat(connection.closeFuture().toCompletableFuture().get(1, TimeUnit.SECONDS)).isSameAs(CloseReason.local());
        assertThat(connection.isOpen()).isFalse();
        assertThatThrownBy(() -> connection.write(ByteBuffer.wrap(new byte[] {1})))
                .isInstanceOf(IOException.class)
                .hasMessage("The connection to " + server.endpoint() + " is closed.");
    }

    @Test
    void closeDuringAWriteBlockedByThePeerReturnsPromptlyAndFailsTheWrite() throws Exception {
        TlsTestServer server = track(TlsTestServer.tlsWithSmallReceiveBuffer(serverContext, (socket, s) -> s.awaitClose()));
        RecordingListener listener = new RecordingListener();
        Connection connection = backend.connect(request(server.endpoint(), GENEROUS, Duration.ofSeconds(30)), listener);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            ByteBuffer big = ByteBuffer.allocate(32 * 1024 * 1024);
            try {
                for (int i = 0; i < 8; i++) {
                    connection.write(big.clear());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitCondition(((BlockingConnection) connection)::writeInProgress, GENEROUS);
        assertThatThrownBy(() -> writer.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

        long started = System.nanoTime();
        connection.close();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
        Throwable failed = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                () -> writer.get(2, TimeUnit.SECONDS)).getCause().getCause();
        assertThat(failed).isInstanceOf(IOException.class)
                .hasMessage("The connection to " + server.endpoint() + " was closed locally during a write.");
        assertThat(listener.awaitClosed(GENEROUS)).isSameAs(CloseReason.local());
    }

    @Test
    void closeFromTheListenerCallbackIsReportedAsLocalOnTheReaderThread() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> {
            socket.getOutputStream().write(1);
            s.awaitClose();
        });
        AtomicReference<Connection> self = new AtomicReference<>();
        CountDownLatch connected = new CountDownLatch(1);
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onData(ByteBuffer bytes) {
                super.onData(bytes);
                try {
                    connected.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                self.get().close();
            }
        };

        self.set(backend.connect(request(server.endpoint()), listener));
        connected.countDown();

        assertThat(listener.awaitClosed(GENEROUS)).isSameAs(CloseReason.local());
        assertThat(listener.closingThread()).startsWith("apns-blocking-reader-" + server.endpoint() + "-");
    }

    @Test
    void tlsContextIsBuiltOncePerCertificateAndTrust() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> s.awaitClose());
        ConnectRequest first = request(server.endpoint());
        ConnectRequest equalCertificate = new ConnectRequest(server.endpoint(), backend.certificate(credentials),
                Trust.of(certs.authority().certificate()), GENEROUS, GENEROUS);

        backend.connect(first, new RecordingListener());
        backend.connect(equalCertificate, new RecordingListener());

        assertThat(backend.cachedContexts()).isEqualTo(1);
    }

    @Test
    void alpnIsSetPerSocketSoOnlyTheAbsenceOfACertificateNeedsAnotherContext() throws Exception {
        TlsTestServer server = track(TlsTestServer.builder(serverContext).clientAuth(TlsTestServer.ClientAuth.REQUESTED)
                .applicationProtocols("h2").start((socket, s) -> s.awaitClose()));
        ConnectRequest plain = request(server.endpoint());

        Connection withoutAlpn = backend.connect(plain, new RecordingListener());
        Connection withAlpn = backend.connect(plain.withApplicationProtocols(List.of("h2")), new RecordingListener());
        backend.connect(ConnectRequest.withoutCertificate(server.endpoint(), Trust.of(certs.authority().certificate()),
                GENEROUS, GENEROUS), new RecordingListener());

        assertThat(withoutAlpn.applicationProtocol()).isEmpty();
        assertThat(withAlpn.applicationProtocol()).contains("h2");
        assertThat(backend.cachedContexts()).isEqualTo(2);
    }

    @Test
    void connectionRefusedNamesTheEndpoint() throws Exception {
        Endpoint closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = Endpoint.of("127.0.0.1", probe.getLocalPort());
        }

        assertThatThrownBy(() -> backend.connect(request(closedPort), new RecordingListener()))
                .isInstanceOf(ConnectFailure.class).hasCauseInstanceOf(java.net.ConnectException.class)
                .hasMessageStartingWith("Could not connect to " + closedPort);
    }

    @Test
    void declaresItsNamePriorityAvailabilityAndFeatures() {
        assertThat(backend.name()).isEqualTo("blocking");
        assertThat(backend.priority()).isEqualTo(5);
        assertThat(backend.availability().isAvailable()).isTrue();
        assertThat(backend.features()).containsExactlyInAnyOrder(Feature.TLS_1_3, Feature.WRITE_TIMEOUT,
                Feature.HANDSHAKE_TIMEOUT, Feature.ALPN, Feature.PROXY);
        assertThat(backend.certificate(credentials).toString()).contains("CN=provider").doesNotContain("PRIVATE");
    }

    @Test
    void connectAfterCloseSaysTheBackendIsClosed() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> s.awaitClose());
        backend.close();

        assertThatThrownBy(() -> backend.connect(request(server.endpoint()), new RecordingListener()))
                .isInstanceOf(IOException.class)
                .hasMessage("The blocking APNs backend is closed; it opens no new connections.");
    }

    /** Polls (bounded) for a state no latch or future can signal, such as a write being inside the socket. */
    private static void awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("The condition did not hold within " + timeout + ".");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private TlsTestServer tlsServer(TlsTestServer.Handler handler) throws IOException {
        return tlsServer(serverContext, handler);
    }

    private TlsTestServer tlsServer(SSLContext context, TlsTestServer.Handler handler) throws IOException {
        return track(TlsTestServer.tls(context, handler));
    }

    private TlsTestServer track(TlsTestServer server) {
        servers.add(server);
        return server;
    }

    private ConnectRequest request(Endpoint endpoint) {
        return request(endpoint, GENEROUS, GENEROUS);
    }

    private ConnectRequest request(Endpoint endpoint, Duration connectTimeout, Duration writeTimeout) {
        return new ConnectRequest(endpoint, backend.certificate(credentials), trust, connectTimeout, writeTimeout);
    }

}
