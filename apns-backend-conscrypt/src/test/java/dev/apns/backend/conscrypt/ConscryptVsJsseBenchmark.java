package dev.apns.backend.conscrypt;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.backend.blocking.BlockingBackend;
import dev.apns.spi.Backend;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Measures the Conscrypt backend against the blocking (JSSE) backend side by side in one JVM, against one
 * {@link MockApnsServer} (JSSE on the server side for both, recording off): throughput of
 * {@link ApnsSession#send} and the time of a connect with its TLS handshake. Rounds alternate between the
 * two backends so that noise from the machine falls on both. Not a test: run it by hand as
 * {@code docs/performance.md} shows; it prints a Markdown report.
 *
 * <p>System properties: {@code apns.bench.notifications} (100000), {@code apns.bench.rounds} (15),
 * {@code apns.bench.connects} (200).
 */
public final class ConscryptVsJsseBenchmark {
    private static final int NOTIFICATIONS = Integer.getInteger("apns.bench.notifications", 100_000);
    private static final int ROUNDS = Integer.getInteger("apns.bench.rounds", 15);
    private static final int CONNECTS = Integer.getInteger("apns.bench.connects", 200);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ConscryptVsJsseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestCertificates pki = TestCertificates.create();
        Credentials credentials = pki.client("com.example.benchmark").credentials();
        Trust trust = Trust.fromPem(pki.authorityPem());
        Message message = message(NOTIFICATIONS);
        String conscryptAvailability = new ConscryptBackend().availability().toString();
        if (!conscryptAvailability.equals("available")) {
            throw new IllegalStateException("Conscrypt is not usable here, so there is nothing to compare: "
                    + conscryptAvailability);
        }

        try (MockApnsServer server = MockApnsServer.builder(pki).recordAccepted(false).start()) {
            System.out.printf(Locale.ROOT, "Java %s (%s), %s %s, %d CPUs, load average before the run %s%n",
                    System.getProperty("java.version"), System.getProperty("java.vm.name"),
                    System.getProperty("os.name"), System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), loadAverage());
            System.out.printf(Locale.ROOT, "Payload %d bytes; %d notifications per send; %d measured rounds per backend "
                    + "after 2 warm-up sends; %d measured connects per backend after %d warm-up ones.%n%n",
                    message.payload().toJson().getBytes(StandardCharsets.UTF_8).length, NOTIFICATIONS, ROUNDS, CONNECTS,
                    CONNECTS / 4);
            throughput(server, credentials, trust, message);
            handshakes(server, credentials, trust);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Throughput.

    private static void throughput(MockApnsServer server, Credentials credentials, Trust trust, Message message) {
        List<String> names = List.of(BlockingBackend.NAME, ConscryptBackend.NAME);
        List<ApnsSession> sessions = new ArrayList<>();
        for (String name : names) {
            sessions.add(ApnsSession.builder().protocol(Protocol.BINARY).backend(name).credentials(credentials).gateway(server.gateway())
                    .feedback(server.feedback()).trust(trust).confirmation(Confirmation.sentinel(TIMEOUT))
                    .build());
        }
        try {
            for (ApnsSession session : sessions) {
                timedSend(session, server, message);
                timedSend(session, server, message);
            }
            double[][] rates = new double[names.size()][ROUNDS];
            double[][] cpu = new double[names.size()][ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                for (int b = 0; b < names.size(); b++) {
                    // Alternate which backend goes first, so neither always follows the other's garbage.
                    int which = round % 2 == 0 ? b : names.size() - 1 - b;
                    Sample sample = timedSend(sessions.get(which), server, message);
                    rates[which][round] = NOTIFICATIONS / (sample.wallNanos / 1e9);
                    cpu[which][round] = sample.processCpuNanos / 1e6;
                }
            }
            System.out.println("| backend | notifications/s (median) | min | max"
                    + " | process CPU per send, client and server (median) |");
            System.out.println("| --- | ---: | ---: | ---: | ---: |");
            for (int b = 0; b < names.size(); b++) {
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.0f ms |%n", label(names.get(b)),
                        median(rates[b]), min(rates[b]), max(rates[b]), median(cpu[b]));
            }
            System.out.println();
        } finally {
            sessions.forEach(ApnsSession::close);
        }
    }

    private record Sample(long wallNanos, long processCpuNanos) {
    }

    private static Sample timedSend(ApnsSession session, MockApnsServer server, Message message) {
        long acceptedBefore = server.acceptedCount();
        Duration cpuStarted = processCpu();
        long started = System.nanoTime();
        Result result = session.send(message);
        long wall = System.nanoTime() - started;
        long cpu = processCpu().minus(cpuStarted).toNanos();
        if (!result.isSuccess() || result.accepted().size() != NOTIFICATIONS
                || server.acceptedCount() - acceptedBefore < NOTIFICATIONS) {
            throw new IllegalStateException("A benchmark send on " + session.backendName() + " did not deliver everything: "
                    + result);
        }
        return new Sample(wall, cpu);
    }

    private static Message message(int count) {
        List<DeviceToken> tokens = IntStream.range(0, count)
                .mapToObj(i -> DeviceToken.fromHex(String.format("%064x", 0x5EED_0000L + i))).toList();
        // {"aps":{"alert":"...","badge":7,"sound":"default"}} of about 100 bytes, as a typical alert.
        return Message.builder().tokens(tokens).alert("Your order #1042 has shipped and arrives Tuesday.")
                .badge(7).sound("default").build();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Handshakes.

    private static void handshakes(MockApnsServer server, Credentials credentials, Trust trust) throws Exception {
        List<String> names = List.of(BlockingBackend.NAME, ConscryptBackend.NAME);
        List<Supplier<Backend>> factories = List.of(BlockingBackend::new, ConscryptBackend::new);

        System.out.println("Connect: TCP connect plus TLS handshake with the client certificate, the backend's"
                + " TLS context already built and reused (as the session's pool reconnects):");
        List<Backend> reused = factories.stream().map(Supplier::get).toList();
        try {
            List<ConnectRequest> requests = reused.stream().map(backend -> new ConnectRequest(server.gateway(),
                    backend.certificate(credentials), trust, TIMEOUT, TIMEOUT)).toList();
            double[][] millis = new double[names.size()][CONNECTS];
            for (int i = 0; i < CONNECTS / 4 + CONNECTS; i++) {
                for (int b = 0; b < names.size(); b++) {
                    int which = i % 2 == 0 ? b : names.size() - 1 - b;
                    ConnectRequest request = requests.get(which);
                    double ms = timedConnect(reused.get(which), () -> request);
                    if (i >= CONNECTS / 4) {
                        millis[which][i - CONNECTS / 4] = ms;
                    }
                }
            }
            printLatencies(names, millis);
        } finally {
            reused.forEach(Backend::close);
        }

        System.out.println("First connect of a new backend instance: preparing the certificate (key managers),"
                + " building the TLS context (trust managers, SSLContext), then the connect and handshake:");
        double[][] fresh = new double[names.size()][CONNECTS];
        for (int i = 0; i < CONNECTS / 4 + CONNECTS; i++) {
            for (int b = 0; b < names.size(); b++) {
                int which = i % 2 == 0 ? b : names.size() - 1 - b;
                try (Backend backend = factories.get(which).get()) {
                    double ms = timedConnect(backend, () -> new ConnectRequest(server.gateway(),
                            backend.certificate(credentials), trust, TIMEOUT, TIMEOUT));
                    if (i >= CONNECTS / 4) {
                        fresh[which][i - CONNECTS / 4] = ms;
                    }
                }
            }
        }
        printLatencies(names, fresh);
    }

    /**
     * Milliseconds from asking for the request (which may prepare the certificate) until the connect returns
     * with the handshake complete; the connection is closed afterwards, outside the time.
     */
    private static double timedConnect(Backend backend, Supplier<ConnectRequest> request) throws Exception {
        long started = System.nanoTime();
        Connection connection = backend.connect(request.get(), new Connection.Listener() {
            @Override
            public void onData(ByteBuffer bytes) {
                bytes.position(bytes.limit());
            }

            @Override
            public void onClosed(CloseReason reason) {
                // Closed by the benchmark right after the handshake; nothing to record.
            }
        });
        double millis = (System.nanoTime() - started) / 1e6;
        connection.close();
        return millis;
    }

    private static void printLatencies(List<String> names, double[][] millis) {
        System.out.println();
        System.out.println("| backend | median | p90 | min | connects |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        for (int b = 0; b < names.size(); b++) {
            double[] sorted = millis[b].clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "| %s | %.2f ms | %.2f ms | %.2f ms | %d |%n", label(names.get(b)),
                    percentile(sorted, 50), percentile(sorted, 90), sorted[0], sorted.length);
        }
        System.out.println();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Statistics and the machine.

    private static String label(String backendName) {
        return backendName.equals(BlockingBackend.NAME) ? "blocking (JSSE)" : "conscrypt (BoringSSL)";
    }

    /** The nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static String loadAverage() {
        Path loadavg = Path.of("/proc/loadavg");
        try {
            if (Files.isReadable(loadavg)) {
                String[] fields = Files.readString(loadavg).trim().split("\\s+");
                return fields[0] + " " + fields[1] + " " + fields[2];
            }
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    /** CPU time of this whole process (the mock server's threads included). */
    private static Duration processCpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(
                "This platform does not report the process's CPU time."));
    }
}
