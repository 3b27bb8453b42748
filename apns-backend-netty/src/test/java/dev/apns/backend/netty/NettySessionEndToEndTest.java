package dev.apns.backend.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.KeyType;
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

/**
 * The public API end to end on the Netty backend, chosen by name: real TLS on 127.0.0.1 between an
 * {@link ApnsSession} and the testkit's mock APNs server.
 */
@Timeout(20)
class NettySessionEndToEndTest {
    private static final Duration QUIET_PERIOD = Duration.ofMillis(400);

    private static TestCertificates pki;
    private static IssuedCertificate client;
    private static MockApnsServer server;

    private final List<ApnsSession> sessions = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        pki = TestCertificates.create();
        client = pki.client("com.example.app", KeyType.EC);
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

    private ApnsSession session() {
        ApnsSession session = ApnsSession.builder()
                .backend(NettyBackend.NAME)
                .credentials(client.credentials())
                .gateway(server.gateway())
                .feedback(server.feedback())
                .trust(Trust.fromPem(server.authorityPem()))
                // Generous: on two cores a cold mock server has been seen to answer 200 ms after the last write.
                .confirmation(Confirmation.quietPeriod(QUIET_PERIOD))
                .build();
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
        return server.accepted().stream().map(ReceivedNotification::token).toList();
    }

    @Test
    void theSessionRunsOnTheNettyBackendWhenNamed() {
        ApnsSession session = session();

        Result result = session.send(message(tokens(10)));

        assertThat(session.backendName()).isEqualTo("netty");
        assertThat(result.isSuccess()).isTrue();
        assertThat(receivedTokens()).containsExactlyElementsOf(tokens(10));
    }

    @Test
    void rejectionOfTheFiveHundredthOfAThousandIsReportedAndTheOthersAreAcceptedOnceEach() {
        List<DeviceToken> tokens = tokens(1_000);
        DeviceToken bad = tokens.get(499);
        server.rejectToken(bad, Status.of(8));

        Result result = session().send(message(tokens));

        assertThat(result.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.token()).isEqualTo(bad);
            assertThat(rejection.status().reason()).isEqualTo(Status.Reason.INVALID_TOKEN);
        });
        assertThat(result.accepted()).hasSize(999).doesNotContain(bad);
        assertThat(result.needsRetry()).isFalse();
        assertThat(server.acceptedCount()).isEqualTo(999);
        List<DeviceToken> received = receivedTokens();
        assertThat(received).doesNotHaveDuplicates();
        assertThat(new HashSet<>(received)).isEqualTo(new HashSet<>(tokens.stream().filter(t -> !t.equals(bad)).toList()));
        assertThat(server.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void aSilentCloseMidStreamResendsTheUnconfirmedNotificationsAtLeastOnce() {
        List<DeviceToken> tokens = tokens(1_000);
        server.closeSilentlyAfter(300);

        Result result = session().send(message(tokens));

        assertThat(result.isSuccess()).isTrue();
        assertThat(result.resent()).isPositive();
        assertThat(new HashSet<>(receivedTokens())).containsAll(tokens);
    }

    @Test
    void shutdownAcceptsTheLastGoodOneAndResendsTheRest() {
        List<DeviceToken> tokens = tokens(1_000);
        server.shutdownAfter(300);

        Result result = session().send(message(tokens));

        assertThat(result.isSuccess()).isTrue();
        assertThat(server.errorResponsesSent()).singleElement()
                .satisfies(response -> assertThat(response.status().reason()).isEqualTo(Status.Reason.SHUTDOWN));
        assertThat(receivedTokens()).doesNotHaveDuplicates();
        assertThat(new HashSet<>(receivedTokens())).isEqualTo(new HashSet<>(tokens));
    }

    @Test
    void feedbackIsReadOverTheNettyBackend() {
        List<DeviceToken> tokens = tokens(3);
        server.addFeedback(new FeedbackEntry(tokens.get(0), Instant.ofEpochSecond(1_700_000_000L)),
                new FeedbackEntry(tokens.get(1), Instant.ofEpochSecond(0xF0000000L)),
                new FeedbackEntry(tokens.get(2), Instant.ofEpochSecond(5)));
        server.feedbackSplitWrites(7);

        try (Feedback feedback = session().feedback()) {
            List<FeedbackEntry> entries = feedback.readAll();
            assertThat(entries).extracting(FeedbackEntry::token).containsExactlyElementsOf(tokens);
            assertThat(entries.get(1).time()).isEqualTo(Instant.ofEpochSecond(0xF0000000L));
            assertThat(feedback.failure()).isEmpty();
        }
        assertThat(server.feedbackConnectionsAccepted()).isEqualTo(1);
    }

    @Test
    void closingTheSessionClosesItsNettyBackendAndItsConnections() throws InterruptedException {
        ApnsSession session = session();
        session.send(message(tokens(5)));
        assertThat(server.openConnections()).isEqualTo(1);

        session.close();

        assertThat(server.awaitUntil(s -> s.openConnections() == 0, Duration.ofSeconds(5))).isTrue();
        assertThat(NettyBackendTest.nettyThreadsStillAliveAfter(Duration.ofSeconds(3))).isEmpty();
    }
}
