package dev.apns.benchmarks.pushy;

import dev.apns.mock.MockApnsHttp2Process;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2 throughput of the SDK's streaming sender and of Pushy 0.15's {@code ApnsClient}, in one run, with the same
 * workload ({@link Workload}, token authentication), against the same testkit {@code MockApnsHttp2Server} running in
 * another JVM ({@code MockApnsMain --no-record}) on 127.0.0.1 over TLS. Rounds alternate between the clients so
 * that the machine's noise falls on both; each client warms up for at least 20 s of its own rounds and 3 rounds (see
 * {@link Rounds}), then the median of its measured rounds is its rate. Every round checks that all its notifications
 * were accepted, by the client's outcomes and by the server's count. Prints each round with the CPU time each JVM
 * spent per notification and the heap in use after it, both rates and their ratio.
 *
 * <p>Arguments: {@code [backend=conscrypt] [clients=both|ours|pushy] [ourRoundSize=500000] [pushyRoundSize=100000]
 * [rounds=10] [warmupRounds=3]}. System properties: {@code connections} (1, both clients), {@code maxPending} (the
 * sender's, 200,000), {@code pushy.maxInFlight} (Pushy's in-flight bound, 10,000), {@code apns.bench.gcAfterRound}
 * (also print the heap in use after a full collection), {@code apns.bench.warmupSeconds} (20) and
 * {@code apns.mock.classpath}: the mock server's class path, which needs Netty 4.2 (default
 * {@code apns-benchmarks/target/apns-benchmarks.jar}, relative to the working directory). The server's JVM runs with
 * Netty's leak detection off unless {@code apns.mock.jvmArgs} sets it.
 */
public final class Http2Throughput {
    private static final String TOPIC = "com.example.app";

