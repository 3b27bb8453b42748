package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing accepted is lost when the gateway is killed: the gateway runs as a process of its own, a client posts
 * 100,000 notifications (30,000 on PostgreSQL) in lists of 1,000 (each list with an idempotency key, posted again when it got no answer),
 * the process is killed with SIGKILL once the mock APNs server has accepted a third of them, and a new process is
 * started on the same store. Every notification answered 202 must then be accepted at the mock; notifications may
 * reach it twice only if they were in flight at the kill (the restarted gateway marks those possibly sent), at most
 * the in-flight bound.
 */
class GatewayCrashTest {
    private static final int BATCH = 1_000;
    private static final int MAX_IN_FLIGHT = 4_000;

    @TempDir
    Path work;

    @Test
    void aGatewayKilledMidRunLosesNoAcceptedNotificationOnTheEmbeddedStore() {
        Path data = work.resolve("data");
        crashAndRestart("sqlite", List.of("--data-dir", data.toString()),
                "jdbc:sqlite:" + data.resolve("gateway.db").toAbsolutePath(), 100);
    }

    @Test
    void aGatewayKilledMidRunLosesNoAcceptedNotificationOnPostgres() {
        String url = Postgres.newDatabase();
        // The same instance id before and after the crash, as with a fixed id in a configuration file: the restarted
        // instance must take back what its previous run held, though its id is alive again at once.
        // 30,000 here: the 100,000 run is the embedded store's, and the build's time is shared.
        crashAndRestart("postgresql", List.of("--database-url", url, "--instance-id", "crash-gw"), url, 30);
    }

    private void crashAndRestart(String store, List<String> storeOptions, String jdbcUrl, int batches) {
        List<String> options = new ArrayList<>(storeOptions);
        options.addAll(List.of("--config", ProcessTests.config(work, MAX_IN_FLIGHT, 500).toString()));
        int port = GatewayProcess.freePort();
        try (MockApns apns = new MockApns()) {
            GatewayProcess first = GatewayProcess.start(store + "-first", work, port, options);
            GatewayProcess second = null;
            try {
                RestClient client = new RestClient(port, null);
                assertThat(client.post(GatewayEndToEndTest.APP, apns.tokenApp()).status()).isEqualTo(201);
                Poster poster = new Poster("crash", batches, BATCH, attempt -> client, Duration.ofSeconds(100));
                long started = System.nanoTime();
                Thread posting = poster.start(2);

                assertThat(apns.server.awaitAccepted(batches * BATCH / 3, Duration.ofSeconds(60)))
                        .as("a third accepted at the mock before the kill; log:%n%s", first.logTail()).isTrue();
                assertThat(first.kill()).as("exit status of a process killed by SIGKILL")
                        .isEqualTo(GatewayProcess.KILLED_EXIT);
                long acceptedAtKill = apns.server.acceptedCount();
                int postedAtKill = poster.posted();
                second = GatewayProcess.start(store + "-second", work, port, options);

                posting.join(Duration.ofSeconds(110).toMillis());
                assertThat(poster.failure()).isNull();
                assertThat(poster.postedBatches()).isEqualTo(batches);
                Set<String> promised = poster.acceptedIds();
                assertThat(promised).hasSize(batches * BATCH);

                ProcessTests.Counted counted = ProcessTests.awaitAll(apns, promised, Duration.ofSeconds(90));
                GatewayProcess restarted = second;
                assertThat(ProcessTests.missing(promised, counted.times().keySet()))
                        .as("answered 202 but never accepted at the mock; log:%n%s", restarted.logTail()).isEmpty();
                assertThat(ProcessTests.missing(counted.times().keySet(), promised))
                        .as("accepted at the mock but never answered 202 to the client").isEmpty();
                assertThat(ProcessTests.await(() -> ProcessTests.states(jdbcUrl).equals(
                        Map.of("accepted", (long) batches * BATCH)), Duration.ofSeconds(20)))
                        .as("every stored notification recorded accepted: %s", ProcessTests.states(jdbcUrl)).isTrue();
                Set<String> possiblySent = ProcessTests.possiblySent(jdbcUrl);
                assertThat(possiblySent).as("in flight at the kill").hasSizeLessThanOrEqualTo(MAX_IN_FLIGHT);
                assertThat(ProcessTests.missing(counted.duplicated(), possiblySent))
                        .as("accepted twice though not in flight at the kill").isEmpty();
                assertThat(counted.duplicates()).isLessThanOrEqualTo(MAX_IN_FLIGHT);
                assertThat(restarted.stop()).as("graceful stop").isIn(0, 143);

                System.out.printf("crash test (%s): %,d posted (%,d answered 202 before the kill), %,d accepted at the"
                                + " mock when killed; after the restart %,d distinct accepted, %,d accepted twice"
                                + " (in flight at the kill: %,d), %d POSTs sent again; %.1f s%n", store,
                        promised.size(), postedAtKill, acceptedAtKill, counted.times().size(), counted.duplicates(),
                        possiblySent.size(), poster.retries(), (System.nanoTime() - started) / 1e9);
            } finally {
                first.close();
                if (second != null) {
                    second.close();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
