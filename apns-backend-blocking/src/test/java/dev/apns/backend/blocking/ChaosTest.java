package dev.apns.backend.blocking;

import dev.apns.Protocol;
import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.mock.binary.FaultSchedule;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.binary.ReceivedNotification;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos against a mock server failing on seeded random {@link FaultSchedule}s (token rejections, silent
 * closes, shutdowns, reading pauses, slow reads, delayed error responses), run after run:
 * <ul>
 *   <li>the batch API: {@code ApnsSession.send} of 2,000 notifications, 20 runs; after each, every token has
 *       exactly one outcome (accepted, rejected or in retry) and the server received every accepted one;</li>
 *   <li>the streaming sender: 10,000 notifications over four connections, 100 runs; after each, every
 *       notification has exactly one outcome, every accepted one reached the server and none is unsent
 *       (every fault of a random schedule is recoverable).</li>
 * </ul>
 * A failure names the schedule and its seed; replay it with {@code -Dapns.chaos.seed=SEED} (that one run
 * only). {@code -Dapns.chaos.runs=N} and {@code -Dapns.chaos.senderRuns=N} change the number of runs.
 */
class ChaosTest {
    private static final int BATCH_NOTIFICATIONS = 2_000;
    private static final int BATCH_RUNS = Integer.getInteger("apns.chaos.runs", 20);
    private static final int SENDER_NOTIFICATIONS = 10_000;
    private static final int SENDER_RUNS = Integer.getInteger("apns.chaos.senderRuns", 100);
    private static final Long REPLAY_SEED = Long.getLong("apns.chaos.seed");
    private static final Payload PAYLOAD = Payload.builder().alert("chaos").build();

    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate CLIENT = apns.certificates().client("com.example.chaos", KeyType.EC);

    /** One backend for every run, so that runs do not pay for discovery and TLS contexts again. */
    private static BlockingBackend backend;

    @BeforeAll
    static void createBackend() {
        backend = new BlockingBackend();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    /** The replay seed alone when one is given, else {@code runs} fresh ones. */
    private static List<Long> seeds(int runs) {
        List<Long> seeds = new ArrayList<>();
        if (REPLAY_SEED != null) {
            seeds.add(REPLAY_SEED);
        } else {
            SplittableRandom seeding = new SplittableRandom();
            for (int run = 0; run < runs; run++) {
                seeds.add(seeding.nextLong());
            }
        }
        return seeds;
    }

    @Test
    @Timeout(90)
    void everyTokenEndsAcceptedRejectedOrInRetryAndNoAcceptedOneIsLost() {
        List<Long> seeds = seeds(BATCH_RUNS);
        List<DeviceToken> tokens = tokens(BATCH_NOTIFICATIONS);
        for (int run = 0; run < seeds.size(); run++) {
            FaultSchedule schedule = FaultSchedule.random(seeds.get(run), BATCH_NOTIFICATIONS);
            runBatchOnce(run, schedule, tokens);
        }
    }

    private void runBatchOnce(int run, FaultSchedule schedule, List<DeviceToken> tokens) {
        MockApnsServer server = apns.server();
        server.disconnectAll();
        server.reset();
        schedule.applyTo(server);

        Result result;
        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .backend(backend)
                .credentials(CLIENT.credentials())
                .gateway(server.gateway())
                .feedback(server.feedback())
                .trust(Trust.fromPem(server.authorityPem()))
                .confirmation(Confirmation.sentinel(Duration.ofSeconds(5)))
                .connectTimeout(Duration.ofSeconds(5))
                .writeTimeout(Duration.ofSeconds(5))
                .build()) {
            result = session.send(Message.builder().tokens(tokens).alert("chaos").build());
        }
        String context = "Run " + run + " against " + schedule + " gave " + result
                + " (replay: -Dapns.chaos.seed=" + schedule.seed().orElseThrow() + ")";

        List<DeviceToken> retry = result.retry().map(Message::tokens).orElse(List.of());
        List<DeviceToken> rejected = result.rejections().stream().map(Rejection::token).toList();
        Map<DeviceToken, Integer> outcomes = new HashMap<>();
        result.accepted().forEach(token -> outcomes.merge(token, 1, Integer::sum));
        rejected.forEach(token -> outcomes.merge(token, 1, Integer::sum));
        retry.forEach(token -> outcomes.merge(token, 1, Integer::sum));
        List<DeviceToken> withoutExactlyOne = tokens.stream().filter(token -> outcomes.getOrDefault(token, 0) != 1)
                .toList();
        assertThat(withoutExactlyOne)
                .as("%s: tokens without exactly one outcome (accepted, rejected or in retry)", context)
                .isEmpty();
        assertThat(outcomes.keySet()).as("%s: tokens reported that were never sent", context)
                .isSubsetOf(new HashSet<>(tokens));

        Set<DeviceToken> received = new HashSet<>();
        for (ReceivedNotification notification : server.accepted()) {
            received.add(notification.token());
        }
        List<DeviceToken> lost = result.accepted().stream().filter(token -> !received.contains(token)).toList();
        assertThat(lost).as("%s: tokens reported accepted that the server never received", context).isEmpty();

        assertThat(result.rejections()).as("%s: rejections carry the token statuses the schedule uses", context)
                .allSatisfy(rejection -> assertThat(rejection.status().category()).isEqualTo(Status.Category.TOKEN));
        long scheduledRejections = schedule.faults().stream().filter(FaultSchedule.Rejection.class::isInstance).count();
        assertThat(result.rejections().size()).as("%s: more rejections than the schedule has", context)
                .isLessThanOrEqualTo((int) scheduledRejections);
        // Every fault of a random schedule is recoverable (at most two silent closes in a row, each followed by
        // a fresh connection), so a correct client hands nothing back.
        assertThat(retry).as("%s: tokens handed back although every fault was recoverable", context).isEmpty();
    }

    private static List<DeviceToken> tokens(int count) {
        List<DeviceToken> tokens = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            tokens.add(DeviceToken.fromHex(String.format("%064x", 0xC0000000L + i)));
        }
        return tokens;
    }

    @Test
    @Timeout(300)
    void everyNotificationHasExactlyOneOutcomeAndNoAcceptedOneIsLost() throws Exception {
        List<Long> seeds = seeds(SENDER_RUNS);
        List<Notification> notifications = new ArrayList<>(SENDER_NOTIFICATIONS);
        for (int i = 1; i <= SENDER_NOTIFICATIONS; i++) {
            notifications.add(Notification.of(DeviceToken.fromHex(String.format("%064x", 0xD0000000L + i)), PAYLOAD));
        }
        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).backend(backend).credentials(CLIENT.credentials())
                .gateway(apns.server().gateway()).trust(Trust.fromPem(apns.server().authorityPem()))
                .connectTimeout(Duration.ofSeconds(5)).writeTimeout(Duration.ofSeconds(5)).build()) {
            for (int run = 0; run < seeds.size(); run++) {
                runSenderOnce(session, run, FaultSchedule.random(seeds.get(run), SENDER_NOTIFICATIONS), notifications);
            }
        }
    }

    private void runSenderOnce(ApnsSession session, int run, FaultSchedule schedule, List<Notification> notifications)
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
                futures.add(sender.submit(notification).toCompletableFuture());
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