    private Http2Throughput() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "conscrypt";
        String which = args.length > 1 ? args[1] : "both";
        long ourRoundSize = args.length > 2 ? Long.parseLong(args[2]) : 500_000L;
        long pushyRoundSize = args.length > 3 ? Long.parseLong(args[3]) : 100_000L;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int warmupRounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        if (!List.of("both", "ours", "pushy").contains(which)) {
            throw new IllegalArgumentException("clients must be both, ours or pushy; was '" + which + "'.");
        }
        int connections = Integer.getInteger("connections", 1);
        boolean gcAfterRound = Boolean.getBoolean("apns.bench.gcAfterRound");
        useTheServerClassPath();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("HTTP/2 throughput: %s, %s; %d connection(s); %,d and %,d per round (ours, Pushy); "
                        + "%d measured rounds; max heap %,d MiB; Java %s; %d CPUs%n", backend, which, connections,
                ourRoundSize, pushyRoundSize, rounds, Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        try (MockApnsHttp2Process server = MockApnsHttp2Process.start("--topic", TOPIC)) {
            Map<ThroughputClient, Long> roundSizes = new LinkedHashMap<>();
            Map<ThroughputClient, Rounds> measured = new LinkedHashMap<>();
            Map<ThroughputClient, long[]> heaps = new LinkedHashMap<>();
            Map<ThroughputClient, List<double[]>> costs = new LinkedHashMap<>();
            CpuClock cpu = new CpuClock();
            List<ThroughputClient> clients = new ArrayList<>();
            try {
                if (!which.equals("pushy")) {
                    OurSender ours = new OurSender(backend, connections, Integer.getInteger("maxPending", 200_000),
                            server.address(), server.authorityPem(), server.signingKeyPem(), server.keyId(),
                            server.teamId(), TOPIC);
                    clients.add(ours);
                    roundSizes.put(ours, ourRoundSize);
                }
                if (!which.equals("ours")) {
                    PushyClient pushy = new PushyClient(connections, Integer.getInteger("pushy.maxInFlight", 10_000),
                            server.address(), server.authorityPem(), server.signingKeyPem(), server.keyId(),
                            server.teamId(), TOPIC);
                    clients.add(pushy);
                    roundSizes.put(pushy, pushyRoundSize);
                }
                for (ThroughputClient client : clients) {
                    measured.put(client, new Rounds(warmupRounds, rounds));
                    heaps.put(client, new long[] {Long.MAX_VALUE, 0});
                    costs.put(client, new ArrayList<>());
                }
                boolean more = true;
                while (more) {
                    more = false;
                    for (ThroughputClient client : clients) {
                        Rounds rates = measured.get(client);
                        if (!rates.more()) {
                            continue;
                        }
                        long size = roundSizes.get(client);
                        long before = server.acceptedCount();
                        long clientCpu = cpu.clientNanos();
                        long serverCpu = cpu.serverNanos();
                        long nanos = client.round(size);
                        clientCpu = cpu.clientNanos() - clientCpu;
                        serverCpu = serverCpu < 0 ? -1 : cpu.serverNanos() - serverCpu;
                        long accepted = server.acceptedCount() - before;
                        if (accepted != size) {
                            throw new IllegalStateException("The server accepted " + accepted + " of the " + size
                                    + " notifications of " + client.name() + ".");
                        }
                        boolean counts = rates.record(size, nanos);
                        double clientMicros = clientCpu / 1e3 / size;
                        double serverMicros = serverCpu / 1e3 / size;
                        if (counts) {
                            costs.get(client).add(new double[] {clientMicros, serverMicros});
                        }
                        long heap = memory.getHeapMemoryUsage().getUsed() >> 20;
                        String afterGc = "";
                        if (gcAfterRound) {
                            System.gc();
                            afterGc = String.format(", %,d MiB after a full GC", memory.getHeapMemoryUsage().getUsed() >> 20);
                        }
                        if (counts) {
                            long[] range = heaps.get(client);
                            range[0] = Math.min(range[0], heap);
                            range[1] = Math.max(range[1], heap);
                        }
                        System.out.printf("  %s %s: %,.0f notifications/s (%,d in %.2f s), CPU per notification: client "
                                        + "%.2f us, server %.2f us; heap used %,d MiB%s%n", rates.lastLabel(), client.name(),
                                size / (nanos / 1e9), size, nanos / 1e9, clientMicros, serverMicros, heap, afterGc);
                        more |= rates.more();
                    }
                }
                for (ThroughputClient client : clients) {
                    long[] range = heaps.get(client);
                    String extra = client instanceof OurSender ours ? "; " + ours.metrics() : "";
                    System.out.printf("%s: %s of %,d; CPU per notification (medians): client %.2f us, server %.2f us; "
                                    + "heap used after its measured rounds %,d-%,d MiB%s%n", client.name(),
                            measured.get(client).summary(), roundSizes.get(client), median(costs.get(client), 0),
                            median(costs.get(client), 1), range[0], range[1], extra);
                }
                if (clients.size() == 2) {
                    double ours = measured.get(clients.get(0)).median();
                    double pushy = measured.get(clients.get(1)).median();
                    System.out.printf("ratio (median ours / median Pushy): %.2fx (%,.0f / %,.0f notifications/s); client CPU "
                                    + "per notification, Pushy / ours: %.2fx%n", ours / pushy, ours, pushy,
                            median(costs.get(clients.get(1)), 0) / median(costs.get(clients.get(0)), 0));
                }
            } finally {
                for (ThroughputClient client : clients) {
                    client.close();
                }
            }
        }
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** The mock server needs Netty 4.2, which this JVM's class path (Pushy's Netty 4.1) does not have. */
    private static void useTheServerClassPath() throws IOException {
        String given = System.getProperty("apns.mock.classpath");
        Path jar = Paths.get(given != null ? given : "apns-benchmarks/target/apns-benchmarks.jar");
        if (!Files.isReadable(jar)) {
            throw new IOException("The mock server's class path " + jar.toAbsolutePath() + " is not there: build "
                    + "apns-benchmarks first (mvn -q -B -DskipTests package) and run from the repository root, or set "
                    + "-Dapns.mock.classpath.");
        }
        System.setProperty("apns.mock.classpath", jar.toString());
        // The server's Netty samples buffers for leak reports by default; a benchmark server need not pay for that.
        String jvmArgs = System.getProperty("apns.mock.jvmArgs", "");
        if (!jvmArgs.contains("io.netty.leakDetection.level")) {
            System.setProperty("apns.mock.jvmArgs", jvmArgs + " -Dio.netty.leakDetection.level=disabled");
        }
    }
}
