package dev.apns.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The gateway's REST-to-APNs throughput (a benchmark, not a test): the gateway runs as its own process (as
 * deployed), a client in this JVM posts lists of notifications over HTTP, and apns-mock's HTTP/2 mock APNs
 * server, also in this JVM, counts what it accepted. The figure is notifications per second from the first POST
 * to the last acceptance at the mock, after a warm-up run.
 *
 * <p>Arguments: {@code [store=sqlite|postgresql] [notifications=200000] [batch=1000] [clientThreads=2]
 * [rounds=3]}; system property {@code gateway.config} names a gateway configuration file to use (delivery
 * settings). Run from the repository root (compiles the module and writes its test class path):
 * <pre>
 * mvn -o -B -q -pl apns-gateway -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp apns-gateway/target/test-classes:apns-gateway/target/classes:$(cat apns-gateway/target/cp.txt) \
 *     dev.apns.gateway.GatewayThroughput sqlite 100000 1000 2 3
 * </pre>
 */
public final class GatewayThroughput {
    private GatewayThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String store = args.length > 0 ? args[0] : "sqlite";
        int total = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int clientThreads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + uptime());
        Path work = Files.createTempDirectory("gateway-throughput");
        List<String> options = new ArrayList<>();
        if (store.equals("postgresql")) {
            options.addAll(List.of("--database-url", Postgres.newDatabase(), "--database-user", "postgres"));
        } else if (store.equals("sqlite")) {
            options.addAll(List.of("--data-dir", work.resolve("data").toString()));
        } else {
            throw new IllegalArgumentException("store must be sqlite or postgresql");
        }
        String config = System.getProperty("gateway.config");
        if (config != null) {
            options.addAll(List.of("--config", config));
        }
        try (MockApns apns = new MockApns(false);
             GatewayProcess gateway = GatewayProcess.start("bench-" + store, work, GatewayProcess.freePort(),
                     options)) {
            RestClient client = gateway.client();
            RestClient.Response provisioned = client.post(GatewayEndToEndTest.APP, apns.tokenApp());
            if (provisioned.status() != 201) {
                throw new IllegalStateException("provisioning failed: " + provisioned.raw().body());
            }
            long expected = 0;
            for (int round = 0; round <= rounds; round++) {
                boolean warmUp = round == 0;
                int count = warmUp ? Math.max(batch, total / 4) : total;
                Poster poster = new Poster("r" + round, count / batch, batch, attempt -> client,
                        Duration.ofMinutes(10));
                long start = System.nanoTime();
                poster.run(clientThreads);
                if (poster.failure() != null) {
                    throw new IllegalStateException(poster.failure() + "; log:\n" + gateway.logTail());
                }
                expected += poster.posted();
                long target = expected;
                if (!apns.server.awaitAccepted(target, Duration.ofMinutes(10))) {
                    throw new IllegalStateException("the mock accepted " + apns.server.acceptedCount() + " of "
                            + target + "; log:\n" + gateway.logTail());
                }
                long end = System.nanoTime();
                double seconds = (end - start) / 1e9;
                double postSeconds = (poster.lastAnswerNanos() - start) / 1e9;
                System.out.printf(Locale.ROOT, "%s %s: %,d notifications in %,d POSTs of %,d (%d client threads):"
                                + " %,.0f/s REST to mock (%.2f s); posting alone %,.0f/s; %d POSTs retried%n",
                        store, warmUp ? "warm-up" : "round " + round, poster.posted(), poster.postedBatches(),
                        batch, clientThreads, poster.posted() / seconds, seconds, poster.posted() / postSeconds,
                        poster.retries());
            }
            System.out.println("after: " + uptime());
            System.out.println("mock: accepted " + apns.server.acceptedCount() + ", rejected "
                    + apns.server.rejectedCount());
            int exit = gateway.stop();
            System.out.println("gateway stopped with exit code " + exit);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static String uptime() {
        try {
            Process process = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            try (InputStream out = process.getInputStream()) {
                return new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        } catch (IOException e) {
            return "(uptime: " + e.getMessage() + ")";
        }
    }
}
