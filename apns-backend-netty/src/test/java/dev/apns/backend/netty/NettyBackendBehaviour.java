package dev.apns.backend.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Trust;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.testkit.TestCertificates;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * The Netty backend as a byte pipe over real TLS on 127.0.0.1, against JSSE servers: what the SPI promises,
 * run once per transport and TLS combination by the subclasses.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
abstract class NettyBackendBehaviour {
    static final Duration GENEROUS = Duration.ofSeconds(5);

    static TestCertificates certs;
    static Credentials credentials;
    static Trust trust;
    static SSLContext serverContext;

    private final List<TlsTestServer> servers = new ArrayList<>();
    NettyBackend backend;

    /** The backend under test, new for each test. */
    abstract NettyBackend newBackend();

    @BeforeAll
    static void issueCertificates() {
        if (certs == null) {
            certs = TestCertificates.create();
            credentials = certs.client("provider").credentials();
            trust = Trust.of(certs.authority().certificate());
            serverContext = certs.server().sslContext(certs.authority().certificate());
        }
    }

    @BeforeEach
    void createBackend() {
        backend = newBackend();
    }

    @AfterEach
    void closeEverything() throws Exception {
        backend.close();
        for (TlsTestServer server : servers) {
            server.close();
        }
    }

    @Test
    void connectsWithClientCertificateAndExchangesBytesBothWaysInOrder() throws Exception {
        CompletableFuture<String> clientSubject = new CompletableFuture<>();
        TlsTestServer server = tlsServer((socket, s) -> {
            clientSubject.complete(((SSLSocket) socket).getSession().getPeerPrincipal().getName());
            socket.getInputStream().transferTo(socket.getOutputStream());
        });
        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        RecordingListener listener = new RecordingListener();

        Connection connection = backend.connect(request(server.endpoint()), listener);
        ByteBuffer small = ByteBuffer.wrap(payload, 0, 1000);
        ByteBuffer direct = ByteBuffer.allocateDirect(70_003).put(payload, 1000, 70_003).flip();
        ByteBuffer slice = ByteBuffer.wrap(payload, 71_003, payload.length - 71_003).slice(); // non-zero array offset
        connection.write(small);
        connection.write(direct);
        connection.write(slice);
        byte[] echoed = listener.awaitBytes(payload.length, GENEROUS);

        assertThat(clientSubject.get(1, TimeUnit.SECONDS)).contains("CN=provider");
        assertThat(small.hasRemaining()).isFalse();
        assertThat(direct.hasRemaining()).isFalse();
        assertThat(slice.hasRemaining()).isFalse();
        assertThat(echoed).hasSize(payload.length);
        assertThat(echoed).isEqualTo(payload);
        assertThat(connection.isOpen()).isTrue();
        assertThat(connection.endpoint()).isEqualTo(server.endpoint());
        assertThat(listener.dataThread).startsWith("apns-netty-");
    }

    @Test
    void theCallersBufferMayBeReusedAsSoonAsWriteReturns() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
        RecordingListener listener = new RecordingListener();
        Connection connection = backend.connect(request(server.endpoint()), listener);
        ByteBuffer reused = ByteBuffer.allocate(1000);
        byte[] expected = new byte[100 * 1000];

        for (int round = 0; round < 100; round++) {
            reused.clear();
            Arrays.fill(reused.array(), (byte) round);
            Arrays.fill(expected, round * 1000, (round + 1) * 1000, (byte) round);
            connection.write(reused);
            Arrays.fill(reused.array(), (byte) -1); // scribbling after write returned must not change what is sent
        }

