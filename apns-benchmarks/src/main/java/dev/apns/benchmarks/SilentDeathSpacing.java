package dev.apns.benchmarks;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Protocol;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.binary.ReceivedNotification;
import dev.apns.mock.credentials.TestCertificates;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The streaming sender against a mock server (in this JVM) whose connections die silently (a close without an
 * error response) every {@code deathEvery} notifications it processes: for each sentinel spacing, the rate, the
 * duplicates the server received (accepted more than once) and the reconnects. Run it with the SDK of a
 * commit before the adaptive spacing first on the class path to measure a fixed spacing.
 *
 * <p>Arguments: {@code [deathEvery=20000] [notifications=400000] [spacings=100000,20000,5000] [runs=2]}.
 */
public final class SilentDeathSpacing {
    private SilentDeathSpacing() {
    }

    public static void main(String[] args) throws Exception {
        int deathEvery = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 400_000;
        String[] spacings = (args.length > 2 ? args[2] : "100000,20000,5000").split(",");
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Payload payload = Payload.ofJson(Payloads.realistic());
        Notification[] notifications = new Notification[count];
        for (int i = 0; i < count; i++) {
            notifications[i] = Notification.of(DeviceToken.fromHex(String.format("%064x", i + 1)), payload);
        }
        TestCertificates pki = TestCertificates.create();
        for (String spacing : spacings) {
            for (int run = 0; run <= runs; run++) {
                String line = run(pki, notifications, deathEvery, Integer.parseInt(spacing.trim()));
                System.out.println((run == 0 ? "  warm-up " : "  ") + line);
            }
        }
    }

    private static String run(TestCertificates pki, Notification[] notifications, int deathEvery, int spacing)
            throws Exception {
        dev.apns.Credentials credentials = pki.client("spacing").credentials();
        try (MockApnsServer server = MockApnsServer.builder(pki).start();
             ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).backend("blocking")
                     .credentials(credentials).gateway(server.gateway())
                     .trust(dev.apns.Trust.of(pki.authority().certificate())).build()) {
            // The server numbers every notification it processes (resends and sentinels too), so schedule
            // deaths well beyond the count: a run with many resends processes more.
            for (long k = deathEvery; k <= 4L * notifications.length; k += deathEvery) {
                server.closeSilentlyAfterNotification(k);
            }
            LongAdder accepted = new LongAdder();
            LongAdder other = new LongAdder();
            CountDownLatch done = new CountDownLatch(notifications.length);
            Consumer<Outcome> listener = outcome -> {
                if (outcome.kind() == Outcome.Kind.ACCEPTED) {
                    accepted.increment();
                } else {
                    other.increment();
                }
                done.countDown();
            };
            SenderMetrics metrics;
            long began = System.nanoTime();
            try (ApnsSender sender = session.sender(credentials, SenderOptions.builder()
                    .maxPending(200_000).sentinelEvery(spacing).build())) {
                for (Notification notification : notifications) {
                    sender.submit(notification, listener);
                }
                if (!done.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("Outcomes missing after 5 minutes: " + done.getCount());
                }
                metrics = sender.metrics();
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            server.awaitIdle(Duration.ofSeconds(5));
            Set<DeviceToken> distinct = new HashSet<>();
            long received = 0;
            for (ReceivedNotification notification : server.accepted()) {
                distinct.add(notification.token());
                received++;
            }
            long duplicates = received - distinct.size();
            return String.format("spacing %,d, death every %,d: %,.0f notifications/s; server accepted %,d (%,d distinct), "
                            + "duplicates %,d (%.1f %%); client accepted %,d, other outcomes %,d; reconnects %,d",
                    spacing, deathEvery, notifications.length / seconds, received, distinct.size(), duplicates,
                    100.0 * duplicates / notifications.length, accepted.sum(), other.sum(), metrics.reconnects());
        }
    }
}
