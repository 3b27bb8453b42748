package dev.apns.benchmarks;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Payload;
import dev.apns.Result;
import dev.apns.mock.MockApnsProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * End-to-end throughput of the batch API: one {@code ApnsSession.send(Message)} of N tokens with a
 * realistic payload, through the named backend, to the mock server in another JVM over TLS on 127.0.0.1.
 * The batch is confirmed by a sentinel, so each round ends when the server has processed every
 * notification. Prints notifications per second per round, then the median and best after the warm-up
 * rounds (see {@link Rounds}).
 *
 * <p>Arguments: {@code [backend=blocking] [tokens=200000] [rounds=10] [warmupRounds=3]}: {@code rounds} measured
 * after at least {@code warmupRounds} (and 20 s) of warm-up.
 */
public final class SessionThroughput {
    private SessionThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "blocking";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int warmupRounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        // How a batch is confirmed: "sentinel" (30 s timeout, 64 KiB chunks: the figures in docs/performance.md),
        // "defaults" (the session's defaults, as the README uses the batch API), or "quiet:MS" (a quiet period).
        String confirmation = args.length > 4 ? args[4] : "sentinel";
        List<DeviceToken> tokens = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            tokens.add(DeviceToken.fromHex(String.format("%064x", i)));
        }
        Message message = Message.builder().tokens(tokens).payload(Payload.ofJson(Payloads.realistic())).build();

        try (MockApnsProcess server = MockApnsProcess.start();
             ApnsSession session = configured(ApnsSession.builder().protocol(Protocol.BINARY).backend(backend)
                     .credentials(server.credentials()).gateway(server.gateway()).trust(server.trust()),
                     confirmation).build()) {
            Rounds measured = new Rounds(warmupRounds, rounds);
            for (int round = 1; measured.more(); round++) {
                long began = System.nanoTime();
                Result result = session.send(message);
                double seconds = (System.nanoTime() - began) / 1e9;
                if (!result.isSuccess()) {
                    throw new IllegalStateException("Round " + round + " did not deliver everything: " + result);
                }
                measured.record(count / seconds);
                System.out.printf("  %s %s: %,d notifications in %.3f s = %,.0f notifications/s%n", measured.lastLabel(),
                        backend, count, seconds, count / seconds);
            }
            System.out.printf("%s, batch API (%s): %s of %,d (1 connection, %d-byte payload)%n", backend, confirmation,
                    measured.summary(), count, message.payload().size());
        }
    }

    private static ApnsSession.Builder configured(ApnsSession.Builder builder, String confirmation) {
        if (confirmation.equals("sentinel")) {
            return builder.confirmation(Confirmation.sentinel(Duration.ofSeconds(30))).writeChunkBytes(64 * 1024);
        }
        if (confirmation.startsWith("quiet:")) {
            return builder.confirmation(Confirmation.quietPeriod(Duration.ofMillis(Long.parseLong(
                    confirmation.substring("quiet:".length())))));
        }
        if (confirmation.equals("defaults")) {
            return builder;
        }
        throw new IllegalArgumentException("confirmation must be sentinel, defaults or quiet:MS, was " + confirmation);
    }
}
