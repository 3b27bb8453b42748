package dev.apns.benchmarks.legacy;

import com.notnoop.apns.APNS;
import com.notnoop.apns.ApnsService;
import com.relayrides.pushy.apns.ApnsEnvironment;
import com.relayrides.pushy.apns.PushManager;
import com.relayrides.pushy.apns.PushManagerConfiguration;
import com.relayrides.pushy.apns.util.SimpleApnsPushNotification;

import dev.apns.mock.MockApnsProcess;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

/**
 * The throughput run of {@code SenderThroughput} with the binary-protocol clients Java users ran before:
 * Pushy 0.4.3 ({@code pushy}) and java-apns 1.0.0.Beta6 ({@code java-apns}), each as its documentation
 * shows, against the same mock server in another JVM, over TLS on 127.0.0.1. Neither reports success, so
 * a round ends when the server has accepted every notification of it. Measured in rounds like
 * {@code SenderThroughput}, by the same rule as its {@code Rounds}: warm-up lasts at least {@code warmupRounds}
 * rounds and at least 20 s ({@code -Dapns.bench.warmupSeconds}), then {@code rounds} are measured and reported as
 * median and best.
 *
 * <p>Arguments: {@code pushy|java-apns [roundSize=300000] [rounds=10] [warmupRounds=3]}.
 */
public final class LegacyThroughput {
    private static final String PAYLOAD =
            "{\"aps\":{\"alert\":\"Your order #48213 has shipped and arrives Thursday\",\"badge\":3,\"sound\":\"default\"}}";

    private LegacyThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String client = args.length > 0 ? args[0] : "pushy";
        long count = args.length > 1 ? Long.parseLong(args[1]) : 300_000L;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int warmupRounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        byte[][] tokens = new byte[10_000][];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = HexFormat.of().parseHex(String.format("%064x", i + 1));
        }
        try (MockApnsProcess server = MockApnsProcess.start()) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(server.credentials().keyManagerFactory().getKeyManagers(),
                    server.trust().trustManagerFactory().getTrustManagers(), null);
            Sender sender = switch (client) {
                case "pushy" -> pushy(context, server);
                case "java-apns" -> javaApns(context, server);
                default -> throw new IllegalArgumentException("Unknown client '" + client + "': pushy or java-apns.");
            };
            try {
                List<Double> measured = new ArrayList<>();
                long minWarmupNanos = TimeUnit.SECONDS.toNanos(Long.getLong("apns.bench.warmupSeconds", 20));
                long began = System.nanoTime();
                int warmups = 0;
                while (measured.size() < rounds) {
                    double rate = run(sender, server, tokens, count);
                    boolean counts = !measured.isEmpty()
                            || (warmups >= warmupRounds && System.nanoTime() - began >= minWarmupNanos);
                    if (counts) {
                        measured.add(rate);
                    } else {
                        warmups++;
                    }
                    System.out.printf("  %s %s: %,.0f notifications/s%n",
                            counts ? "round " + measured.size() : "warm-up " + warmups, client, rate);
                }
                measured.sort(null);
                System.out.printf("%s: median %,.0f, best %,.0f notifications/s over %d rounds after %d of warm-up of %,d "
                                + "(until the server accepted all)%n", client,
                        measured.isEmpty() ? 0 : measured.get(measured.size() / 2),
                        measured.isEmpty() ? 0 : measured.get(measured.size() - 1), measured.size(), warmups, count);
            } finally {
                sender.close();
            }
        }
    }

    private interface Sender extends AutoCloseable {
        void send(byte[] token) throws Exception;

        @Override
        void close() throws Exception;
    }

    private static Sender pushy(SSLContext context, MockApnsProcess server) {
        ApnsEnvironment environment = new ApnsEnvironment(server.gateway().host(), server.gateway().port(),
                server.gateway().host(), server.gateway().port());
        PushManager<SimpleApnsPushNotification> manager = new PushManager<>(environment, context, null, null, null,
                new PushManagerConfiguration(), "legacy-benchmark");
        manager.start();
        return new Sender() {
            @Override
            public void send(byte[] token) throws Exception {
                manager.getQueue().put(new SimpleApnsPushNotification(token, PAYLOAD));
            }

            @Override
            public void close() throws Exception {
                manager.shutdown(5_000);
            }
        };
    }

    private static Sender javaApns(SSLContext context, MockApnsProcess server) {
        ApnsService service = APNS.newService().withSSLContext(context)
                .withGatewayDestination(server.gateway().host(), server.gateway().port()).build();
        service.start();
        byte[] payload = PAYLOAD.getBytes(StandardCharsets.UTF_8);
        return new Sender() {
            @Override
            public void send(byte[] token) {
                service.push(token, payload);
            }

            @Override
            public void close() {
                service.stop();
            }
        };
    }

    private static double run(Sender sender, MockApnsProcess server, byte[][] tokens, long count) throws Exception {
        long before = server.acceptedCount();
        long began = System.nanoTime();
        for (long i = 0; i < count; i++) {
            sender.send(tokens[(int) (i % tokens.length)]);
        }
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (server.acceptedCount() - before < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The server accepted only " + (server.acceptedCount() - before) + " of " + count);
            }
            Thread.sleep(10);
        }
        return count / ((System.nanoTime() - began) / 1e9);
    }
}