        assertThat(listener.awaitBytes(expected.length, GENEROUS)).isEqualTo(expected);
    }

    @Test
    void concurrentWritesAreEachWrittenContiguously() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
        RecordingListener listener = new RecordingListener();
        Connection connection = backend.connect(request(server.endpoint()), listener);
        int writers = 4;
        int writesEach = 50;
        int blockSize = 100_000; // larger than a write chunk, so one call is several Netty writes
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            byte mark = (byte) ('a' + w);
            done.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    byte[] block = new byte[blockSize];
                    Arrays.fill(block, mark);
                    for (int i = 0; i < writesEach; i++) {
                        connection.write(ByteBuffer.wrap(block));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.countDown();
        CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(8, TimeUnit.SECONDS);
        byte[] echoed = listener.awaitBytes(writers * writesEach * blockSize, GENEROUS);

        assertThat(echoed).hasSize(writers * writesEach * blockSize);
        for (int block = 0; block < echoed.length / blockSize; block++) {
            byte first = echoed[block * blockSize];
            for (int i = 1; i < blockSize; i++) {
                if (echoed[block * blockSize + i] != first) {
                    throw new AssertionError("Block " + block + " interleaves writes at byte " + i + ".");
                }
            }
        }
    }

    @Test
    void serverNotSignedByTheTrustedAuthorityIsRefused() throws Exception {
        TestCertificates stranger = TestCertificates.create();
        TlsTestServer server = tlsServer(stranger.server().sslContext(certs.authority().certificate()),
                (socket, s) -> s.awaitClose());

        assertThatThrownBy(() -> backend.connect(request(server.endpoint()), new RecordingListener()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageStartingWith("TLS handshake with " + server.endpoint() + " failed:");
        assertThat(server.nextFailure(GENEROUS)).isInstanceOf(SSLException.class);
    }

    @Test
    void serverCertificateForAnotherHostIsRefused() throws Exception {
        SSLContext otherHost = certs.serverFor("other.example").sslContext(certs.authority().certificate());
        TlsTestServer server = tlsServer(otherHost, (socket, s) -> s.awaitClose());

        assertThatThrownBy(() -> backend.connect(request(server.endpoint()), new RecordingListener()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageStartingWith("TLS handshake with " + server.endpoint() + " failed:")
                .hasStackTraceContaining("127.0.0.1");
    }

    @Test
    void serverCertificateForTheHostNameIsAcceptedWhenConnectingByName() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> s.awaitClose());
        Endpoint byName = Endpoint.of("localhost", server.endpoint().port());

        Connection connection = backend.connect(request(byName), new RecordingListener());

        assertThat(connection.isOpen()).isTrue();
        assertThat(connection.endpoint()).isEqualTo(byName);
    }

    @Test
    void clientCertificateTheServerDoesNotTrustFailsTheConnectOrEndsTheConnectionWithATlsError() throws Exception {
        TestCertificates stranger = TestCertificates.create();
        TlsTestServer server = tlsServer(certs.server().sslContext(stranger.authority().certificate()),
                (socket, s) -> s.awaitClose());
        RecordingListener listener = new RecordingListener();

        // TLS 1.3 finishes the client's side of the handshake before the server checks the client
        // certificate, so the refusal may arrive as the first thing read after connect returned.
        try {
            backend.connect(request(server.endpoint()), listener);
        } catch (SSLException refused) {
            assertThat(refused).hasMessageContaining(server.endpoint().toString());
            assertThat(listener.closeCalls).hasValue(0);
            return;
        }
        CloseReason reason = listener.awaitClosed(GENEROUS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.cause()).containsInstanceOf(SSLException.class);
    }

    @Test
    void serverThatAcceptsTcpButNeverAnswersTheHandshakeTimesOutWithinTheLimit() throws Exception {
        TlsTestServer silent = track(TlsTestServer.tcp((socket, s) -> s.awaitClose()));
        Duration limit = Duration.ofMillis(300);
        RecordingListener listener = new RecordingListener();
        long started = System.nanoTime();

        SocketTimeoutException timeout = catchThrowableOfType(SocketTimeoutException.class,
                () -> backend.connect(request(silent.endpoint(), limit, GENEROUS), listener));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(timeout).hasMessage("TLS handshake with " + silent.endpoint() + " did not finish within 300 ms.");
        assertThat(elapsed).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
        assertThat(listener.closeCalls).hasValue(0);
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
    void aPeerThatDoesNotReadBlocksTheWriterInsteadOfGrowingTheOutboundBuffer() throws Exception {
        TlsTestServer server = track(TlsTestServer.tlsWithSmallReceiveBuffer(serverContext, (socket, s) -> s.awaitClose()));
        NettyConnection connection = (NettyConnection) backend.connect(
                request(server.endpoint(), GENEROUS, Duration.ofSeconds(30)), new RecordingListener());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                connection.write(ByteBuffer.allocate(64 * 1024 * 1024));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        awaitCondition(() -> connection.writeInProgress() && !connection.channelWritable(), GENEROUS);

        assertThatThrownBy(() -> writer.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(connection.pendingOutboundBytes())
                .isLessThanOrEqualTo(NettyRuntime.WATER_MARK.high() + NettyConnection.WRITE_CHUNK_SIZE + 64 * 1024L);
        connection.close();
        assertThatThrownBy(() -> writer.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void peerCloseIsReportedAsPeerAfterTheLastData() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> {
            OutputStream out = socket.getOutputStream();
            out.write("last words".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.close();
        });
        RecordingListener listener = new RecordingListener();

        Connection connection = backend.connect(request(server.endpoint()), listener);
        CloseReason reason = listener.awaitClosed(GENEROUS);

        assertThat(reason).isSameAs(CloseReason.peer());
        assertThat(new String(listener.received(), StandardCharsets.US_ASCII)).isEqualTo("last words");
        assertThat(listener.events).last().isEqualTo("closed:PEER");
        assertThat(listener.events).first().isEqualTo("data");
        assertThat(listener.closeCalls).hasValue(1);
        assertThat(connection.closeFuture().toCompletableFuture().get(1, TimeUnit.SECONDS)).isSameAs(reason);
        assertThat(connection.isOpen()).isFalse();
        assertThatThrownBy(() -> connection.write(ByteBuffer.wrap(new byte[] {1}))).isInstanceOf(IOException.class);
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
        assertThat(listener.events).last().asString().startsWith("closed:");
        assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThat(listener.closeCalls).hasValue(1);
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void peerThatDropsTcpWithoutCloseNotifyIsReportedAsPeerAfterItsData() throws Exception {
        TlsTestServer server = track(TlsTestServer.tcp((plain, s) -> {
            SSLSocket tls = (SSLSocket) serverContext.getSocketFactory().createSocket(plain, null, true);
            tls.setUseClientMode(false);
            tls.setNeedClientAuth(true);
            tls.startHandshake();
            tls.getOutputStream().write(7);
            tls.getOutputStream().flush();
            plain.close(); // FIN under TLS, no close_notify
        }));
        RecordingListener listener = new RecordingListener();

        backend.connect(request(server.endpoint()), listener);
        CloseReason reason = listener.awaitClosed(GENEROUS);

        assertThat(listener.received()).containsExactly(7);
        assertThat(reason).isSameAs(CloseReason.peer());
        assertThat(listener.closeCalls).hasValue(1);
    }

    @Test
    void closeIsIdempotentNonBlockingAndReportedAsLocalExactlyOnce() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
        RecordingListener listener = new RecordingListener();
        Connection connection = backend.connect(request(server.endpoint()), listener);
        connection.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
        listener.awaitBytes(4, GENEROUS);

        CompletableFuture<Void> other = CompletableFuture.runAsync(connection::close);
        long started = System.nanoTime();
        connection.close();
        connection.close();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        other.get(2, TimeUnit.SECONDS);

        assertThat(elapsed).isLessThan(Duration.ofMillis(200));
        assertThat(listener.awaitClosed(GENEROUS)).isSameAs(CloseReason.local());
        assertThat(listener.closeCalls).hasValue(1);
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
        NettyConnection connection = (NettyConnection) backend.connect(
                request(server.endpoint(), GENEROUS, Duration.ofSeconds(30)), listener);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            ByteBuffer big = ByteBuffer.allocate(32 * 1024 * 1024);
            try {
                for (int i = 0; i < 8; i++) {
                    connection.write(big.clear());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        awaitCondition(() -> connection.writeInProgress() && !connection.channelWritable(), GENEROUS);
        assertThatThrownBy(() -> writer.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

        long started = System.nanoTime();
        connection.close();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(elapsed).isLessThan(Duration.ofMillis(200));
        Throwable failed = catchThrowableOfType(ExecutionException.class,
                () -> writer.get(2, TimeUnit.SECONDS)).getCause().getCause();
        assertThat(failed).isInstanceOf(IOException.class)
                .hasMessage("The connection to " + server.endpoint() + " was closed locally during a write.");
        assertThat(listener.awaitClosed(GENEROUS)).isSameAs(CloseReason.local());
    }

    @Test
    void closeFromTheListenerCallbackIsReportedAsLocalOnTheEventLoop() throws Exception {
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
        assertThat(listener.closingThread).startsWith("apns-netty-");
        assertThat(listener.closeCalls).hasValue(1);
    }

    @Test
    void writingOrConnectingFromTheListenerCallbackIsRefusedInsteadOfBlockingTheEventLoop() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> {
            socket.getOutputStream().write(1);
            s.awaitClose();
        });
        AtomicReference<Connection> self = new AtomicReference<>();
        CountDownLatch connected = new CountDownLatch(1);
        CompletableFuture<Throwable> writeRefusal = new CompletableFuture<>();
        CompletableFuture<Throwable> connectRefusal = new CompletableFuture<>();
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onData(ByteBuffer bytes) {
                super.onData(bytes);
                try {
                    connected.await(2, TimeUnit.SECONDS);
                    self.get().write(ByteBuffer.wrap(new byte[] {1}));
                    writeRefusal.complete(null);
                } catch (Throwable e) {
                    writeRefusal.complete(e);
                }
                try {
                    backend.connect(request(server.endpoint()), new RecordingListener());
                    connectRefusal.complete(null);
                } catch (Throwable e) {
                    connectRefusal.complete(e);
                }
            }
        };

        self.set(backend.connect(request(server.endpoint()), listener));
        connected.countDown();

        assertThat(writeRefusal.get(2, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("event-loop thread");
        assertThat(connectRefusal.get(2, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("event-loop thread");
        assertThat(self.get().isOpen()).isTrue();
    }

    @Test
    void listenerThatThrowsEndsTheConnectionWithThatError() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> {
            socket.getOutputStream().write(1);
            s.awaitClose();
        });
        IllegalStateException bug = new IllegalStateException("A bug in the listener.");
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onData(ByteBuffer bytes) {
                throw bug;
            }
        };

        Connection connection = backend.connect(request(server.endpoint()), listener);

        CloseReason reason = listener.awaitClosed(GENEROUS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.cause()).containsSame(bug);
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void negotiatesTls13WhenOfferedAndTls12WhenTheServerHasNothingNewer() throws Exception {
        TlsTestServer modern = tlsServer((socket, s) -> s.awaitClose());
        TlsTestServer older = track(TlsTestServer.tls(serverContext, (socket, s) -> s.awaitClose(), "TLSv1.2"));

        Connection toModern = backend.connect(request(modern.endpoint()), new RecordingListener());
        Connection toOlder = backend.connect(request(older.endpoint()), new RecordingListener());

        assertThat(toModern.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(toOlder.tlsProtocol()).isEqualTo("TLSv1.2");
    }

    @Test
    void tlsContextIsBuiltOncePerCertificateAndTrust() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> s.awaitClose());
        ConnectRequest first = request(server.endpoint());
        ConnectRequest equalCertificate = new ConnectRequest(server.endpoint(), backend.certificate(credentials),
                Trust.of(certs.authority().certificate()), GENEROUS, GENEROUS);

        backend.connect(first, new RecordingListener());
        backend.connect(equalCertificate, new RecordingListener());

        assertThat(backend.runtimeIfStarted().cachedContexts()).isEqualTo(1);
    }

    @Test
    void connectionRefusedNamesTheEndpoint() throws Exception {
        Endpoint closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = Endpoint.of("127.0.0.1", probe.getLocalPort());
        }

        assertThatThrownBy(() -> backend.connect(request(closedPort), new RecordingListener()))
                .isInstanceOf(java.net.ConnectException.class)
                .hasMessageStartingWith("Could not connect to " + closedPort + ": ")
                .hasMessageContaining("refused");
    }

    @Test
    void closingTheBackendClosesItsConnectionsAndRefusesNewOnes() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        Connection one = backend.connect(request(server.endpoint()), first);
        backend.connect(request(server.endpoint()), second);
        one.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        first.awaitBytes(3, GENEROUS);

        backend.close();
        backend.close();

        // close() waits for the listeners, so this holds at once.
        assertThat(first.closed).isCompletedWithValue(CloseReason.local());
        assertThat(second.closed).isCompletedWithValue(CloseReason.local());
        assertThatThrownBy(() -> backend.connect(request(server.endpoint()), new RecordingListener()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    /** Polls (bounded) for a state no latch or future can signal, such as a writer waiting for writability. */
    static void awaitCondition(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("The condition did not hold within " + timeout + ".");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    TlsTestServer tlsServer(TlsTestServer.Handler handler) throws IOException {
        return tlsServer(serverContext, handler);
    }

    TlsTestServer tlsServer(SSLContext context, TlsTestServer.Handler handler) throws IOException {
        return track(TlsTestServer.tls(context, handler));
    }

    TlsTestServer track(TlsTestServer server) {
        servers.add(server);
        return server;
    }

    ConnectRequest request(Endpoint endpoint) {
        return request(endpoint, GENEROUS, GENEROUS);
    }

    ConnectRequest request(Endpoint endpoint, Duration connectTimeout, Duration writeTimeout) {
        return new ConnectRequest(endpoint, backend.certificate(credentials), trust, connectTimeout, writeTimeout);
    }
}
