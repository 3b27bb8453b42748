package dev.apns.backend.blocking;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming {@link ApnsSender} end to end over TLS against the mock APNs server. */
@Timeout(30)
class SenderEndToEndTest {
    private static final Payload PAYLOAD = Payload.builder().alert("hello").build();
    private static TestCertificates pki;
    private static IssuedCertificate client;
    private static MockApnsServer server;

    private ApnsSession session;

    @BeforeAll
    static void startServer() {
        pki = TestCertificates.create();
        client = pki.client("com.example.stream");
        server = MockApnsServer.builder(pki).start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void open() {
        server.disconnectAll();
        assertThat(server.awaitIdle(Duration.ofSeconds(5))).isTrue();
        server.reset();
        session = ApnsSession.builder().backend(BlockingBackend.NAME).credentials(client.credentials())
                .gateway(server.gateway()).trust(Trust.fromPem(server.authorityPem())).build();
    }

    @AfterEach
    void close() {
        session.close();
    }

    private ApnsSender sender(SenderOptions.Builder options) {
        return session.sender(client.credentials(), options.build());
    }

    private static SenderOptions.Builder fast() {
        return SenderOptions.builder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200));
    }

    private static List<Notification> notifications(int count) {
        List<Notification> list = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            list.add(Notification.of(DeviceToken.fromHex(String.format("%064x", i)), PAYLOAD));
        }
        return list;
    }

    private static List<Outcome> submitAll(ApnsSender sender, List<Notification> notifications) throws Exception {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (Notification n : notifications) {
            futures.add(sender.submit(n));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> future : futures) {
            outcomes.add(future.get(20, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    private static Map<Outcome.Kind, Long> byKind(List<Outcome> outcomes) {
        return outcomes.stream().collect(Collectors.groupingBy(Outcome::kind, Collectors.counting()));
    }

    private static List<DeviceToken> received() {
        return server.accepted().stream().map(ReceivedNotification::token).toList();
    }

    private void rejectionAt(int position, int count) throws Exception {
        List<Notification> notifications = notifications(count);
        DeviceToken bad = notifications.get(position - 1).token();
        server.rejectToken(bad, Status.of(8));
        try (ApnsSender sender = sender(fast())) {
            List<Outcome> outcomes = submitAll(sender, notifications);

            assertThat(outcomes.get(position - 1).kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(outcomes.get(position - 1).status()).contains(Status.of(8));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, (long) count - 1)
                    .doesNotContainKey(Outcome.Kind.UNSENT);
            assertThat(received()).doesNotHaveDuplicates().hasSize(count - 1).doesNotContain(bad);
            SenderMetrics metrics = sender.metrics();
            assertThat(metrics.rejected()).containsEntry(8, 1L);
            assertThat(metrics.duplicatesPossible()).isZero();
        }
    }

    @Test
    void rejectionOfTheFirstOfAThousandFailsOnlyItAndEveryOtherIsDeliveredOnce() throws Exception {
        rejectionAt(1, 1_000);
    }

    @Test
    void rejectionOfTheFiveHundredthOfAThousandFailsOnlyItAndEveryOtherIsDeliveredOnce() throws Exception {
        rejectionAt(500, 1_000);
    }

    @Test
    void fiveGoodOneBadSevenGood() throws Exception {
        rejectionAt(6, 13);
        assertThat(received()).containsExactlyElementsOf(notifications(13).stream().map(Notification::token)
                .filter(t -> !t.equals(notifications(13).get(5).token())).toList());
    }

    @Test
    void shutdownStatusResendsEverythingAfterTheLastProcessedExactlyOnce() throws Exception {
        server.shutdownAfter(400);
        try (ApnsSender sender = sender(fast())) {
            List<Outcome> outcomes = submitAll(sender, notifications(1_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 1_000L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(1_000);
        }
    }

    @Test
    void aSilentCloseMidStreamResendsTheUnconfirmedWindowAndCountsPossibleDuplicates() throws Exception {
        server.closeSilentlyAfter(300);
        try (ApnsSender sender = sender(fast())) {
            List<Outcome> outcomes = submitAll(sender, notifications(1_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 1_000L);
            assertThat(new HashSet<>(received())).hasSize(1_000);
            assertThat(sender.metrics().duplicatesPossible()).isPositive();
            assertThat(sender.metrics().reconnects()).isPositive();
        }
    }

    @Test
    void aRejectedIdentifierOutsideTheWindowResendsTheWindow() throws Exception {
        server.rejectNotification(100, Status.of(8), 7_777_777L);
        try (ApnsSender sender = sender(fast())) {
            List<Outcome> outcomes = submitAll(sender, notifications(300));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 300L);
            assertThat(new HashSet<>(received())).hasSize(300);
        }
    }

    @Test
    void identifierZeroIsNeverAttributedToANotification() throws Exception {
        server.rejectNotification(10, Status.of(8), 0);
        try (ApnsSender sender = sender(fast())) {
            List<Outcome> outcomes = submitAll(sender, notifications(50));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 50L);
        }
    }

    @Test
    void aQuietPeriodConfirmsWhenNoErrorResponseComes() throws Exception {
        try (ApnsSender sender = sender(fast().confirmation(Confirmation.quietPeriod(Duration.ofMillis(50))))) {
            List<Outcome> outcomes = submitAll(sender, notifications(1_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 1_000L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(1_000);
        }
    }

    @Test
    void frequentSentinelsReconnectWithoutLosingOrDuplicating() throws Exception {
        try (ApnsSender sender = sender(fast().sentinelEvery(100))) {
            List<Outcome> outcomes = submitAll(sender, notifications(1_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 1_000L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(1_000);
        }
    }

    @Test
    void severalConnectionsShareTheWorkAndEachNotificationHasOneOutcome() throws Exception {
        server.rejectNotification(700, Status.of(8));
        try (ApnsSender sender = sender(fast().connections(4))) {
            List<Outcome> outcomes = submitAll(sender, notifications(3_000));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 2_999L).containsEntry(Outcome.Kind.REJECTED, 1L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(2_999);
        }
    }

    @Test
    void aFullSenderSaysNoToOfferAndShutdownHandsBackWhatAStalledServerNeverTook() throws Exception {
        server.stopReading();
        ApnsSender sender = sender(fast().maxPending(20_000));
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        int offered = 0;
        for (int i = 0; i < 100_000 && offered < 25_000; i++) {
            var future = sender.offer(Notification.of(DeviceToken.fromHex(String.format("%064x", i + 1)), PAYLOAD));
            if (future.isEmpty()) {
                break;
            }
            futures.add(future.get());
            offered++;
        }
        assertThat(offered).isEqualTo(20_000);
        assertThat(sender.offer(Notification.of(DeviceToken.fromHex("ab".repeat(32)), PAYLOAD))).isEmpty();

        long began = System.nanoTime();
        List<Notification> unsent = sender.shutdown(Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));

        long done = futures.stream().filter(CompletableFuture::isDone).count();
        assertThat(done).isEqualTo(futures.size());
        long unsentOutcomes = futures.stream().map(CompletableFuture::join).filter(o -> o.kind() == Outcome.Kind.UNSENT).count();
        assertThat(unsent).hasSize((int) unsentOutcomes);
        assertThat(unsentOutcomes).isPositive();
    }

    @Test
    void identifiersWrapFromTheLargestToOneWithoutLosingAttribution() throws Exception {
        session.close();
        session = ApnsSession.builder().backend(BlockingBackend.NAME).credentials(client.credentials())
                .gateway(server.gateway()).trust(Trust.fromPem(server.authorityPem()))
                .firstIdentifier(0xFFFF_FFFFL - 50).build();
        List<Notification> notifications = notifications(200);
        server.rejectToken(notifications.get(100).token(), Status.of(8));
        try (ApnsSender sender = sender(fast())) {
            List<Outcome> outcomes = submitAll(sender, notifications);
            assertThat(outcomes.get(100).kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.ACCEPTED, 199L);
            assertThat(received()).doesNotHaveDuplicates().hasSize(199);
            assertThat(server.accepted().stream().mapToLong(ReceivedNotification::identifier).min().orElseThrow()).isEqualTo(1);
            assertThat(server.errorResponsesSent().get(0).identifier()).isEqualTo(50);
        }
    }

    @Test
    void aCertificateTheServerRefusesFailsTheQueuedNotificationsPromptly() throws Exception {
        IssuedCertificate stranger = TestCertificates.create().client("com.example.stranger");
        try (ApnsSender sender = session.sender(stranger.credentials(), fast().build())) {
            List<Outcome> outcomes = submitAll(sender, notifications(100));
            assertThat(byKind(outcomes)).containsEntry(Outcome.Kind.UNSENT, 100L);
            assertThat(outcomes.get(0).cause()).isPresent();
        }
    }
}
