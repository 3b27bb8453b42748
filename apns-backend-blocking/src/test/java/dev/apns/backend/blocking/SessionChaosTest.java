package dev.apns.backend.blocking;

import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Rejection;
import dev.apns.Result;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos: {@code ApnsSession.send} of 2,000 notifications against a mock server failing on a seeded random
 * {@link FaultSchedule} (token rejections, silent closes, shutdowns, reading pauses, slow reads, delayed error
 * responses), run after run. After each run every token must have exactly one outcome, and the server must have
 * received every token reported accepted. A failure names the schedule and its seed; replay it with
 * {@code -Dapns.chaos.seed=SEED} (that one run only). {@code -Dapns.chaos.runs=N} changes the number of runs.
 */
class SessionChaosTest {
    private static final int NOTIFICATIONS = 2_000;
    private static final int RUNS = Integer.getInteger("apns.chaos.runs", 20);
    private static final Long REPLAY_SEED = Long.getLong("apns.chaos.seed");

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

    @Test
    @Timeout(90)
    void everyTokenEndsAcceptedRejectedOrInRetryAndNoAcceptedOneIsLost() {
        List<Long> seeds = new ArrayList<>();
        if (REPLAY_SEED != null) {
            seeds.add(REPLAY_SEED);
        } else {
            SplittableRandom seeding = new SplittableRandom();
            for (int run = 0; run < RUNS; run++) {
                seeds.add(seeding.nextLong());
            }
        }
        List<DeviceToken> tokens = tokens(NOTIFICATIONS);
        for (int run = 0; run < seeds.size(); run++) {
            FaultSchedule schedule = FaultSchedule.random(seeds.get(run), NOTIFICATIONS);
            runOnce(run, schedule, tokens);
        }
    }

    private void runOnce(int run, FaultSchedule schedule, List<DeviceToken> tokens) {
        MockApnsServer server = apns.server();
        server.disconnectAll();
        server.reset();
        schedule.applyTo(server);

        Result result;
        try (ApnsSession session = ApnsSession.builder()
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
}
