package dev.apns.backend.blocking;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.testkit.FaultSchedule;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.KeyType;
import dev.apns.testkit.MockApnsExtension;
import dev.apns.testkit.MockApnsServer;
import dev.apns.testkit.ReceivedNotification;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos for the streaming {@link ApnsSender}: 100 runs of 10,000 notifications over four connections
 * against a mock server failing on a seeded random {@link FaultSchedule} (token rejections, silent
 * closes, shutdowns, reading pauses, slow reads, delayed error responses). After each run every
 * notification must have exactly one outcome, every accepted one must have reached the server, and none
 * may be unsent (every fault of a random schedule is recoverable). A failure names the schedule and its
 * seed; replay it with {@code -Dapns.chaos.seed=SEED}; {@code -Dapns.chaos.senderRuns=N} changes the count.
 */
class SenderChaosTest {
    private static final int NOTIFICATIONS = 10_000;
    private static final int RUNS = Integer.getInteger("apns.chaos.senderRuns", 100);
    private static final Long REPLAY_SEED = Long.getLong("apns.chaos.seed");
    private static final Payload PAYLOAD = Payload.builder().alert("chaos").build();

    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate CLIENT = apns.certificates().client("com.example.sender-chaos", KeyType.EC);

    private static BlockingBackend backend;

    @BeforeAll
    static void createBackend() {
        backend = new BlockingBackend();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Test
    @Timeout(300)
    void everyNotificationHasExactlyOneOutcomeAndNoAcceptedOneIsLost() throws Exception {
        List<Long> seeds = new ArrayList<>();
        if (REPLAY_SEED != null) {
            seeds.add(REPLAY_SEED);
        } else {
            SplittableRandom seeding = new SplittableRandom();
            for (int run = 0; run < RUNS; run++) {
                seeds.add(seeding.nextLong());
            }
        }
        List<Notification> notifications = new ArrayList<>(NOTIFICATIONS);
        for (int i = 1; i <= NOTIFICATIONS; i++) {
            notifications.add(Notification.of(DeviceToken.fromHex(String.format("%064x", 0xD0000000L + i)), PAYLOAD));
        }
        try (ApnsSession session = ApnsSession.builder().backend(backend).credentials(CLIENT.credentials())
                .gateway(apns.server().gateway()).trust(Trust.fromPem(apns.server().authorityPem()))
                .connectTimeout(Duration.ofSeconds(5)).writeTimeout(Duration.ofSeconds(5)).build()) {
            for (int run = 0; run < seeds.size(); run++) {
                runOnce(session, run, FaultSchedule.random(seeds.get(run), NOTIFICATIONS), notifications);
            }
        }
    }

    private void runOnce(ApnsSession session, int run, FaultSchedule schedule, List<Notification> notifications)
            throws Exception {
        MockApnsServer server = apns.server();
        server.disconnectAll();
        server.reset();
        schedule.applyTo(server);
        String context = "Run " + run + " against " + schedule + " (replay: -Dapns.chaos.seed="
                + schedule.seed().orElseThrow() + ")";

        List<Outcome> outcomes = new ArrayList<>(notifications.size());
        SenderMetrics metrics;
        SenderOptions options = SenderOptions.builder().connections(4).sentinelEvery(2_000)
                .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(100)).build();
        try (ApnsSender sender = session.sender(CLIENT.credentials(), options)) {
            List<CompletableFuture<Outcome>> futures = new ArrayList<>(notifications.size());
            for (Notification notification : notifications) {
                futures.add(sender.submit(notification));
            }
            for (CompletableFuture<Outcome> future : futures) {
                outcomes.add(future.get(60, TimeUnit.SECONDS));
            }
            metrics = sender.metrics();
        }
        context += " gave " + metrics;

        assertThat(outcomes).as("%s: one outcome per notification, for that notification", context)
                .hasSize(notifications.size())
                .allSatisfy(outcome -> assertThat(outcome).isNotNull());
        for (int i = 0; i < outcomes.size(); i++) {
            assertThat(outcomes.get(i).notification()).as(context).isSameAs(notifications.get(i));
        }
        List<Outcome> unsent = outcomes.stream().filter(o -> o.kind() == Outcome.Kind.UNSENT).toList();
        assertThat(unsent).as("%s: notifications unsent although every fault was recoverable", context).isEmpty();
        assertThat(outcomes.stream().filter(o -> o.kind() == Outcome.Kind.REJECTED))
                .as("%s: rejections carry the token statuses the schedule uses", context)
                .allSatisfy(o -> assertThat(o.status().orElseThrow().category()).isEqualTo(Status.Category.TOKEN));

        Set<DeviceToken> received = new HashSet<>();
        for (ReceivedNotification notification : server.accepted()) {
            received.add(notification.token());
        }
        List<DeviceToken> lost = outcomes.stream().filter(Outcome::isAccepted).map(o -> o.notification().token())
                .filter(token -> !received.contains(token)).toList();
        assertThat(lost).as("%s: notifications reported accepted that the server never received", context).isEmpty();
        assertThat(metrics.accepted() + metrics.rejectedTotal() + metrics.unsent())
                .as("%s: the metrics count every outcome once", context).isEqualTo(notifications.size());
    }
}
