package dev.apns.testkit.conformance;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.ApnsSender;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderFullException;
import dev.apns.SenderOptions;
import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.protocol.binary.NotificationEncoder;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.binary.ReceivedNotification;
import dev.apns.testkit.RecordingListener;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fixtures and helpers that every area of {@link BackendConformanceSuite} shares: the certificates, the mock
 * server, what a test opened, and small helpers. Split from the suite so that each file holds one concern; a
 * backend's test extends {@link BackendConformanceSuite}, never this.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SuiteFixtures {
    /** How long to wait for something that should happen at once. */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** The connect and write timeouts of requests that are not about timeouts. */
    static final Duration GENEROUS = Duration.ofSeconds(5);
    /**
     * The quiet period of the end-to-end sessions: an error response must arrive within it to be attributed, so
     * it leaves room for a busy machine.
     */
    static final Duration QUIET_PERIOD = Duration.ofMillis(100);
    static final String CLIENT_NAME = "com.example.conformance";
    static final char[] PASSWORD = "conformance-password".toCharArray();
    /** Name prefixes of threads that belong to the test's own servers and to JUnit, not to the backend. */
    static final List<String> INFRASTRUCTURE_THREADS = List.of("mock-apns-", "test-server-", "junit-",
            "conformance-");

    TestCertificates certificates;
    IssuedCertificate client;
    /** The client's key and chain as PKCS#12 protected by {@link #PASSWORD} (slow to make, so made once). */
    byte[] clientPkcs12;
    IssuedCertificate expiredClient;
    TestCertificates stranger;
    IssuedCertificate strangerClient;
    SSLContext serverContext;
    /** Server contexts for other host names, made on first use (RSA keys are slow). */
    final Map<String, SSLContext> serverContexts = new ConcurrentHashMap<>();
    MockApnsServer server;

    /** What the current test opened, closed after it in reverse order. */
    final Deque<AutoCloseable> opened = new ArrayDeque<>();
    final List<RecordingListener> listeners = new ArrayList<>();
    Backend backend;

    /**
     * A new, unused instance of the backend under test. Called at least once per test; the suite closes every
     * instance it gets.
     */
    protected abstract Backend createBackend();

    // ------------------------------------------------------------------------------------------------
    // Fixtures.

    /** Issues the certificates (RSA keys are slow, so once per class) and starts the mock server. */
    @BeforeAll
    protected final void startTheMockServer() {
        certificates = TestCertificates.create();
        client = certificates.client(CLIENT_NAME);
        clientPkcs12 = client.pkcs12(PASSWORD);
        expiredClient = certificates.expiredClient("com.example.expired");
        stranger = TestCertificates.create();
        strangerClient = stranger.client("com.example.stranger", KeyType.EC);
        serverContext = certificates.server().sslContext(certificates.authority().certificate());
        server = MockApnsServer.builder(certificates).start();
    }

    /** Stops the mock server. */
    @AfterAll
    protected final void stopTheMockServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Starts each test with an empty script and empty recordings. */
    @BeforeEach
    protected final void resetTheMockServer() {
        server.reset();
    }

    /**
     * Closes what the test opened (sessions, backends, raw servers), then waits until the mock server has no
     * connection left, so that nothing of one test leaks into the next; and checks that no listener saw a
     * breach of the listener contract ({@code [pipe-10]}).
     */
    @AfterEach
    protected final void closeWhatTheTestOpened() throws Exception {
        Exception failure = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        backend = null;
        server.reset();
        server.disconnectAll();
        boolean idle = server.awaitIdle(WAIT);
        List<String> violations = new ArrayList<>();
        for (RecordingListener listener : listeners) {
            violations.addAll(listener.violations());
        }
        listeners.clear();
        if (failure != null) {
            throw failure;
        }
        assertThat(violations)
                .as("[pipe-10] A listener is called one call at a time, onData never after onClosed, and onClosed "
                        + "exactly once")
                .isEmpty();
        assertThat(idle).as("The mock server still had connections %s after the test closed everything it opened",
                WAIT).isTrue();
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers.

    /** The backend of the current test, made on first use. */
    Backend backend() {
        if (backend == null) {
            backend = newBackend();
        }
        return backend;
    }

    /** {@link #backend()}, skipping the test when the backend cannot work in this JVM. */
    Backend availableBackend() {
        Backend current = backend();
        assumeAvailable(current);
        return current;
    }

    /** What the HTTP/2 transport obligations ({@link Http2TransportObligations}) borrow from the suite. */
    final class SuiteFixture implements Http2TransportObligations.Fixture {
        @Override
        public Backend availableBackend() {
            return SuiteFixtures.this.availableBackend();
        }

        @Override
        public void assumeFeature(Feature feature) {
            SuiteFixtures.this.assumeFeature(feature);
        }

        @Override
        public IssuedCertificate client() {
            return client;
        }

        @Override
        public Trust trust() {
            return SuiteFixtures.this.trust();
        }

        @Override
        public SSLContext serverContext() {
            return serverContext;
        }

        @Override
        public SSLContext serverContextFor(String hostName) {
            return serverContexts.computeIfAbsent(hostName,
                    name -> certificates.serverFor(name).sslContext(certificates.authority().certificate()));
        }

        @Override
        public <T extends AutoCloseable> T track(T resource) {
            opened.push(resource);
            return resource;
        }

        @Override
        public RecordingListener listener() {
            return SuiteFixtures.this.listener();
        }
    }

    /** Another new instance from {@link #createBackend()}, closed after the test. */
    Backend newBackend() {
        Backend created = createBackend();
        assertThat(created).as("createBackend() must return a new backend, not null").isNotNull();
        opened.push(created);
        return created;
    }

    static void assumeAvailable(Backend backend) {
        Availability availability = backend.availability();
        assumeTrue(availability.isAvailable(), () -> "The backend '" + backend.name() + "' is not available in this "
                + "JVM (" + availability.reason().orElse("it gives no reason") + "), so tests that connect are skipped.");
    }

    void assumeFeature(Feature feature) {
        Backend current = backend();
        assumeTrue(current.features().contains(feature), () -> "The backend '" + current.name() + "' does not declare "
                + "Feature." + feature + ", so this optional test is skipped.");
    }

    Trust trust() {
        return Trust.of(certificates.authority().certificate());
    }

    ConnectRequest request(Endpoint endpoint) {
        return request(endpoint, GENEROUS, GENEROUS);
    }

    ConnectRequest request(Endpoint endpoint, Duration connectTimeout, Duration writeTimeout) {
        return new ConnectRequest(endpoint, backend().certificate(client.credentials()), trust(), connectTimeout,
                writeTimeout);
    }

    ConnectRequest request(Backend owner, Endpoint endpoint) {
        return new ConnectRequest(endpoint, owner.certificate(client.credentials()), trust(), GENEROUS, GENEROUS);
    }

    RecordingListener listener() {
        return track(new RecordingListener());
    }

    RecordingListener track(RecordingListener listener) {
        listeners.add(listener);
        return listener;
    }

    TlsTestServer track(TlsTestServer raw) {
        opened.push(raw);
        return raw;
    }

    TlsTestServer tlsServer(TlsTestServer.Handler handler) throws IOException {
        return track(TlsTestServer.tls(serverContext, handler));
    }

    /** A pool of daemon threads named {@code conformance-*}, shut down after the test. */
    ExecutorService executor(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "conformance-worker");
            thread.setDaemon(true);
            return thread;
        });
        opened.push(() -> {
            pool.shutdownNow();
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The suite's worker threads did not end within 5 s of the test.");
            }
        });
        return pool;
    }

    static CloseReason awaitClosed(RecordingListener listener, String obligation) throws InterruptedException {
        try {
            return listener.awaitClosed(WAIT);
        } catch (TimeoutException e) {
            throw new AssertionError(obligation + " The listener's onClosed was not called within " + WAIT
                    + "; events so far: " + listener.events(), e);
        }
    }

    static ByteBuffer notification(long identifier) {
        byte[] token = new byte[32];
        Arrays.fill(token, (byte) 7);
        byte[] payload = "{\"aps\":{\"alert\":\"conformance\"}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(NotificationEncoder.frameSize(token.length, payload.length, false, false));
        NotificationEncoder.writeFrame(frame, identifier, token, payload, NotificationEncoder.NO_EXPIRY,
                NotificationEncoder.NO_PRIORITY);
        return frame.flip();
    }

    static List<DeviceToken> tokens(int count) {
        List<DeviceToken> tokens = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            tokens.add(DeviceToken.fromHex(String.format("%064x", i)));
        }
        return tokens;
    }

    static Message message(List<DeviceToken> tokens) {
        return Message.builder().tokens(tokens).alert("hello").badge(3).build();
    }

    static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new Random(count).nextBytes(bytes);
        return bytes;
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < 20 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    /** Threads started since {@code before} and alive now, except the test's own servers' and JUnit's. */
    static List<String> threadsStartedSince(Set<Thread> before) {
        List<String> started = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(thread) && thread.isAlive() && !isInfrastructure(thread)) {
                started.add(thread.getName());
            }
        }
        return started;
    }

    /** Like {@link #threadsStartedSince}, after waiting up to {@code wait} in all for them to end. */
    static List<String> threadsStillAliveSince(Set<Thread> before, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (before.contains(thread) || isInfrastructure(thread)) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
            if (thread.isAlive()) {
                alive.add(thread.getName());
            }
        }
        return alive;
    }

    static boolean isInfrastructure(Thread thread) {
        String name = thread.getName();
        return INFRASTRUCTURE_THREADS.stream().anyMatch(name::startsWith);
    }
}
