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
import java.util.concurrent.CompletionStage;
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
import java.util.function.BiConsumer;
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
public abstract class BackendConformanceSuite extends TransportAreas {
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

            assertThat(handshakesCounted(1)).isEqualTo(1);
            assertThat(session.openConnections()).isEqualTo(1);
            assertThat(session.outdate(Duration.ofHours(1))).isZero();
            assertThat(session.openConnections()).isEqualTo(1);

            assertThat(session.outdate(Duration.ZERO)).isEqualTo(1);
            assertThat(session.openConnections()).isZero();

            session.send(message(tokens(10)));
            assertThat(handshakesCounted(2)).isEqualTo(2);
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

            assertThat(handshakesCounted(1)).isEqualTo(1);
            assertThat(server.clientSubjects()).allSatisfy(subject -> assertThat(subject).contains(CLIENT_NAME));
        }

        @Test
        @Timeout(20)
        @DisplayName("[e2e-14] another app's credentials get their own connection")
        void anotherAppsCredentialsGetTheirOwnConnection() {
            ApnsSession session = session(pooledBuilder());
            session.send(message(tokens(5)));
            session.send(certificates.client("com.example.other", KeyType.EC).credentials(), message(tokens(5)));
            assertThat(handshakesCounted(2)).isEqualTo(2);
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

        /**
         * The server's count of completed handshakes once it reached {@code expected} (or after {@link #WAIT}): with
         * TLS 1.3 a client is done with its handshake before the server has read its Finished, and a send confirmed
         * by a quiet period does not wait for the server, so on a busy machine the count can lag the client.
         */
        private int handshakesCounted(int expected) {
            server.awaitUntil(s -> s.connectionsAccepted() >= expected, WAIT);
            return server.connectionsAccepted();
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

        /** 1,000 notifications, of which the server rejects the 300th with status 8. */
        private List<Notification> thousandRejectingThe300th() {
            List<Notification> notifications = notifications(1_000);
            server.rejectToken(notifications.get(299).token(), Status.of(8));
            return notifications;
        }

        private List<Notification> notifications(int count) {
            return tokens(count).stream().map(token -> Notification.of(token, payload)).toList();
        }

        private List<Outcome> submitAll(ApnsSender sender, List<Notification> notifications) throws Exception {
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (Notification notification : notifications) {
                futures.add(sender.submit(notification).toCompletableFuture());
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
        @DisplayName("[sender-18] the connection-ended listener is told of the error response that closed a connection, "
                + "with the rejected notification, and of a silent close")
        void connectionEndedListenerIsToldOfErrorResponsesAndSilentCloses() throws Exception {
            List<Notification> notifications = notifications(300);
            Notification bad = notifications.get(99);
            server.rejectToken(bad.token(), Status.of(8));
            List<dev.apns.ConnectionEnded> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
            submitAll(sender(options().onConnectionEnded(ended::add)), notifications);
            assertThat(ended).anySatisfy(e -> {
                assertThat(e.reason()).isEqualTo("ErrorResponse");
                assertThat(e.notification()).contains(bad);
                assertThat(e.endpoint()).isEqualTo(server.gateway());
            });

            server.reset();
            server.closeSilentlyAfter(50);
            List<dev.apns.ConnectionEnded> silent = new java.util.concurrent.CopyOnWriteArrayList<>();
            submitAll(sender(options().onConnectionEnded(silent::add)), notifications(200));
            assertThat(silent).anySatisfy(e -> {
                assertThat(e.reason()).isIn("ClosedByServer", "ConnectionError");
                assertThat(e.notification()).isEmpty();
            });
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
                futures.add(future.get().toCompletableFuture());
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
            List<Notification> notifications = thousandRejectingThe300th();
            DeviceToken bad = notifications.get(299).token();
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
        @Timeout(20)
        @DisplayName("[sender-19] a context comes back with each outcome exactly once (submit and offer), and completing "
                + "a stage's toCompletableFuture() copy does not change the outcome the sender reports")
        void contextComesBackWithEachOutcomeOnce() throws Exception {
            List<Notification> notifications = thousandRejectingThe300th();
            Map<Integer, List<Outcome>> heard = new ConcurrentHashMap<>();
            CountDownLatch all = new CountDownLatch(notifications.size());
            AtomicInteger calls = new AtomicInteger();
            ApnsSender sender = sender(options());
            BiConsumer<Outcome, Integer> listener = (outcome, index) -> {
                heard.computeIfAbsent(index, i -> new CopyOnWriteArrayList<>()).add(outcome);
                calls.incrementAndGet();
                all.countDown();
            };

            for (int i = 0; i < notifications.size(); i++) {
                if (i % 2 == 0) {
                    sender.submit(notifications.get(i), i, listener);
                } else {
                    assertThat(sender.offer(notifications.get(i), i, listener)).as("offer #%d", i).isTrue();
                }
            }

            assertThat(all.await(15, TimeUnit.SECONDS)).as("every outcome heard within 15 s").isTrue();
            assertThat(heard).hasSize(notifications.size()).allSatisfy((index, outcomes) -> {
                assertThat(outcomes).as("outcomes with context %d", index).hasSize(1);
                assertThat(outcomes.get(0).notification()).as("the outcome that came with context %d", index)
                        .isSameAs(notifications.get(index));
            });
            assertThat(heard.get(299).get(0).status()).contains(Status.of(8));

            Notification viewed = Notification.of(DeviceToken.fromHex("ef".repeat(32)), payload);
            CompletionStage<Outcome> stage = sender.submit(viewed);
            CompletableFuture<Outcome> copy = stage.toCompletableFuture();
            Outcome forged = Outcome.unsent(viewed, new IllegalStateException("completed by the caller"));
            copy.complete(forged);
            stage.toCompletableFuture().cancel(true);
            Outcome reported = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(reported).as("what the sender reports for a stage whose copies were completed and cancelled")
                    .isNotSameAs(forged).matches(Outcome::isAccepted, "accepted");
            assertThat(stage.thenApply(Outcome::kind).toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isEqualTo(Outcome.Kind.ACCEPTED);

            sender.shutdown(Duration.ofSeconds(5));
            assertThat(calls).as("no context comes back twice, not even at shutdown").hasValue(notifications.size());
            assertThat(received()).doesNotHaveDuplicates().hasSize(1_000).contains(viewed.token())
                    .doesNotContain(notifications.get(299).token());
            assertThat(sender.metrics().accepted()).isEqualTo(1_000);
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
                futures.add(sender.submit(notification).toCompletableFuture());
            }

            long began = System.nanoTime();
            Notification late = Notification.of(DeviceToken.fromHex("ef".repeat(32)), payload);
            assertThatThrownBy(() -> sender.submit(late)).isInstanceOf(SenderFullException.class)
                    .hasMessageContaining("2000");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).as("waited about the submit timeout")
                    .isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));

            ExecutorService producer = Executors.newSingleThreadExecutor();
            try {
                Future<CompletableFuture<Outcome>> waiting = producer.submit(() -> sender.submit(late).toCompletableFuture());
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
                futures.add(sender.submit(notification).toCompletableFuture());
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

    @Nested
    @DisplayName("Batches after silent deaths and refused reconnects")
    class BatchRecovery extends BatchRecoveryObligations {
        BatchRecovery() {
            super(BackendConformanceSuite.this);
        }
    }

    @Nested
    @DisplayName("Connect failures: a failed connect says why, as a ConnectFailure of the right kind")
    class ConnectFailures extends ConnectFailureObligations {
        ConnectFailures() {
            super(new SuiteFixture());
        }
    }
}
