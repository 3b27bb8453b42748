package dev.apns.backend.blocking;

import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.MockApnsServer;
import dev.apns.testkit.ReceivedNotification;
import dev.apns.testkit.TestCertificates;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public API end to end: real TLS on 127.0.0.1 between an {@link ApnsSession} on the blocking backend and
 * the testkit's mock APNs server, with the server scripted to fail in each way the protocol allows.
 */
@Timeout(20)
class SessionEndToEndTest {
    private static TestCertificates pki;
    private static IssuedCertificate client;
    private static MockApnsServer server;

    private final List<ApnsSession> sessions = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        pki = TestCertificates.create();
        client = pki.client("com.example.app");
        server = MockApnsServer.builder(pki).start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void resetServer() {
        server.reset();
    }

    @AfterEach
    void closeSessions() {
        sessions.forEach(ApnsSession::close);
    }

    private ApnsSession.Builder builder() {
        return ApnsSession.builder()
                .backend(BlockingBackend.NAME)
                .credentials(client.credentials())
                .gateway(server.gateway())
                .feedback(server.feedback())
                .trust(Trust.fromPem(server.authorityPem()))
                .confirmation(Confirmation.quietPeriod(Duration.ofMillis(50)));
    }

    private ApnsSession session(ApnsSession.Builder builder) {
        ApnsSession session = builder.build();
        sessions.add(session);
        return session;
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

    private static List<DeviceToken> receivedTokens() {
        return server.accepted().stream().map(ReceivedNotification::token).collect(Collectors.toList());
    }

    private static void assertEachReceivedOnceExactly(List<DeviceToken> expected) {
        List<DeviceToken> received = receivedTokens();
        assertThat(received).doesNotHaveDuplicates();
        assertThat(new HashSet<>(received)).isEqualTo(new HashSet<>(expected));
    }

    @Test
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
    void rejectionOfTheFirstOfAThousandIsReportedAndTheRestAreResentOnce() {
        rejectionAtPositionIsReportedAndLaterOnesAreResent(1);
    }

    @Test
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
    void shutdownAcceptsTheLastGoodOneAndResendsTheRest() {
        List<DeviceToken> tokens = tokens(1_000);
        server.shutdownAfter(300);

        Result result = session(builder()).send(message(tokens));

        assertThat(result.isSuccess()).isTrue();
        assertThat(result.rejections()).isEmpty();
        assertThat(server.errorResponsesSent()).singleElement()
                .satisfies(response -> assertThat(response.status().reason()).isEqualTo(Status.Reason.SHUTDOWN));
        assertEachReceivedOnceExactly(tokens);
    }

    @Test
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
    void aSilentCloseMidStreamResendsTheUnconfirmedNotificationsAtLeastOnce() {
        List<DeviceToken> tokens = tokens(1_000);
        server.closeSilentlyAfter(300);

        Result result = session(builder()).send(message(tokens));

        assertThat(result.isSuccess()).isTrue();
        assertThat(result.resent()).isPositive();
        Set<DeviceToken> received = new HashSet<>(receivedTokens());
        assertThat(received).containsAll(tokens);
    }

    @Test
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
    void thePoolReusesOneConnectionAcrossSendsAndOutdateClosesIt() throws InterruptedException {
        ApnsSession session = session(builder());
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
    void credentialsFromAPemStringAndFromPkcs12AreTheSamePoolKey() {
        Credentials fromPem = Credentials.fromPem(client.chainPem() + client.privateKeyPkcs8Pem());
        char[] password = "secret".toCharArray();
        Credentials fromPkcs12 = Credentials.fromPkcs12(client.pkcs12(password), password);
        assertThat(fromPem).isEqualTo(fromPkcs12);

        ApnsSession session = session(builder().credentials(fromPem));
        assertThat(session.send(message(tokens(5))).isSuccess()).isTrue();
        assertThat(session.send(fromPkcs12, message(tokens(5))).isSuccess()).isTrue();

        assertThat(server.connectionsAccepted()).isEqualTo(1);
        assertThat(server.clientSubjects()).allSatisfy(subject -> assertThat(subject).contains("com.example.app"));
    }

    @Test
    void anotherAppsCredentialsGetTheirOwnConnection() {
        ApnsSession session = session(builder());
        session.send(message(tokens(5)));
        session.send(pki.client("com.example.other", dev.apns.testkit.KeyType.EC).credentials(), message(tokens(5)));
        assertThat(server.connectionsAccepted()).isEqualTo(2);
        assertThat(session.openConnections()).isEqualTo(2);
    }

    @Test
    void aRejectionFollowedByAServerThatRefusesReconnectsHandsTheRestBack() {
        List<DeviceToken> tokens = tokens(100);
        ApnsSession session = session(builder().maxAttemptsWithoutProgress(2));
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
    void anUntrustedClientCertificateIsReportedAndNotRetriedForever() {
        IssuedCertificate stranger = TestCertificates.create().client("com.example.stranger");
        ApnsSession session = session(builder().credentials(stranger.credentials()));

        Result result = session.send(message(tokens(10)));

        assertThat(result.accepted()).isEmpty();
        assertThat(result.retry()).hasValueSatisfying(retry -> assertThat(retry.tokens()).hasSize(10));
        assertThat(result.errors()).isNotEmpty();
        assertThat(server.handshakeFailures()).isBetween(1, 3);
    }

    @Test
    void feedbackIsReadAsAnIterationWithUnsignedTimes() {
        List<DeviceToken> tokens = tokens(3);
        server.addFeedback(new FeedbackEntry(tokens.get(0), Instant.ofEpochSecond(1_700_000_000L)),
                new FeedbackEntry(tokens.get(1), Instant.ofEpochSecond(0xF0000000L)),
                new FeedbackEntry(tokens.get(2), Instant.ofEpochSecond(5)));
        server.feedbackSplitWrites(7);

        try (Feedback feedback = session(builder()).feedback()) {
            assertThat(feedback.readAll()).extracting(FeedbackEntry::token).containsExactlyElementsOf(tokens);
            assertThat(feedback.failure()).isEmpty();
        }
    }

    @Test
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
}
