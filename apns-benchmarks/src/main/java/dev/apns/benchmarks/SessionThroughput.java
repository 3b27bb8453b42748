package dev.apns.benchmarks;

import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Payload;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.testkit.MockApnsServer;
import dev.apns.testkit.TestCertificates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * End-to-end throughput of the batch API: one {@code ApnsSession.send(Message)} of N tokens with a
 * realistic payload, through the named backend, to the mock server over TLS on 127.0.0.1 in this JVM.
 * Prints notifications per second for the send, excluding the fixed confirmation quiet period (50 ms),
 * after warm-up rounds.
 *
 * <p>Arguments: {@code [backend=blocking] [tokens=200000] [rounds=5]}.
 */
public final class SessionThroughput {
    private SessionThroughput() {
    }

    public static void main(String[] args) {
        String backend = args.length > 0 ? args[0] : "blocking";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<DeviceToken> tokens = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            tokens.add(DeviceToken.fromHex(String.format("%064x", i)));
        }
        Message message = Message.builder().tokens(tokens).payload(Payload.ofJson(Payloads.realistic())).build();
        Duration quiet = Duration.ofMillis(50);

        TestCertificates pki = TestCertificates.create();
        try (MockApnsServer server = MockApnsServer.builder(pki).recordAccepted(false).start();
             ApnsSession session = ApnsSession.builder().backend(backend).credentials(pki.client("bench").credentials())
                     .gateway(server.gateway()).trust(Trust.fromPem(server.authorityPem()))
                     .confirmation(Confirmation.quietPeriod(quiet)).writeChunkBytes(64 * 1024).build()) {
            double best = 0;
            for (int round = 1; round <= rounds; round++) {
                long began = System.nanoTime();
                Result result = session.send(message);
                double seconds = (System.nanoTime() - began) / 1e9 - quiet.toMillis() / 1e3;
                if (!result.isSuccess()) {
                    throw new IllegalStateException("Round " + round + " did not deliver everything: " + result);
                }
                double rate = count / seconds;
                best = Math.max(best, rate);
                System.out.printf("%s round %d: %,d notifications in %.3f s = %,.0f notifications/s%n", backend, round, count,
                        seconds, rate);
            }
            System.out.printf("%s best: %,.0f notifications/s (batch API, 1 connection, %d-byte payload)%n", backend, best,
                    message.payload().size());
        }
    }
}
