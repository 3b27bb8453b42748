package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes on one PostgreSQL database split one queue: a client posts to both (alternately, as a load
 * balancer would), every notification is sent once, by one of them, and both do work. Then one is killed with
 * SIGKILL in the middle of a second run; the other frees what the dead one held once its heartbeats stop (short
 * liveness here: a heartbeat every 500 ms, dead after 2 s) and delivers everything; notifications may reach the
 * mock twice only if the dead instance had them in flight (marked possibly sent), at most its in-flight bound.
 */
class GatewayInstancesTest {
    private static final int BATCH = 1_000;
    private static final int SHARED_BATCHES = 20;
    private static final int TAKEOVER_BATCHES = 20;
    private static final int MAX_IN_FLIGHT = 2_000;

    @TempDir
    Path work;

    @Test
    void twoInstancesShareOneQueueAndTheSurvivorDeliversWhatAKilledOneHeld() {
        String url = Postgres.newDatabase();
        String config = ProcessTests.config(work, MAX_IN_FLIGHT, 250).toString();
        try (MockApns apns = new MockApns();
             GatewayProcess a = GatewayProcess.start("gw-a", work, GatewayProcess.freePort(),
                     List.of("--database-url", url, "--instance-id", "gw-a", "--config", config));
             GatewayProcess b = GatewayProcess.start("gw-b", work, GatewayProcess.freePort(),
                     List.of("--database-url", url, "--instance-id", "gw-b", "--config", config))) {
            RestClient toA = a.client();
            RestClient toB = b.client();
            assertThat(toA.post(GatewayEndToEndTest.APP, apns.tokenApp()).status()).isEqualTo(201);
            assertThat(ProcessTests.await(() -> toB.get(GatewayEndToEndTest.APP).body().get("response")
                    .path("version").asLong() == 1, Duration.ofSeconds(10))).isTrue();

            // 1. A shared queue: every notification sent by exactly one instance, both sending.
            Poster shared = new Poster("shared", SHARED_BATCHES, BATCH, attempt -> attempt % 2 == 0 ? toA : toB,
                    Duration.ofSeconds(60)).run(2);
            assertThat(shared.failure()).isNull();
            Set<String> sharedIds = shared.acceptedIds();
            assertThat(sharedIds).hasSize(SHARED_BATCHES * BATCH);
            ProcessTests.Counted first = ProcessTests.awaitAll(apns, sharedIds, Duration.ofSeconds(60));
            assertThat(ProcessTests.missing(sharedIds, first.times().keySet())).as("not accepted at the mock").isEmpty();
            GatewayEndToEndTest.sleep(500);
            first = ProcessTests.count(apns);
            assertThat(first.total()).as("accepted at the mock, each once").isEqualTo(SHARED_BATCHES * BATCH);
            assertThat(first.duplicated()).as("sent by both instances").isEmpty();
            assertThat(ProcessTests.await(() -> ProcessTests.acceptedMetric(a) + ProcessTests.acceptedMetric(b)
                    == SHARED_BATCHES * BATCH, Duration.ofSeconds(10))).isTrue();
            long sentByA = ProcessTests.acceptedMetric(a);
            long sentByB = ProcessTests.acceptedMetric(b);
            assertThat(sentByA).as("sent by gw-a").isPositive();
            assertThat(sentByB).as("sent by gw-b").isPositive();

            // 2. gw-a killed in the middle of the next run: gw-b delivers everything, the client fails over to it.
            Poster takeover = new Poster("takeover", TAKEOVER_BATCHES, BATCH,
                    attempt -> a.isAlive() && attempt % 2 == 0 ? toA : toB, Duration.ofSeconds(90));
            Thread posting = takeover.start(2);
            assertThat(apns.server.awaitAccepted(SHARED_BATCHES * BATCH + TAKEOVER_BATCHES * BATCH / 3,
                    Duration.ofSeconds(60))).as("a third of the second run accepted before the kill").isTrue();
            long sentByBBeforeKill = ProcessTests.acceptedMetric(b);
            assertThat(a.kill()).as("exit status of a process killed by SIGKILL").isEqualTo(GatewayProcess.KILLED_EXIT);
            long acceptedAtKill = apns.server.acceptedCount();
            posting.join(Duration.ofSeconds(95).toMillis());
            assertThat(takeover.failure()).isNull();
            Set<String> takeoverIds = takeover.acceptedIds();
            assertThat(takeoverIds).hasSize(TAKEOVER_BATCHES * BATCH);

            Set<String> promised = new HashSet<>(sharedIds);
            promised.addAll(takeoverIds);
            ProcessTests.Counted all = ProcessTests.awaitAll(apns, promised, Duration.ofSeconds(60));
            assertThat(ProcessTests.missing(promised, all.times().keySet()))
                    .as("answered 202 but never accepted at the mock; gw-b's log:%n%s", b.logTail()).isEmpty();
            assertThat(ProcessTests.missing(all.times().keySet(), promised)).isEmpty();
            assertThat(ProcessTests.await(() -> ProcessTests.states(url).equals(Map.of("accepted",
                    (long) promised.size())), Duration.ofSeconds(20)))
                    .as("nothing left queued or claimed: %s", ProcessTests.states(url)).isTrue();
            Set<String> possiblySent = ProcessTests.possiblySent(url);
            assertThat(possiblySent).as("in flight at gw-a when it was killed").hasSizeLessThanOrEqualTo(MAX_IN_FLIGHT);
            assertThat(ProcessTests.missing(all.duplicated(), possiblySent))
                    .as("accepted twice though not in flight at the killed instance").isEmpty();
            assertThat(all.duplicates()).isLessThanOrEqualTo(MAX_IN_FLIGHT);
            long sentByBAfter = ProcessTests.acceptedMetric(b);
            if (!possiblySent.isEmpty()) {
                // gw-a held claimed notifications when it died: gw-b's reaper gave them back to the queue.
                assertThat(b.log()).contains("claimed by an instance that stopped sending heartbeats");
            }

            System.out.printf("two instances on PostgreSQL: shared run of %,d: gw-a sent %,d, gw-b %,d, %d sent"
                            + " twice; takeover run of %,d: gw-a killed at %,d accepted at the mock, gw-b sent %,d"
                            + " in it (%,d after the kill), %,d accepted twice (gw-a's in flight:"
                            + " %,d), %d POSTs sent again%n", sharedIds.size(), sentByA, sentByB,
                    first.duplicates(), takeoverIds.size(), acceptedAtKill, sentByBAfter - sentByB,
                    sentByBAfter - sentByBBeforeKill, all.duplicates(), possiblySent.size(), takeover.retries());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
