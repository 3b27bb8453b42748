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
import dev.apns.spi.BackendDiscovery;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
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
 * The transport areas of {@link BackendConformanceSuite}: discovery, TLS, certificates, the byte pipe, timeouts and
 * lifecycle, each a {@link Nested} class whose obligations [discovery-N], [tls-N], [cert-N], [pipe-N],
 * [timeout-N] and [lifecycle-N] {@code docs/conformance.md} explains. A backend's test extends
 * {@link BackendConformanceSuite}, never this.
 */
abstract class TransportAreas extends SuiteFixtures {
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
            BackendDiscovery discovery = BackendDiscovery.of(type.getClassLoader());
            Backend loaded = discovery.found().stream().map(BackendDiscovery.Found::backend)
                    .filter(backend -> backend.getClass() == type).findFirst().orElse(null);
            discovery.closeAllExcept(loaded);
            List<String> found = discovery.found().stream().map(BackendDiscovery.Found::className).toList();
            List<String> broken = discovery.broken().stream().map(BackendDiscovery.Broken::describe).toList();

            assertThat(loaded)
                    .as("[discovery-1] %s must be listed in META-INF/services/%s (and provided in module-info.java); "
                            + "the SDK's discovery found %s; broken entries: %s", type.getName(), Backend.class.getName(),
                            found, broken)
                    .isNotNull();
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
                    .satisfies(e -> assertThat(causes(e)).as("[tls-2] the failure and its causes")
                            .anyMatch(SSLException.class::isInstance))
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
                    .satisfies(e -> assertThat(causes(e)).as("[tls-3] the failure and its causes")
                            .anyMatch(SSLException.class::isInstance))
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
            } catch (IOException refused) {
                if (causes(refused).stream().anyMatch(SSLException.class::isInstance)) {
                    assertThat(refused).as("%s the failure names the endpoint", obligation)
                            .hasMessageContaining(server.gateway().toString());
                    return;
                }
                IOException other = refused;
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

}
