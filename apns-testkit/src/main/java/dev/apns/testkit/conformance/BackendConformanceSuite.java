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
import dev.apns.protocol.NotificationEncoder;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.KeyType;
import dev.apns.testkit.MockApnsServer;
import dev.apns.testkit.ReceivedNotification;
import dev.apns.testkit.RecordingListener;
import dev.apns.testkit.TestCertificates;
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
 * The conformance suite for transport {@link Backend}s: what the SPI promises, checked over real TLS on
 * 127.0.0.1 against the {@link MockApnsServer} and small raw servers. A backend's test extends it and
 * supplies only the backend:
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends BackendConformanceSuite {
 *     @Override
 *     protected Backend createBackend() {
 *         return new MyBackend();
 *     }
 * }
 * }</pre>
 *
 * <p>The tests are grouped by area in {@link Nested} classes. Each names the obligation it checks in its
 * display name, with an identifier such as {@code [pipe-5]} that {@code docs/conformance.md} explains.
 * Tests of an optional {@link Feature} the backend does not declare, and every test that connects when
 * {@link Backend#availability()} says the backend cannot work in this JVM, are skipped with the reason
 * (never failed). {@link #createBackend()} is called at least once per test, and more often where a test
 * needs a fresh instance; the suite closes every backend, session and server a test opened after it.
 *
 * <p>One instance serves all tests of the class (its certificates and mock server are made once); it is not
 * thread-safe, and since it compares the JVM's threads before and after some tests, its tests must run one at
 * a time and not in parallel with other tests (JUnit's default). See {@code docs/conformance.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceSuite {
    /** How long to wait for something that should happen at once. */
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** The connect and write timeouts of requests that are not about timeouts. */
    private static final Duration GENEROUS = Duration.ofSeconds(5);
    /**
     * The quiet period of the end-to-end sessions: an error response must arrive within it to be attributed, so
     * it leaves room for a busy machine.
     */
    private static final Duration QUIET_PERIOD = Duration.ofMillis(100);
    private static final String CLIENT_NAME = "com.example.conformance";
    private static final char[] PASSWORD = "conformance-password".toCharArray();
    /** Name prefixes of threads that belong to the test's own servers and to JUnit, not to the backend. */
    private static final List<String> INFRASTRUCTURE_THREADS = List.of("mock-apns-", "test-server-", "junit-",
            "conformance-");

    private TestCertificates certificates;
    private IssuedCertificate client;
    /** The client's key and chain as PKCS#12 protected by {@link #PASSWORD} (slow to make, so made once). */
    private byte[] clientPkcs12;
    private IssuedCertificate expiredClient;
    private TestCertificates stranger;
    private IssuedCertificate strangerClient;
    private SSLContext serverContext;
    /** Server contexts for other host names, made on first use (RSA keys are slow). */
    private final Map<String, SSLContext> serverContexts = new ConcurrentHashMap<>();
    private MockApnsServer server;

    /** What the current test opened, closed after it in reverse order. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final List<RecordingListener> listeners = new ArrayList<>();
    private Backend backend;

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
    // Discovery and naming.

    @Nested
    @DisplayName("Discovery and naming: the backend is found by ServiceLoader and describes itself cheaply")
    class DiscoveryAndNaming {

        @Test
        @Timeout(5)
        @DisplayName("[discovery-1] ServiceLoader finds the backend's class through META-INF/services and can "
                + "instantiate it")
        void required_serviceLoaderFindsTheBackend() {
            Class<? extends Backend> type = backend().getClass();
            List<Class<? extends Backend>> found = new ArrayList<>();
            List<String> broken = new ArrayList<>();
            ServiceLoader.Provider<Backend> ours = null;
            Iterator<ServiceLoader.Provider<Backend>> providers =
                    ServiceLoader.load(Backend.class, type.getClassLoader()).stream().iterator();
            for (int i = 0; i < 1_000; i++) {
                try {
                    if (!providers.hasNext()) {
                        break;
                    }
                    ServiceLoader.Provider<Backend> provider = providers.next();
                    found.add(provider.type());
                    if (provider.type() == type) {
                        ours = provider;
                    }
                } catch (ServiceConfigurationError e) {
                    broken.add(e.getMessage()); // another jar's problem; reported if ours is missing too
                }
            }

            assertThat(found)
                    .as("[discovery-1] %s must be listed in META-INF/services/%s (and provided in module-info.java); "
                            + "ServiceLoader found %s; broken entries: %s", type.getName(), Backend.class.getName(),
                            found, broken)
                    .contains(type);
            Backend loaded = ours.get();
            opened.push(loaded);
            assertThat(loaded.name()).as("[discovery-1] the discovered instance has the same name").isEqualTo(
                    backend().name());
        }

        @Test
        @Timeout(5)
        @DisplayName("[discovery-2] the name is short, lower case, not blank, and the same for every instance")
        void required_nameIsLowerCaseAndNotBlank() {
            String name = backend().name();

            assertThat(name).as("[discovery-2] name()").isNotNull().isNotBlank();
            assertThat(name).as("[discovery-2] name() must be lower case").isEqualTo(name.toLowerCase(Locale.ROOT));
            assertThat(name).as("[discovery-2] name() must not contain white space").doesNotContainAnyWhitespaces();
            assertThat(newBackend().name()).as("[discovery-2] every instance has the same name").isEqualTo(name);
        }

        @Test
        @Timeout(5)
        @DisplayName("[discovery-3] the priority is within 0..10 and the same for every instance")
        void required_priorityIsWithinZeroToTen() {
            int priority = backend().priority();

            assertThat(priority).as("[discovery-3] priority()").isBetween(0, 10);
            assertThat(newBackend().priority()).as("[discovery-3] every instance has the same priority")
                    .isEqualTo(priority);
        }

        @Test
        @Timeout(5)
        @DisplayName("[discovery-4] constructing the backend and asking its name, priority, availability and "
                + "features never throws and starts no thread")
        void required_discoveryIsCheapAndNeverThrows() {
            Set<Thread> before = liveThreads();
            AtomicReference<Backend> created = new AtomicReference<>();

            assertThatCode(() -> created.set(newBackend())).as("[discovery-4] the constructor").doesNotThrowAnyException();
            Backend fresh = created.get();
            assertThatCode(fresh::name).as("[discovery-4] name()").doesNotThrowAnyException();
            assertThatCode(fresh::priority).as("[discovery-4] priority()").doesNotThrowAnyException();
            assertThatCode(fresh::availability).as("[discovery-4] availability()").doesNotThrowAnyException();
            assertThatCode(fresh::features).as("[discovery-4] features()").doesNotThrowAnyException();
            Availability availability = fresh.availability();
            Set<Feature> features = fresh.features();
            List<String> started = threadsStartedSince(before);

            assertThat(availability).as("[discovery-4] availability() is never null").isNotNull();
            if (!availability.isAvailable()) {
                assertThat(availability.reason()).as("[discovery-4] an unavailable backend says why").isPresent();
            }
            assertThat(features).as("[discovery-4] features() is never null").isNotNull();
            assertThat(started)
                    .as("[discovery-4] discovery must not start threads; create them on first connect")
                    .isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // TLS.

    @Nested
    @DisplayName("TLS: the backend authenticates both sides and negotiates TLS 1.2 or newer")
    class Tls {

        @Test
        @Timeout(10)
        @DisplayName("[tls-1] the client certificate is presented and accepted by a server that requires it")
        void required_clientCertificateIsAccepted() throws Exception {
            RecordingListener listener = listener();
            Connection connection = availableBackend().connect(request(server.gateway()), listener);

            assertThat(server.awaitUntil(s -> s.connectionsAccepted() >= 1, WAIT))
                    .as("[tls-1] the mock server completes the handshake").isTrue();
            assertThat(server.clientSubjects()).as("[tls-1] the server saw our client certificate")
                    .singleElement().asString().contains("CN=" + CLIENT_NAME);
            assertThat(connection.isOpen()).as("[tls-1] isOpen() after connect").isTrue();
            assertThat(connection.endpoint()).as("[tls-1] endpoint()").isEqualTo(server.gateway());
        }

        @Test
        @Timeout(10)
        @DisplayName("[tls-2] a server whose certificate the trust does not accept is refused with an SSLException "
                + "naming the endpoint")
        void required_untrustedServerIsRefused() {
            Backend backend = availableBackend();
            ConnectRequest request = new ConnectRequest(server.gateway(), backend.certificate(client.credentials()),
                    Trust.of(stranger.authority().certificate()), GENEROUS, GENEROUS);

            assertThatThrownBy(() -> backend.connect(request, listener()))
                    .as("[tls-2] connect to a server signed by an authority the request does not trust")
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining(server.gateway().toString());
        }

        @Test
        @Timeout(10)
        @DisplayName("[tls-3] a server certificate for another host name is refused with an SSLException (hostname "
                + "verification is on, IP literals included)")
        void required_hostnameMismatchIsRefused() throws Exception {
            SSLContext otherHost = certificates.serverFor("other.example").sslContext(certificates.authority().certificate());
            TlsTestServer raw = track(TlsTestServer.tls(otherHost, (socket, s) -> s.awaitClose()));
            Backend backend = availableBackend();

            assertThatThrownBy(() -> backend.connect(request(raw.endpoint()), listener()))
                    .as("[tls-3] connect to 127.0.0.1 presenting a certificate for other.example only")
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining(raw.endpoint().toString());
        }

        @Test
        @Timeout(10)
        @DisplayName("[tls-4] an expired client certificate refused by the server is reported as a TLS failure: "
                + "an SSLException at connect, or the connection ending with an SSLException")
        void required_expiredClientCertificateIsReportedAsATlsFailure() throws Exception {
            assertRefusedByTheServer(expiredClient.credentials(), "[tls-4]", true);
        }

        @Test
        @Timeout(10)
        @DisplayName("[tls-5] a client certificate from an authority the server does not trust is reported as a TLS "
                + "failure: an SSLException at connect, or the connection ending with an SSLException")
        void required_untrustedClientCertificateIsReportedAsATlsFailure() throws Exception {
            assertRefusedByTheServer(strangerClient.credentials(), "[tls-5]", false);
        }

        @Test
        @Timeout(10)
        @DisplayName("[tls-6] TLS 1.2 is negotiated with a server that offers nothing newer")
        void required_tls12IsNegotiated() throws Exception {
            TlsTestServer older = track(TlsTestServer.tls(serverContext, (socket, s) -> s.awaitClose(), "TLSv1.2"));

            Connection connection = availableBackend().connect(request(older.endpoint()), listener());

            assertThat(connection.tlsProtocol()).as("[tls-6] tlsProtocol() with a TLS 1.2 server").isEqualTo("TLSv1.2");
        }

        @Test
        @Timeout(10)
        @DisplayName("[tls-7] the negotiated protocol is TLS 1.2 or newer")
        void required_tls12OrNewerIsNegotiated() throws Exception {
            Connection connection = availableBackend().connect(request(server.gateway()), listener());

            assertThat(connection.tlsProtocol()).as("[tls-7] tlsProtocol() with a server offering TLS 1.3 and 1.2")
                    .isIn("TLSv1.2", "TLSv1.3");
        }

        @Test
        @Timeout(10)
        @DisplayName("[tls-8] TLS 1.3 is negotiated when the server offers it (optional: Feature.TLS_1_3)")
        void optional_tls13IsNegotiated() throws Exception {
            assumeFeature(Feature.TLS_1_3);

            Connection connection = availableBackend().connect(request(server.gateway()), listener());

            assertThat(connection.tlsProtocol()).as("[tls-8] tlsProtocol() with a server offering TLS 1.3")
                    .isEqualTo("TLSv1.3");
        }

        private void assertRefusedByTheServer(Credentials credentials, String obligation, boolean expired)
                throws Exception {
            Backend backend = availableBackend();
            Certificate certificate;
            try {
                certificate = backend.certificate(credentials);
            } catch (CredentialsException refusedEarly) {
                assertThat(expired && refusedEarly.problem() == CredentialsException.Problem.EXPIRED)
                        .as("%s certificate() may refuse only an expired certificate, with Problem.EXPIRED; it threw %s",
                                obligation, refusedEarly)
                        .isTrue();
                return;
            }
            RecordingListener listener = listener();
            ConnectRequest request = new ConnectRequest(server.gateway(), certificate, trust(), GENEROUS, GENEROUS);
            try {
                backend.connect(request, listener);
            } catch (SSLException refused) {
                assertThat(refused).as("%s the SSLException names the endpoint", obligation)
                        .hasMessageContaining(server.gateway().toString());
                return;
            } catch (IOException other) {
                fail(obligation + " A refused client certificate must fail connect with an SSLException (or end the "
                        + "connection with one); it failed with " + other, other);
            }
            // TLS 1.3 finishes the client's side of the handshake before the server checks the client's
            // certificate, so the refusal arrives as the first thing the reader sees.
            CloseReason reason = awaitClosed(listener, obligation);
            assertThat(reason.kind()).as("%s how the connection ended: %s", obligation, reason)
                    .isEqualTo(CloseReason.Kind.ERROR);
            assertThat(causes(reason.cause().orElseThrow()))
                    .as("%s the cause of the ERROR close includes an SSLException; it was %s", obligation, reason)
                    .anyMatch(SSLException.class::isInstance);
            assertThat(server.awaitUntil(s -> s.handshakeFailures() >= 1, WAIT))
                    .as("%s the server refused the handshake", obligation).isTrue();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Certificates.

    @Nested
    @DisplayName("Certificates: equal by certificate digest, whatever the credentials were read from, and never "
            + "showing the key")
    class Certificates {

        @Test
        @Timeout(5)
        @DisplayName("[cert-1] certificates from the same identity read from a PEM string and from PKCS#12 bytes are "
                + "equal and hash alike")
        void required_pemAndPkcs12GiveEqualCertificates() {
            Credentials fromPem = Credentials.fromPem(client.chainPem() + client.privateKeyPkcs8Pem());
            Credentials fromPkcs12 = Credentials.fromPkcs12(clientPkcs12, PASSWORD);

            Certificate pem = backend().certificate(fromPem);
            Certificate pkcs12 = backend().certificate(fromPkcs12);

            assertThat(pem).as("[cert-1] equals() by certificate digest").isEqualTo(pkcs12);
            assertThat(pem.hashCode()).as("[cert-1] hashCode() by certificate digest").isEqualTo(pkcs12.hashCode());
            assertThat(pem.credentials()).as("[cert-1] credentials() are the ones given").isEqualTo(fromPem);
        }

        @Test
        @Timeout(5)
        @DisplayName("[cert-2] certificates of different identities are not equal")
        void required_differentIdentitiesAreNotEqual() {
            Certificate first = backend().certificate(client.credentials());
            Certificate second = backend().certificate(strangerClient.credentials());

            assertThat(first).as("[cert-2] different certificates").isNotEqualTo(second);
        }

        @Test
        @Timeout(5)
        @DisplayName("[cert-3] a wrong PKCS#12 password is a CredentialsException (WRONG_PASSWORD) that does not show "
                + "the password")
        void required_wrongPasswordIsACredentialsException() {
            String wrong = "not-the-password";

            assertThatThrownBy(() -> backend().certificate(Credentials.fromPkcs12(clientPkcs12, wrong.toCharArray())))
                    .as("[cert-3] reading PKCS#12 with the wrong password")
                    .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem())
                            .isEqualTo(CredentialsException.Problem.WRONG_PASSWORD))
                    .message().doesNotContain(wrong).doesNotContain(new String(PASSWORD));
        }

        @Test
        @Timeout(5)
        @DisplayName("[cert-4] toString() shows no key material")
        void required_toStringShowsNoKeyMaterial() {
            String text = backend().certificate(client.credentials()).toString();
            String encodedKey = Base64.getEncoder().encodeToString(client.privateKey().getEncoded());

            assertThat(text).as("[cert-4] toString()").isNotNull().doesNotContain("PRIVATE");
            for (int offset = 0; offset + 24 <= encodedKey.length(); offset += 24) {
                assertThat(text).as("[cert-4] toString() contains part of the Base64 key").doesNotContain(
                        encodedKey.substring(offset, offset + 24));
            }
            if (client.privateKey() instanceof RSAPrivateKey rsa) {
                assertThat(text).as("[cert-4] toString() contains the private exponent")
                        .doesNotContain(rsa.getPrivateExponent().toString())
                        .doesNotContain(rsa.getPrivateExponent().toString(16));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The byte pipe.

    @Nested
    @DisplayName("The byte pipe: bytes in order both ways, backpressure, and one close reason reported once")
    class BytePipe {

        @Test
        @Timeout(10)
        @DisplayName("[pipe-1] bytes arrive in order both ways, from heap, direct and sliced buffers, and write() "
                + "consumes the whole buffer")
        void required_bytesArriveInOrderBothWays() throws Exception {
            byte[] greeting = "hello from the server".getBytes(StandardCharsets.US_ASCII);
            TlsTestServer echo = tlsServer((socket, s) -> {
                OutputStream out = socket.getOutputStream();
                out.write(greeting);
                out.flush();
                socket.getInputStream().transferTo(out);
            });
            byte[] payload = randomBytes(200_000);
            RecordingListener listener = listener();
            Connection connection = availableBackend().connect(request(echo.endpoint()), listener);

            ByteBuffer heap = ByteBuffer.wrap(payload, 0, 1_000);
            ByteBuffer direct = ByteBuffer.allocateDirect(70_003).put(payload, 1_000, 70_003).flip();
            ByteBuffer slice = ByteBuffer.wrap(payload, 71_003, payload.length - 71_003).slice();
            connection.write(heap);
            connection.write(direct);
            connection.write(slice);
            byte[] expected = concat(greeting, payload);
            byte[] received = listener.awaitBytes(expected.length, WAIT);

            assertThat(heap.hasRemaining() || direct.hasRemaining() || slice.hasRemaining())
                    .as("[pipe-1] write() leaves every buffer's position at its limit").isFalse();
            assertThat(received.length).as("[pipe-1] bytes received").isEqualTo(expected.length);
            assertThat(Arrays.equals(received, expected)).as("[pipe-1] the bytes arrive in the order written").isTrue();
            assertThat(connection.isOpen()).as("[pipe-1] isOpen()").isTrue();
            assertThat(connection.endpoint()).as("[pipe-1] endpoint()").isEqualTo(echo.endpoint());
        }

        @Test
        @Timeout(15)
        @DisplayName("[pipe-2] a single 4 MiB write arrives intact")
        void required_aLargeWriteArrivesIntact() throws Exception {
            TlsTestServer echo = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
            byte[] payload = randomBytes(4 * 1024 * 1024);
            RecordingListener listener = listener();
            Connection connection = availableBackend().connect(request(echo.endpoint()), listener);

            ByteBuffer buffer = ByteBuffer.wrap(payload);
            connection.write(buffer);
            byte[] received = listener.awaitBytes(payload.length, Duration.ofSeconds(10));

            assertThat(buffer.hasRemaining()).as("[pipe-2] write() consumed the whole buffer").isFalse();
            assertThat(received.length).as("[pipe-2] bytes echoed back").isEqualTo(payload.length);
            assertThat(Arrays.equals(received, payload)).as("[pipe-2] the 4 MiB arrive intact").isTrue();
        }

        @Test
        @Timeout(15)
        @DisplayName("[pipe-3] concurrent writers' calls are each written contiguously, never interleaved")
        void required_concurrentWritesAreNotInterleaved() throws Exception {
            TlsTestServer echo = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
            RecordingListener listener = listener();
            Connection connection = availableBackend().connect(request(echo.endpoint()), listener);
            int writers = 4;
            int writesEach = 50;
            int blockSize = 10_000;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = executor(writers);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte mark = (byte) ('a' + w);
                done.add(pool.submit(() -> {
                    byte[] block = new byte[blockSize];
                    Arrays.fill(block, mark);
                    start.await();
                    for (int i = 0; i < writesEach; i++) {
                        connection.write(ByteBuffer.wrap(block));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : done) {
                writer.get(10, TimeUnit.SECONDS);
            }
            byte[] echoed = listener.awaitBytes(writers * writesEach * blockSize, Duration.ofSeconds(10));

            assertThat(echoed.length).as("[pipe-3] bytes echoed back").isEqualTo(writers * writesEach * blockSize);
            for (int block = 0; block < echoed.length / blockSize; block++) {
                byte first = echoed[block * blockSize];
                for (int i = 1; i < blockSize; i++) {
                    if (echoed[block * blockSize + i] != first) {
                        fail("[pipe-3] Block " + block + " of " + blockSize + " bytes mixes two writers' bytes at byte "
                                + i + "; each write() call must reach the network contiguously.");
                    }
                }
            }
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-4] a write blocks while the peer does not read (backpressure), and close() ends it with "
                + "an IOException")
        void required_aWriteBlocksWhileThePeerDoesNotRead() throws Exception {
            TlsTestServer deaf = track(TlsTestServer.tlsWithSmallReceiveBuffer(serverContext, (socket, s) -> s.awaitClose()));
            RecordingListener listener = listener();
            Connection connection = availableBackend().connect(
                    request(deaf.endpoint(), GENEROUS, Duration.ofSeconds(60)), listener);
            ExecutorService writerThread = executor(1);
            Future<?> writer = writerThread.submit(() -> {
                ByteBuffer big = ByteBuffer.allocate(32 * 1024 * 1024);
                for (int i = 0; i < 8; i++) {
                    connection.write(big.clear());
                }
                return null;
            });

            assertThatThrownBy(() -> writer.get(300, TimeUnit.MILLISECONDS))
                    .as("[pipe-4] writing 256 MiB to a peer that reads nothing must block")
                    .isInstanceOf(TimeoutException.class);
            long started = System.nanoTime();
            connection.close();
            Duration closing = Duration.ofNanos(System.nanoTime() - started);
            Throwable failed = catchThrowableOfType(ExecutionException.class, () -> writer.get(3, TimeUnit.SECONDS));

            assertThat(closing).as("[pipe-4] close() returns without waiting for the peer").isLessThan(Duration.ofSeconds(2));
            assertThat(failed).as("[pipe-4] the blocked write fails once the connection is closed").isNotNull();
            assertThat(failed.getCause()).as("[pipe-4] what the blocked write threw").isInstanceOf(IOException.class);
            assertThat(awaitClosed(listener, "[pipe-4]").kind()).as("[pipe-4] how the connection ended")
                    .isEqualTo(CloseReason.Kind.LOCAL);
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-5] a write blocked longer than the write timeout fails with an IOException and the "
                + "connection ends with an error (optional: Feature.WRITE_TIMEOUT)")
        void optional_aBlockedWriteFailsWithinTheWriteTimeout() throws Exception {
            assumeFeature(Feature.WRITE_TIMEOUT);
            TlsTestServer deaf = track(TlsTestServer.tlsWithSmallReceiveBuffer(serverContext, (socket, s) -> s.awaitClose()));
            RecordingListener listener = listener();
            Duration writeTimeout = Duration.ofMillis(300);
            Connection connection = availableBackend().connect(request(deaf.endpoint(), GENEROUS, writeTimeout), listener);
            ByteBuffer big = ByteBuffer.allocate(32 * 1024 * 1024);

            long started = System.nanoTime();
            Throwable failed = catchThrowable(() -> {
                for (int i = 0; i < 8; i++) {
                    connection.write(big.clear());
                }
            });
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(failed).as("[pipe-5] the blocked write fails with an IOException").isInstanceOf(IOException.class);
            assertThat(elapsed).as("[pipe-5] the write blocked for about the write timeout (300 ms), no less and not "
                    + "much more").isBetween(Duration.ofMillis(250), writeTimeout.plusSeconds(3));
            CloseReason reason = awaitClosed(listener, "[pipe-5]");
            assertThat(reason.kind()).as("[pipe-5] how the connection ended: %s", reason).isEqualTo(CloseReason.Kind.ERROR);
            assertThat(reason.cause()).as("[pipe-5] an ERROR close has its cause").isPresent();
            assertThat(connection.isOpen()).as("[pipe-5] isOpen() after the timeout").isFalse();
            assertThat(connection.closeFuture().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("[pipe-5] closeFuture() completes with the same reason").isSameAs(reason);
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-6] the peer's close is reported once, as PEER, after the last data")
        void required_peerCloseIsReportedAsPeerAfterTheLastData() throws Exception {
            TlsTestServer talker = tlsServer((socket, s) -> {
                OutputStream out = socket.getOutputStream();
                out.write("last words".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.close();
            });
            RecordingListener listener = listener();

            Connection connection = availableBackend().connect(request(talker.endpoint()), listener);
            CloseReason reason = awaitClosed(listener, "[pipe-6]");

            assertThat(reason.kind()).as("[pipe-6] how the connection ended: %s", reason).isEqualTo(CloseReason.Kind.PEER);
            assertThat(new String(listener.received(), StandardCharsets.US_ASCII)).as("[pipe-6] the data before the close")
                    .isEqualTo("last words");
            assertThat(listener.events()).as("[pipe-6] data first, the close last")
                    .startsWith("data").endsWith("closed:PEER");
            assertThat(listener.closeCalls()).as("[pipe-6] onClosed calls").isEqualTo(1);
            assertThat(connection.closeFuture().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("[pipe-6] closeFuture()").isSameAs(reason);
            assertThat(connection.isOpen()).as("[pipe-6] isOpen() after the peer closed").isFalse();
            assertThatThrownBy(() -> connection.write(ByteBuffer.wrap(new byte[] {1})))
                    .as("[pipe-6] write() after the peer closed").isInstanceOf(IOException.class);
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-7] what the peer sent before it closed still reaches the listener when our writes fail "
                + "(an APNs error response, typically)")
        void required_thePeersLastBytesArriveWhenWritesFail() throws Exception {
            byte[] answer = {8, 8, 0, 0, 0, 42};
            TlsTestServer answering = tlsServer((socket, s) -> {
                socket.getInputStream().readNBytes(10);
                socket.getOutputStream().write(answer);
                socket.getOutputStream().flush();
                socket.close(); // with unread bytes pending: the client's later writes fail
            });
            RecordingListener listener = listener();
            Connection connection = availableBackend().connect(request(answering.endpoint()), listener);

            IOException failed = catchThrowableOfType(IOException.class, () -> {
                for (int i = 0; i < 10_000; i++) {
                    connection.write(ByteBuffer.allocate(16 * 1024));
                }
            });
            CloseReason reason = awaitClosed(listener, "[pipe-7]");

            assertThat(failed).as("[pipe-7] writing to a peer that has closed fails with an IOException").isNotNull();
            assertThat(listener.received()).as("[pipe-7] the peer's answer before its close").containsExactly(answer);
            assertThat(listener.events()).as("[pipe-7] the close comes last").last().asString().startsWith("closed:");
            assertThat(reason.kind()).as("[pipe-7] how the connection ended: %s", reason)
                    .isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
            assertThat(listener.closeCalls()).as("[pipe-7] onClosed calls").isEqualTo(1);
            assertThat(connection.isOpen()).as("[pipe-7] isOpen()").isFalse();
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-8] close() is idempotent, safe from several threads, returns promptly, is reported once "
                + "as LOCAL, and then closeFuture() completes")
        void required_closeIsIdempotentAndReportedAsLocalOnce() throws Exception {
            TlsTestServer echo = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
            RecordingListener listener = listener();
            Connection connection = availableBackend().connect(request(echo.endpoint()), listener);
            connection.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            listener.awaitBytes(4, WAIT);

            ExecutorService other = executor(1);
            long started = System.nanoTime();
            Future<?> concurrentClose = other.submit(connection::close);
            connection.close();
            connection.close();
            concurrentClose.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            CloseReason reported = connection.closeFuture().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(elapsed).as("[pipe-8] close() does not wait for the peer").isLessThan(Duration.ofSeconds(2));
            assertThat(reported.kind()).as("[pipe-8] closeFuture() after close(): %s", reported)
                    .isEqualTo(CloseReason.Kind.LOCAL);
            assertThat(listener.closeCalls())
                    .as("[pipe-8] onClosed has run exactly once by the time closeFuture() completes").isEqualTo(1);
            assertThat(listener.events()).as("[pipe-8] events").endsWith("closed:LOCAL");
            assertThat(connection.isOpen()).as("[pipe-8] isOpen() after close()").isFalse();
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-9] write() after close() throws an IOException")
        void required_writeAfterCloseThrows() throws Exception {
            TlsTestServer echo = tlsServer((socket, s) -> socket.getInputStream().transferTo(socket.getOutputStream()));
            Connection connection = availableBackend().connect(request(echo.endpoint()), listener());
            connection.close();

            assertThatThrownBy(() -> connection.write(ByteBuffer.wrap(new byte[] {1, 2, 3})))
                    .as("[pipe-9] write() after close()").isInstanceOf(IOException.class);
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-11] close() may be called from the listener's own callback and is reported as LOCAL")
        void required_closeFromTheListenerIsReportedAsLocal() throws Exception {
            TlsTestServer talker = tlsServer((socket, s) -> {
                socket.getOutputStream().write(1);
                socket.getOutputStream().flush();
                s.awaitClose();
            });
            AtomicReference<Connection> self = new AtomicReference<>();
            CountDownLatch connected = new CountDownLatch(1);
            RecordingListener listener = track(new RecordingListener() {
                @Override
                public void onData(ByteBuffer bytes) {
                    super.onData(bytes);
                    try {
                        if (connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                            self.get().close();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });

            self.set(availableBackend().connect(request(talker.endpoint()), listener));
            connected.countDown();

            assertThat(awaitClosed(listener, "[pipe-11]").kind()).as("[pipe-11] how the connection ended")
                    .isEqualTo(CloseReason.Kind.LOCAL);
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-12] a listener that throws ends the connection with that exception as the cause")
        void required_aListenerThatThrowsEndsTheConnectionWithThatError() throws Exception {
            TlsTestServer talker = tlsServer((socket, s) -> {
                socket.getOutputStream().write(1);
                socket.getOutputStream().flush();
                s.awaitClose();
            });
            IllegalStateException bug = new IllegalStateException("A bug in the listener.");
            RecordingListener listener = track(new RecordingListener() {
                @Override
                public void onData(ByteBuffer bytes) {
                    throw bug;
                }
            });

            Connection connection = availableBackend().connect(request(talker.endpoint()), listener);

            CloseReason reason = awaitClosed(listener, "[pipe-12]");
            assertThat(reason.kind()).as("[pipe-12] how the connection ended").isEqualTo(CloseReason.Kind.ERROR);
            assertThat(reason.cause()).as("[pipe-12] the cause").containsSame(bug);
            assertThat(connection.isOpen()).as("[pipe-12] isOpen() afterwards").isFalse();
        }

        @Test
        @Timeout(10)
        @DisplayName("[pipe-13] a peer that drops TCP without a TLS close_notify is reported as PEER, after its data")
        void required_aPeerThatDropsTcpWithoutCloseNotifyIsReportedAsPeerAfterItsData() throws Exception {
            TlsTestServer dropper = track(TlsTestServer.tcp((plain, s) -> {
                SSLSocket tls = (SSLSocket) serverContext.getSocketFactory().createSocket(plain, null, true);
                tls.setUseClientMode(false);
                tls.setNeedClientAuth(true);
                tls.startHandshake();
                tls.getOutputStream().write(7);
                tls.getOutputStream().flush();
                plain.close(); // FIN under TLS, no close_notify
            }));
            RecordingListener listener = listener();

            availableBackend().connect(request(dropper.endpoint()), listener);

            CloseReason reason = awaitClosed(listener, "[pipe-13]");
            assertThat(listener.received()).as("[pipe-13] the bytes before the drop").containsExactly(7);
            assertThat(reason.kind()).as("[pipe-13] how the connection ended").isEqualTo(CloseReason.Kind.PEER);
            assertThat(listener.closeCalls()).as("[pipe-13] onClosed calls").isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Timeouts.

    @Nested
    @DisplayName("Timeouts: connecting and handshaking are bounded by the connect timeout")
    class Timeouts {

        @Test
        @Timeout(10)
        @DisplayName("[timeout-1] a server that accepts TCP but never finishes the TLS handshake fails connect within "
                + "the connect timeout (optional: Feature.HANDSHAKE_TIMEOUT)")
        void optional_aHandshakeThatNeverFinishesFailsConnectInTime() {
            assumeFeature(Feature.HANDSHAKE_TIMEOUT);
            Backend backend = availableBackend();
            server.stallHandshakes(true);
            Duration limit = Duration.ofMillis(300);

            long started = System.nanoTime();
            Throwable failed = catchThrowable(() -> backend.connect(request(server.gateway(), limit, GENEROUS), listener()));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(failed).as("[timeout-1] connect to a server that never answers the ClientHello")
                    .isInstanceOf(IOException.class);
            assertThat(elapsed).as("[timeout-1] connect gave up after about the connect timeout (300 ms)")
                    .isBetween(Duration.ofMillis(250), limit.plusSeconds(2));
        }

        @Test
        @Timeout(15)
        @DisplayName("[timeout-2] a TCP connect that is never answered fails within the connect timeout")
        void required_aTcpConnectThatIsNeverAnsweredFailsInTime() throws Exception {
            Backend backend = availableBackend();
            try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                List<Socket> filling = new ArrayList<>();
                try {
                    assumeTrue(fillBacklog(full, filling), "This system answers TCP connects to a listener with a full "
                            + "backlog, so an unanswered connect cannot be simulated here.");
                    Endpoint silent = Endpoint.of("127.0.0.1", full.getLocalPort());
                    Duration limit = Duration.ofMillis(300);

                    long started = System.nanoTime();
                    Throwable failed = catchThrowable(() -> backend.connect(request(silent, limit, GENEROUS), listener()));
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

                    assertThat(failed).as("[timeout-2] connect to a listener that never answers SYN")
                            .isInstanceOf(IOException.class);
                    assertThat(elapsed).as("[timeout-2] connect gave up after about the connect timeout (300 ms)")
                            .isBetween(Duration.ofMillis(250), limit.plusSeconds(2));
                } finally {
                    for (Socket socket : filling) {
                        socket.close();
                    }
                }
            }
        }

        @Test
        @Timeout(10)
        @DisplayName("[timeout-3] a refused TCP connect fails at once with an IOException naming the endpoint")
        void required_aRefusedConnectFailsAtOnceNamingTheEndpoint() throws Exception {
            Backend backend = availableBackend();
            Endpoint closedPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                closedPort = Endpoint.of("127.0.0.1", probe.getLocalPort());
            }

            long started = System.nanoTime();
            assertThatThrownBy(() -> backend.connect(request(closedPort), listener()))
                    .as("[timeout-3] connect to a port nobody listens on")
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(closedPort.toString());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("[timeout-3] time to fail")
                    .isLessThan(Duration.ofSeconds(2));
        }

        /** Fills the listener's accept queue; true when a further connect then goes unanswered. */
        private boolean fillBacklog(ServerSocket listener, List<Socket> filling) throws IOException {
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(listener.getLocalSocketAddress(), 200);
                    filling.add(socket);
                } catch (SocketTimeoutException unanswered) {
                    socket.close();
                    return true;
                } catch (IOException refused) {
                    socket.close();
                    return false;
                }
            }
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Lifecycle.

    @Nested
    @DisplayName("Lifecycle: closing the backend closes its connections and leaves no thread or socket behind")
    class Lifecycle {

        @Test
        @Timeout(15)
        @DisplayName("[life-1] after close() every connection the backend opened is closed (LOCAL), no thread it "
                + "started is alive and the server sees no socket left")
        void required_closeReleasesEveryConnectionAndThread() throws Exception {
            Set<Thread> before = liveThreads();
            Backend fresh = newBackend();
            assumeAvailable(fresh);
            RecordingListener first = listener();
            RecordingListener second = listener();
            Connection one = fresh.connect(request(fresh, server.gateway()), first);
            Connection two = fresh.connect(request(fresh, server.gateway()), second);
            one.write(notification(1));
            assertThat(server.awaitAccepted(1, WAIT)).as("[life-1] the server received a notification").isTrue();
            assertThat(server.awaitUntil(s -> s.openConnections() == 2, WAIT))
                    .as("[life-1] the server sees both connections open before close()").isTrue();

            fresh.close();
            fresh.close();

            assertThat(awaitClosed(first, "[life-1]").kind()).as("[life-1] first connection").isEqualTo(CloseReason.Kind.LOCAL);
            assertThat(awaitClosed(second, "[life-1]").kind()).as("[life-1] second connection").isEqualTo(CloseReason.Kind.LOCAL);
            assertThat(one.isOpen() || two.isOpen()).as("[life-1] isOpen() after the backend closed").isFalse();
            assertThat(one.closeFuture().toCompletableFuture().isDone() && two.closeFuture().toCompletableFuture().isDone())
                    .as("[life-1] closeFuture() of both connections completed").isTrue();
            assertThat(threadsStillAliveSince(before, Duration.ofSeconds(3)))
                    .as("[life-1] threads the backend started, still alive after close()").isEmpty();
            assertThat(server.awaitIdle(WAIT)).as("[life-1] the server sees every socket closed").isTrue();
            assertThat(server.openConnections()).as("[life-1] connections open at the server").isZero();
        }

        @Test
        @Timeout(10)
        @DisplayName("[life-2] connect() after close() fails with an IOException and opens nothing")
        void required_connectAfterCloseFails() throws Exception {
            Backend fresh = newBackend();
            assumeAvailable(fresh);
            fresh.connect(request(fresh, server.gateway()), listener());
            fresh.close();
            server.awaitIdle(WAIT);
            int before = server.connectionsAccepted();

            assertThatThrownBy(() -> fresh.connect(request(fresh, server.gateway()), listener()))
                    .as("[life-2] connect() on a closed backend").isInstanceOf(IOException.class);
            assertThat(server.awaitIdle(WAIT)).as("[life-2] no socket left").isTrue();
            assertThat(server.connectionsAccepted()).as("[life-2] handshakes completed after close()").isEqualTo(before);
        }

        @Test
        @Timeout(10)
        @DisplayName("[life-3] closing a backend that never connected is harmless, idempotent and leaves no thread")
        void required_closingAnUnusedBackendIsHarmless() throws Exception {
            Set<Thread> before = liveThreads();
            Backend fresh = newBackend();
            fresh.certificate(client.credentials());

            assertThatCode(() -> {
                fresh.close();
                fresh.close();
            }).as("[life-3] close() twice on an unused backend").doesNotThrowAnyException();
            assertThat(threadsStillAliveSince(before, Duration.ofSeconds(2))).as("[life-3] threads left").isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The protocol end to end.

    @Nested
    @DisplayName("The protocol end to end: ApnsSession on this backend against the mock APNs server")
    class ProtocolEndToEnd {

        @Test
        @Timeout(20)
        @DisplayName("[e2e-1] a batch is delivered in order with every field")
        void aBatchIsDeliveredInOrderWithEveryField() {
            List<DeviceToken> tokens = tokens(100);
            Message message = Message.builder().tokens(tokens).alert("hi").expiry(Instant.ofEpochSecond(2_000_000_000L))
                    .priority(5).build();
            Result result = session(builder()).send(message);

            assertThat(result.isSuccess()).isTrue();
            assertThat(result.accepted()).containsExactlyElementsOf(tokens);
            assertThat(receivedTokens()).containsExactlyElementsOf(tokens);
            ReceivedNotification first = server.accepted().get(0);
            assertThat(first.payloadText()).isEqualTo(message.payload().toJson());
            assertThat(first.identifier()).isEqualTo(1);
            assertThat(first.expiry()).hasValue(2_000_000_000L);
            assertThat(first.priority()).hasValue(5);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-2] a rejection of the first of 1,000 is reported and the rest are resent once")
        void rejectionOfTheFirstOfAThousandIsReportedAndTheRestAreResentOnce() {
            rejectionAtPositionIsReportedAndLaterOnesAreResent(1);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-3] a rejection of the 500th of 1,000 is reported and later ones are resent once")
        void rejectionOfTheFiveHundredthOfAThousandIsReportedAndLaterOnesAreResentOnce() {
            rejectionAtPositionIsReportedAndLaterOnesAreResent(500);
        }

        private void rejectionAtPositionIsReportedAndLaterOnesAreResent(int position) {
            List<DeviceToken> tokens = tokens(1_000);
            DeviceToken bad = tokens.get(position - 1);
            server.rejectToken(bad, Status.of(8));

            Result result = session(builder()).send(message(tokens));

            assertThat(result.rejections()).singleElement().satisfies(rejection -> {
                assertThat(rejection.token()).isEqualTo(bad);
                assertThat(rejection.status().reason()).isEqualTo(Status.Reason.INVALID_TOKEN);
            });
            assertThat(result.accepted()).hasSize(999).doesNotContain(bad);
            assertThat(result.needsRetry()).isFalse();
            assertThat(server.acceptedCount()).isEqualTo(999);
            assertEachReceivedOnceExactly(tokens.stream().filter(t -> !t.equals(bad)).toList());
            assertThat(server.connectionsAccepted()).isEqualTo(2);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-4] with automatic resend off, the rest come back as the retry message, and sending it "
                + "delivers them")
        void withAutomaticResendOffTheRestComeBackAsTheRetryMessageAndSendingItDeliversThem() {
            List<DeviceToken> tokens = tokens(1_000);
            DeviceToken bad = tokens.get(499);
            server.rejectToken(bad, Status.of(8));
            ApnsSession session = session(builder().automaticResend(false));

            Result first = session.send(message(tokens));

            assertThat(first.accepted()).containsExactlyElementsOf(tokens.subList(0, 499));
            assertThat(first.rejections()).extracting(r -> r.token()).containsExactly(bad);
            assertThat(first.retry()).hasValueSatisfying(retry -> {
                assertThat(retry.tokens()).containsExactlyElementsOf(tokens.subList(500, 1_000));
                assertThat(retry.payload()).isEqualTo(first.message().payload());
            });

            Result second = session.send(first.retry().orElseThrow());
            assertThat(second.isSuccess()).isTrue();
            assertEachReceivedOnceExactly(tokens.stream().filter(t -> !t.equals(bad)).toList());
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-5] a shutdown (status 10) accepts the last good one and the rest are resent")
        void shutdownAcceptsTheLastGoodOneAndResendsTheRest() {
            List<DeviceToken> tokens = tokens(1_000);
            server.shutdownAfter(300);

            Result result = session(pooledBuilder()).send(message(tokens));

            assertThat(result.isSuccess()).isTrue();
            assertThat(result.rejections()).isEmpty();
            assertThat(server.errorResponsesSent()).singleElement()
                    .satisfies(response -> assertThat(response.status().reason()).isEqualTo(Status.Reason.SHUTDOWN));
            assertEachReceivedOnceExactly(tokens);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-6] a protocol error (status 128) hands the notification and the rest back with the status")
        void protocolErrorHandsTheNotificationAndTheRestBackWithTheStatus() {
            List<DeviceToken> tokens = tokens(50);
            server.rejectNotification(20, Status.of(128));

            Result result = session(builder()).send(message(tokens));

            assertThat(result.accepted()).containsExactlyElementsOf(tokens.subList(0, 19));
            assertThat(result.retry()).hasValueSatisfying(
                    retry -> assertThat(retry.tokens()).containsExactlyElementsOf(tokens.subList(19, 50)));
            assertThat(result.errors()).anySatisfy(error -> assertThat(error.status()).contains(Status.of(128)));
            assertThat(server.acceptedCount()).isEqualTo(19);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-7] an undocumented status is kept with its raw code and nothing is lost")
        void anUndocumentedStatusIsKeptWithItsRawCodeAndNothingIsLost() {
            List<DeviceToken> tokens = tokens(50);
            server.rejectNotification(10, Status.of(11));

            Result result = session(builder()).send(message(tokens));

            assertThat(result.errors()).anySatisfy(error -> {
                assertThat(error.status()).hasValueSatisfying(status -> {
                    assertThat(status.code()).isEqualTo(11);
                    assertThat(status.reason()).isEqualTo(Status.Reason.UNKNOWN);
                });
            });
            assertThat(result.accepted().size() + result.retry().map(m -> m.tokens().size()).orElse(0)).isEqualTo(50);
            assertThat(result.accepted()).containsExactlyElementsOf(tokens.subList(0, 9));
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-8] identifier 0 is not mistaken for a notification and the batch is resent")
        void identifierZeroIsNotMistakenForANotificationAndTheBatchIsResent() {
            List<DeviceToken> tokens = tokens(50);
            server.rejectNotification(10, Status.of(8), 0);

            Result result = session(builder()).send(message(tokens));

            assertThat(result.rejections()).isEmpty();
            assertThat(result.errors()).anySatisfy(error -> assertThat(error.description()).contains("identifier 0"));
            assertThat(result.isSuccess()).isTrue();
            assertThat(new HashSet<>(receivedTokens())).containsAll(tokens);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-9] a silent close mid-stream resends the unconfirmed notifications at least once")
        void aSilentCloseMidStreamResendsTheUnconfirmedNotificationsAtLeastOnce() {
            List<DeviceToken> tokens = tokens(1_000);
            server.closeSilentlyAfter(300);
            // Only the close itself says that the server stopped, so the quiet period must outlast the server's
            // processing of 300 notifications even on a busy machine.
            ApnsSession session = session(builder().confirmation(Confirmation.quietPeriod(Duration.ofMillis(300))));

            Result result = session.send(message(tokens));

            assertThat(result.isSuccess()).isTrue();
            assertThat(result.resent()).isPositive();
            Set<DeviceToken> received = new HashSet<>(receivedTokens());
            assertThat(received).containsAll(tokens);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-10] the sentinel confirms a batch without a quiet period")
        void theSentinelConfirmsABatchWithoutAQuietPeriod() {
            List<DeviceToken> tokens = tokens(200);
            ApnsSession session = session(builder().confirmation(Confirmation.sentinel(Duration.ofSeconds(5))));

            Result result = session.send(message(tokens));

            assertThat(result.isSuccess()).isTrue();
            assertThat(receivedTokens()).containsExactlyElementsOf(tokens);
            assertThat(server.errorResponsesSent()).singleElement()
                    .satisfies(response -> assertThat(response.identifier()).isEqualTo(201));
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-11] the sentinel still attributes a real rejection")
        void theSentinelStillAttributesARealRejection() {
            List<DeviceToken> tokens = tokens(200);
            server.rejectToken(tokens.get(99), Status.of(8));
            ApnsSession session = session(builder().confirmation(Confirmation.sentinel(Duration.ofSeconds(5))));

            Result result = session.send(message(tokens));

            assertThat(result.rejections()).extracting(r -> r.token()).containsExactly(tokens.get(99));
            assertThat(result.accepted()).hasSize(199);
            assertEachReceivedOnceExactly(tokens.stream().filter(t -> !t.equals(tokens.get(99))).toList());
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-12] the pool reuses one connection across sends, and outdate() closes it")
        void thePoolReusesOneConnectionAcrossSendsAndOutdateClosesIt() {
            ApnsSession session = session(pooledBuilder());
            session.send(message(tokens(10)));
            session.send(message(tokens(10)));
            session.send(message(tokens(10)));

            assertThat(server.connectionsAccepted()).isEqualTo(1);
            assertThat(session.openConnections()).isEqualTo(1);
            assertThat(session.outdate(Duration.ofHours(1))).isZero();
            assertThat(session.openConnections()).isEqualTo(1);

            assertThat(session.outdate(Duration.ZERO)).isEqualTo(1);
            assertThat(session.openConnections()).isZero();

            session.send(message(tokens(10)));
            assertThat(server.connectionsAccepted()).isEqualTo(2);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-13] credentials from a PEM string and from PKCS#12 are the same pool key")
        void credentialsFromAPemStringAndFromPkcs12AreTheSamePoolKey() {
            Credentials fromPem = Credentials.fromPem(client.chainPem() + client.privateKeyPkcs8Pem());
            Credentials fromPkcs12 = Credentials.fromPkcs12(clientPkcs12, PASSWORD);
            assertThat(fromPem).isEqualTo(fromPkcs12);

            ApnsSession session = session(pooledBuilder().credentials(fromPem));
            assertThat(session.send(message(tokens(5))).isSuccess()).isTrue();
            assertThat(session.send(fromPkcs12, message(tokens(5))).isSuccess()).isTrue();

            assertThat(server.connectionsAccepted()).isEqualTo(1);
            assertThat(server.clientSubjects()).allSatisfy(subject -> assertThat(subject).contains(CLIENT_NAME));
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-14] another app's credentials get their own connection")
        void anotherAppsCredentialsGetTheirOwnConnection() {
            ApnsSession session = session(pooledBuilder());
            session.send(message(tokens(5)));
            session.send(certificates.client("com.example.other", KeyType.EC).credentials(), message(tokens(5)));
            assertThat(server.connectionsAccepted()).isEqualTo(2);
            assertThat(session.openConnections()).isEqualTo(2);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-15] a rejection followed by a server that refuses reconnects hands the rest back")
        void aRejectionFollowedByAServerThatRefusesReconnectsHandsTheRestBack() {
            List<DeviceToken> tokens = tokens(100);
            ApnsSession session = session(pooledBuilder().maxAttemptsWithoutProgress(2));
            session.send(message(tokens(1)));
            server.reset();
            server.rejectToken(tokens.get(49), Status.of(8));
            server.refuseHandshakes(true);

            Result result = session.send(message(tokens));

            assertThat(result.accepted()).containsExactlyElementsOf(tokens.subList(0, 49));
            assertThat(result.rejections()).extracting(r -> r.token()).containsExactly(tokens.get(49));
            assertThat(result.retry()).hasValueSatisfying(
                    retry -> assertThat(retry.tokens()).containsExactlyElementsOf(tokens.subList(50, 100)));
            assertThat(result.errors()).isNotEmpty();
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-16] an untrusted client certificate is reported and not retried forever")
        void anUntrustedClientCertificateIsReportedAndNotRetriedForever() {
            ApnsSession session = session(builder().credentials(strangerClient.credentials()));

            Result result = session.send(message(tokens(10)));

            assertThat(result.accepted()).isEmpty();
            assertThat(result.retry()).hasValueSatisfying(retry -> assertThat(retry.tokens()).hasSize(10));
            assertThat(result.errors()).isNotEmpty();
            server.awaitUntil(s -> s.handshakeFailures() >= 1, WAIT);
            assertThat(server.handshakeFailures()).isBetween(1, 3);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-17] feedback is read as an iteration with unsigned times, from split writes")
        void feedbackIsReadAsAnIterationWithUnsignedTimes() {
            List<DeviceToken> tokens = tokens(3);
            server.addFeedback(new FeedbackEntry(tokens.get(0), Instant.ofEpochSecond(1_700_000_000L)),
                    new FeedbackEntry(tokens.get(1), Instant.ofEpochSecond(0xF0000000L)),
                    new FeedbackEntry(tokens.get(2), Instant.ofEpochSecond(5)));
            server.feedbackSplitWrites(7);

            try (Feedback feedback = session(builder()).feedback()) {
                List<FeedbackEntry> entries = feedback.readAll();
                assertThat(entries).extracting(FeedbackEntry::token).containsExactlyElementsOf(tokens);
                assertThat(entries).extracting(FeedbackEntry::time).containsExactly(
                        Instant.ofEpochSecond(1_700_000_000L), Instant.ofEpochSecond(0xF0000000L),
                        Instant.ofEpochSecond(5));
                assertThat(feedback.failure()).isEmpty();
            }
            assertThat(server.feedbackConnectionsAccepted()).isEqualTo(1);
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-18] feedback that fails mid-stream keeps what was read")
        void feedbackThatFailsMidStreamKeepsWhatWasReadAndSaysWhy() {
            List<DeviceToken> tokens = tokens(5);
            for (DeviceToken token : tokens) {
                server.addFeedback(new FeedbackEntry(token, Instant.ofEpochSecond(1_700_000_000L)));
            }
            server.feedbackFailAfter(2);

            try (Feedback feedback = session(builder()).feedback()) {
                List<FeedbackEntry> entries = feedback.readAll();
                assertThat(entries).extracting(FeedbackEntry::token).containsExactlyElementsOf(tokens.subList(0, 2));
            }
        }

        /**
         * A session builder on a new instance of the backend, which the test closes after the session. It
         * confirms batches with a sentinel, so that what the tests count is exact however loaded the machine
         * is (a quiet period can expire before a slow server answers).
         */
        private ApnsSession.Builder builder() {
            Backend fresh = newBackend();
            assumeAvailable(fresh);
            return ApnsSession.builder().protocol(Protocol.BINARY)
                    .backend(fresh)
                    .credentials(client.credentials())
                    .gateway(server.gateway())
                    .feedback(server.feedback())
                    .trust(Trust.fromPem(server.authorityPem()))
                    .confirmation(Confirmation.sentinel(Duration.ofSeconds(10)));
        }

        /**
         * {@link #builder()} with a quiet period, for the tests about pooling: a sentinel makes the server
         * close the connection after every batch.
         */
        private ApnsSession.Builder pooledBuilder() {
            return builder().confirmation(Confirmation.quietPeriod(QUIET_PERIOD));
        }

        private ApnsSession session(ApnsSession.Builder builder) {
            ApnsSession session = builder.build();
            opened.push(session);
            return session;
        }

        private List<DeviceToken> receivedTokens() {
            return server.accepted().stream().map(ReceivedNotification::token).collect(Collectors.toList());
        }

        private void assertEachReceivedOnceExactly(List<DeviceToken> expected) {
            List<DeviceToken> received = receivedTokens();
            assertThat(received).doesNotHaveDuplicates();
            assertThat(new HashSet<>(received)).isEqualTo(new HashSet<>(expected));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers.

    /** The backend of the current test, made on first use. */
    private Backend backend() {
        if (backend == null) {
            backend = newBackend();
        }
        return backend;
    }

    /** {@link #backend()}, skipping the test when the backend cannot work in this JVM. */
    private Backend availableBackend() {
        Backend current = backend();
        assumeAvailable(current);
        return current;
    }

    // ------------------------------------------------------------------------------------------------
    // The streaming sender end to end.

    @Nested
    @DisplayName("The streaming sender end to end: ApnsSender on this backend against the mock APNs server")
    class StreamingSender {
        private final Payload payload = Payload.builder().alert("hello").build();

        private ApnsSender sender(SenderOptions.Builder options) {
            return sender(ApnsSession.builder().protocol(Protocol.BINARY), options);
        }

        private ApnsSender sender(ApnsSession.Builder session, SenderOptions.Builder options) {
            Backend fresh = newBackend();
            assumeAvailable(fresh);
            ApnsSession opened = session.backend(fresh).credentials(client.credentials()).gateway(server.gateway())
                    .trust(Trust.fromPem(server.authorityPem())).build();
            BackendConformanceSuite.this.opened.push(opened);
            ApnsSender sender = opened.sender(client.credentials(), options.build());
            BackendConformanceSuite.this.opened.push(sender);
            return sender;
        }

        private SenderOptions.Builder options() {
            return SenderOptions.builder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200));
        }

        private List<Notification> notifications(int count) {
            return tokens(count).stream().map(token -> Notification.of(token, payload)).toList();
        }

        private List<Outcome> submitAll(ApnsSender sender, List<Notification> notifications) throws Exception {
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (Notification notification : notifications) {
                futures.add(sender.submit(notification));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (CompletableFuture<Outcome> future : futures) {
                outcomes.add(future.get(20, TimeUnit.SECONDS));
            }
            return outcomes;
        }

        private Map<Outcome.Kind, Long> byKind(List<Outcome> outcomes) {
            return outcomes.stream().collect(Collectors.groupingBy(Outcome::kind, Collectors.counting()));
        }

        private List<DeviceToken> received() {
            return server.accepted().stream().map(ReceivedNotification::token).toList();
        }

        private void rejectionAt(int position, int count) throws Exception {
            List<Notification> notifications = notifications(count);
            DeviceToken bad = notifications.get(position - 1).token();
            server.rejectToken(bad, Status.of(8));
            ApnsSender sender = sender(options());

            List<Outcome> outcomes = submitAll(sender, notifications);

            assertThat(outcomes.get(position - 1).kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(outcomes.get(position - 1).status()).contains(Status.of(8));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, (long) count - 1)
                    .doesNotContainKey(Outcome.Kind.UNSENT);
            assertThat(received()).doesNotHaveDuplicates().hasSize(count - 1).doesNotContain(bad);
            assertThat(sender.metrics().rejected()).containsEntry("8", 1L);
            assertThat(sender.metrics().duplicatesPossible()).isZero();
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-1] a rejection of the first of 1,000 fails only it; every other is delivered once")
        void rejectionOfTheFirst() throws Exception {
            rejectionAt(1, 1_000);
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-2] a rejection of the 500th of 1,000 fails only it; every other is delivered once")
        void rejectionOfTheFiveHundredth() throws Exception {
            rejectionAt(500, 1_000);
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-3] five good, one bad, seven good: the seven are resent in order")
        void fiveGoodOneBadSevenGood() throws Exception {
            rejectionAt(6, 13);
            List<DeviceToken> expected = new ArrayList<>(tokens(13));
            expected.remove(5);
            assertThat(received()).containsExactlyElementsOf(expected);
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-4] a shutdown (status 10) resends everything after the last processed, once")
        void shutdownResendsTheRestOnce() throws Exception {
            server.shutdownAfter(400);
            List<Outcome> outcomes = submitAll(sender(options()), notifications(1_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 1_000L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(1_000);
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-5] a silent close mid-stream resends the unconfirmed window and counts possible duplicates")
        void silentCloseResendsTheWindow() throws Exception {
            server.closeSilentlyAfter(300);
            ApnsSender sender = sender(options());
            List<Outcome> outcomes = submitAll(sender, notifications(1_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 1_000L);
            assertThat(new HashSet<>(received())).hasSize(1_000);
            assertThat(sender.metrics().duplicatesPossible()).isPositive();
            assertThat(sender.metrics().reconnects()).isPositive();
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-6] a rejected identifier outside the window resends the window")
        void identifierOutsideTheWindow() throws Exception {
            server.rejectNotification(100, Status.of(8), 7_777_777L);
            ApnsSender sender = sender(options());
            List<Outcome> outcomes = submitAll(sender, notifications(300));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 300L);
            assertThat(new HashSet<>(received())).hasSize(300);
            // The window was resent without knowing what the server had: counted as possible duplicates.
            assertThat(sender.metrics().duplicatesPossible()).isPositive();
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-7] identifier 0 is never attributed to a notification")
        void identifierZero() throws Exception {
            server.rejectNotification(10, Status.of(8), 0);
            ApnsSender sender = sender(options());
            List<Outcome> outcomes = submitAll(sender, notifications(50));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 50L);
            assertThat(sender.metrics().duplicatesPossible()).isPositive();
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-8] identifiers wrap from 2^32-1 to 1 without losing attribution")
        void identifiersWrap() throws Exception {
            List<Notification> notifications = notifications(200);
            server.rejectToken(notifications.get(100).token(), Status.of(8));
            ApnsSender sender = sender(ApnsSession.builder().protocol(Protocol.BINARY).firstIdentifier(0xFFFF_FFFFL - 50), options());

            List<Outcome> outcomes = submitAll(sender, notifications);

            assertThat(outcomes.get(100).kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 199L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(199);
            assertThat(server.errorResponsesSent().get(0).identifier()).isEqualTo(50);
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-9] a quiet period confirms when no error response comes")
        void quietPeriod() throws Exception {
            ApnsSender sender = sender(options().confirmation(Confirmation.quietPeriod(QUIET_PERIOD)));
            List<Outcome> outcomes = submitAll(sender, notifications(1_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 1_000L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(1_000);
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-10] frequent sentinels reconnect without losing or duplicating")
        void frequentSentinels() throws Exception {
            List<Outcome> outcomes = submitAll(sender(options().sentinelEvery(100)), notifications(1_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 1_000L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(1_000);
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-11] several connections share the work and each notification has one outcome")
        void severalConnections() throws Exception {
            server.rejectNotification(700, Status.of(8));
            List<Outcome> outcomes = submitAll(sender(options().connections(4)), notifications(3_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 2_999L)
                    .containsEntry(Outcome.Kind.REJECTED, 1L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(2_999);
        }

        @Test
        @Timeout(30)
        @DisplayName("[sender-12] a full sender says no to offer(), and shutdown hands back what a stalled server never took")
        void boundedAndShutdownWithADeadline() {
            server.stopReading();
            ApnsSender sender = sender(options().maxPending(20_000));
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < 25_000; i++) {
                var future = sender.offer(Notification.of(DeviceToken.fromHex(String.format("%064x", i + 1)), payload));
                if (future.isEmpty()) {
                    break;
                }
                futures.add(future.get());
            }
            assertThat(futures).hasSize(20_000);
            assertThat(sender.offer(Notification.of(DeviceToken.fromHex("ab".repeat(32)), payload))).isEmpty();

            long began = System.nanoTime();
            List<Notification> unsent = sender.shutdown(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));

            assertThat(futures).allMatch(CompletableFuture::isDone);
            long unsentOutcomes = futures.stream().map(CompletableFuture::join)
                    .filter(outcome -> outcome.kind() == Outcome.Kind.UNSENT).count();
            assertThat(unsent).hasSize((int) unsentOutcomes);
            assertThat(unsentOutcomes).isPositive();
        }

        @Test
        @Timeout(20)
        @DisplayName("[sender-13] a certificate the server refuses fails the queued notifications promptly")
        void refusedCertificateFailsPromptly() throws Exception {
            Backend fresh = newBackend();
            assumeAvailable(fresh);
            ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).backend(fresh).gateway(server.gateway())
                    .trust(Trust.fromPem(server.authorityPem())).build();
            BackendConformanceSuite.this.opened.push(session);
            ApnsSender sender = session.sender(strangerClient.credentials(), options().build());
            BackendConformanceSuite.this.opened.push(sender);

            List<Outcome> outcomes = submitAll(sender, notifications(100));

            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.UNSENT, 100L);
            assertThat(outcomes.get(0).cause()).isPresent();
        }
        @Test
        @Timeout(20)
        @DisplayName("[sender-14] a listener hears each notification's outcome exactly once, and one that throws changes nothing")
        void listenerHearsEachOutcomeOnce() throws Exception {
            List<Notification> notifications = notifications(1_000);
            DeviceToken bad = notifications.get(299).token();
            server.rejectToken(bad, Status.of(8));
            ApnsSender sender = sender(options());
            Map<Notification, List<Outcome>> heard = new ConcurrentHashMap<>();
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(notifications.size());
            Consumer<Outcome> listener = outcome -> {
                heard.computeIfAbsent(outcome.notification(), n -> new CopyOnWriteArrayList<>()).add(outcome);
                all.countDown();
                if (calls.incrementAndGet() % 100 == 0) {
                    throw new IllegalStateException("a listener that fails now and then");
                }
            };

            for (Notification notification : notifications) {
                sender.submit(notification, listener);
            }

            assertThat(all.await(15, TimeUnit.SECONDS)).as("every outcome heard within 15 s").isTrue();
            assertThat(heard).hasSize(notifications.size()).allSatisfy((notification, outcomes) ->
                    assertThat(outcomes).as("outcomes of %s", notification).hasSize(1));
            assertThat(heard.get(notifications.get(299)).get(0).status()).contains(Status.of(8));
            assertThat(heard.values().stream().filter(outcomes -> outcomes.get(0).isAccepted())).hasSize(999);
            assertThat(received()).doesNotHaveDuplicates().hasSize(999).doesNotContain(bad);
            sender.shutdown(Duration.ofSeconds(5));
            assertThat(calls).as("no outcome is heard twice, not even at shutdown").hasValue(notifications.size());
        }

        @Test
        @Timeout(30)
        @DisplayName("[sender-15] offer() with a listener says no when full without calling it; shutdown tells the rest UNSENT")
        void offerWithAListener() {
            server.stopReading();
            ApnsSender sender = sender(options().maxPending(5_000));
            List<Outcome> heard = new CopyOnWriteArrayList<>();
            int queued = 0;
            for (int i = 0; i < 6_000; i++) {
                if (!sender.offer(Notification.of(DeviceToken.fromHex(String.format("%064x", i + 1)), payload), heard::add)) {
                    break;
                }
                queued++;
            }
            assertThat(queued).isEqualTo(5_000);
            assertThat(sender.offer(Notification.of(DeviceToken.fromHex("cd".repeat(32)), payload), heard::add)).isFalse();

            List<Notification> unsent = sender.shutdown(Duration.ofMillis(300));

            assertThat(heard).hasSize(queued);
            assertThat(heard.stream().filter(outcome -> outcome.kind() == Outcome.Kind.UNSENT).map(Outcome::notification))
                    .containsExactlyInAnyOrderElementsOf(unsent);
            assertThat(unsent).isNotEmpty();
        }
        @Test
        @Timeout(30)
        @DisplayName("[sender-16] submit() on a full sender waits for room: it goes on when room frees up, and throws "
                + "SenderFullException when the submit timeout passes first")
        void submitWaitsForRoom() throws Exception {
            server.stopReading();
            ApnsSender sender = sender(options().maxPending(2_000).submitTimeout(Duration.ofMillis(300)));
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (Notification notification : notifications(2_000)) {
                futures.add(sender.submit(notification));
            }

            long began = System.nanoTime();
            Notification late = Notification.of(DeviceToken.fromHex("ef".repeat(32)), payload);
            assertThatThrownBy(() -> sender.submit(late)).isInstanceOf(SenderFullException.class)
                    .hasMessageContaining("2000");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).as("waited about the submit timeout")
                    .isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));

            ExecutorService producer = Executors.newSingleThreadExecutor();
            try {
                Future<CompletableFuture<Outcome>> waiting = producer.submit(() -> sender.submit(late));
                server.resumeReading(); // room frees up once the server reads and confirms what it holds
                CompletableFuture<Outcome> outcome = waiting.get(10, TimeUnit.SECONDS);
                assertThat(outcome.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
            } finally {
                producer.shutdownNow();
            }
            for (CompletableFuture<Outcome> future : futures) {
                assertThat(future.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
            }
            assertThat(received()).doesNotHaveDuplicates().hasSize(2_001);
        }

        @Test
        @Timeout(30)
        @DisplayName("[sender-17] a rejection followed by a server that refuses reconnects: the rejected one fails, the "
                + "rest wait while reconnects back off exponentially, and are delivered once each when the server "
                + "takes connections again")
        void aRejectionFollowedByAServerThatRefusesReconnects() throws Exception {
            List<Notification> notifications = notifications(20);
            server.rejectToken(notifications.get(4).token(), Status.of(8));
            server.stopReading();
            ApnsSender sender = sender(options().reconnectBackoff(Duration.ofMillis(40), Duration.ofSeconds(1)));
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (Notification notification : notifications) {
                futures.add(sender.submit(notification));
            }
            assertThat(server.awaitUntil(s -> s.connectionsAccepted() == 1, WAIT)).as("the first connection").isTrue();
            server.refuseHandshakes(true);
            long began = System.nanoTime(); // before the rejection, so that a slow test thread only adds time
            server.resumeReading();

            Outcome rejected = futures.get(4).get(10, TimeUnit.SECONDS);
            assertThat(server.awaitUntil(s -> s.refusedConnections() >= 4, Duration.ofSeconds(10)))
                    .as("the sender keeps reconnecting").isTrue();
            Duration fourRefusals = Duration.ofNanos(System.nanoTime() - began);

            assertThat(rejected.kind()).isEqualTo(Outcome.Kind.REJECTED);
            for (int i = 0; i < 4; i++) {
                assertThat(futures.get(i).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
            }
            assertThat(futures.subList(5, 20)).as("refused reconnects neither lose nor fail the rest").noneMatch(Future::isDone);
            // The waits between the four refused connects are at least half of 40, 80 and 160 ms (jitter).
            assertThat(fourRefusals).as("reconnects back off").isGreaterThanOrEqualTo(Duration.ofMillis(140));
            assertThat(sender.metrics().pending()).isEqualTo(15);

            server.refuseHandshakes(false);
            for (CompletableFuture<Outcome> future : futures.subList(5, 20)) {
                assertThat(future.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
            }
            List<DeviceToken> expected = new ArrayList<>(tokens(20));
            expected.remove(4);
            assertThat(received()).containsExactlyElementsOf(expected);
            assertThat(sender.metrics().duplicatesPossible()).isZero();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // ALPN, connections without a client certificate, proxies: the tests live in their own file.

    @Nested
    @DisplayName("ALPN and connections without a client certificate (for HTTP/2)")
    class AlpnAndNoCertificate extends AlpnAndCertificateObligations {
        AlpnAndNoCertificate() {
            super(new SuiteFixture());
        }
    }

    @Nested
    @DisplayName("Proxies: HTTP CONNECT and SOCKS5 tunnels")
    class Proxies extends ProxyObligations {
        Proxies() {
            super(new SuiteFixture());
        }
    }

    /** What the HTTP/2 transport obligations ({@link Http2TransportObligations}) borrow from the suite. */
    private final class SuiteFixture implements Http2TransportObligations.Fixture {
        @Override
        public Backend availableBackend() {
            return BackendConformanceSuite.this.availableBackend();
        }

        @Override
        public void assumeFeature(Feature feature) {
            BackendConformanceSuite.this.assumeFeature(feature);
        }

        @Override
        public IssuedCertificate client() {
            return client;
        }

        @Override
        public Trust trust() {
            return BackendConformanceSuite.this.trust();
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
            return BackendConformanceSuite.this.listener();
        }
    }

    /** Another new instance from {@link #createBackend()}, closed after the test. */
    private Backend newBackend() {
        Backend created = createBackend();
        assertThat(created).as("createBackend() must return a new backend, not null").isNotNull();
        opened.push(created);
        return created;
    }

    private static void assumeAvailable(Backend backend) {
        Availability availability = backend.availability();
        assumeTrue(availability.isAvailable(), () -> "The backend '" + backend.name() + "' is not available in this "
                + "JVM (" + availability.reason().orElse("it gives no reason") + "), so tests that connect are skipped.");
    }

    private void assumeFeature(Feature feature) {
        Backend current = backend();
        assumeTrue(current.features().contains(feature), () -> "The backend '" + current.name() + "' does not declare "
                + "Feature." + feature + ", so this optional test is skipped.");
    }

    private Trust trust() {
        return Trust.of(certificates.authority().certificate());
    }

    private ConnectRequest request(Endpoint endpoint) {
        return request(endpoint, GENEROUS, GENEROUS);
    }

    private ConnectRequest request(Endpoint endpoint, Duration connectTimeout, Duration writeTimeout) {
        return new ConnectRequest(endpoint, backend().certificate(client.credentials()), trust(), connectTimeout,
                writeTimeout);
    }

    private ConnectRequest request(Backend owner, Endpoint endpoint) {
        return new ConnectRequest(endpoint, owner.certificate(client.credentials()), trust(), GENEROUS, GENEROUS);
    }

    private RecordingListener listener() {
        return track(new RecordingListener());
    }

    private RecordingListener track(RecordingListener listener) {
        listeners.add(listener);
        return listener;
    }

    private TlsTestServer track(TlsTestServer raw) {
        opened.push(raw);
        return raw;
    }

    private TlsTestServer tlsServer(TlsTestServer.Handler handler) throws IOException {
        return track(TlsTestServer.tls(serverContext, handler));
    }

    /** A pool of daemon threads named {@code conformance-*}, shut down after the test. */
    private ExecutorService executor(int threads) {
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

    private static CloseReason awaitClosed(RecordingListener listener, String obligation) throws InterruptedException {
        try {
            return listener.awaitClosed(WAIT);
        } catch (TimeoutException e) {
            throw new AssertionError(obligation + " The listener's onClosed was not called within " + WAIT
                    + "; events so far: " + listener.events(), e);
        }
    }

    private static ByteBuffer notification(long identifier) {
        byte[] token = new byte[32];
        Arrays.fill(token, (byte) 7);
        byte[] payload = "{\"aps\":{\"alert\":\"conformance\"}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(NotificationEncoder.frameSize(token.length, payload.length, false, false));
        NotificationEncoder.writeFrame(frame, identifier, token, payload, NotificationEncoder.NO_EXPIRY,
                NotificationEncoder.NO_PRIORITY);
        return frame.flip();
    }

    private static List<DeviceToken> tokens(int count) {
        List<DeviceToken> tokens = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            tokens.add(DeviceToken.fromHex(String.format("%064x", i)));
        }
        return tokens;
    }

    private static Message message(List<DeviceToken> tokens) {
        return Message.builder().tokens(tokens).alert("hello").badge(3).build();
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new Random(count).nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < 20 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    /** Threads started since {@code before} and alive now, except the test's own servers' and JUnit's. */
    private static List<String> threadsStartedSince(Set<Thread> before) {
        List<String> started = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(thread) && thread.isAlive() && !isInfrastructure(thread)) {
                started.add(thread.getName());
            }
        }
        return started;
    }

    /** Like {@link #threadsStartedSince}, after waiting up to {@code wait} in all for them to end. */
    private static List<String> threadsStillAliveSince(Set<Thread> before, Duration wait) throws InterruptedException {
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

    private static boolean isInfrastructure(Thread thread) {
        String name = thread.getName();
        return INFRASTRUCTURE_THREADS.stream().anyMatch(name::startsWith);
    }
}
