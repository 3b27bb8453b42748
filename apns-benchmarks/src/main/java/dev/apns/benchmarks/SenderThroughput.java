package dev.apns.benchmarks;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.testkit.MockApnsProcess;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * End-to-end throughput of the streaming {@link ApnsSender}: notifications per second from this JVM to the
 * mock APNs server in another JVM, over TLS on 127.0.0.1, with a realistic payload shared by all
 * notifications. Also prints the heap in use at each tenth of the run, to show it stays flat.
 *
 * <p>Arguments: {@code [backend=blocking] [connections=1] [notifications=1000000] [warmup=200000]
 * [sentinelEvery=50000] [form=listener|future]}: {@code listener} submits with one shared outcome listener,
 * {@code future} takes each notification's future and counts its outcome with {@code whenComplete}.
 */
public final class SenderThroughput {
    private SenderThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "blocking";
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long count = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000L;
        long warmup = args.length > 3 ? Long.parseLong(args[3]) : 200_000L;
        int sentinelEvery = args.length > 4 ? Integer.parseInt(args[4]) : 50_000;
        boolean futures = args.length > 5 && args[5].equals("future");
        Payload payload = Payload.ofJson(Payloads.realistic());
        Notification[] notifications = new Notification[10_000];
        for (int i = 0; i < notifications.length; i++) {
            notifications[i] = Notification.of(DeviceToken.fromHex(String.format("%064x", i + 1)), payload);
        }
        try (MockApnsProcess server = MockApnsProcess.start();
             ApnsSession session = ApnsSession.builder().backend(backend).credentials(server.credentials())
                     .gateway(server.gateway()).trust(server.trust()).build()) {
            SenderOptions options = SenderOptions.builder().connections(connections).maxPending(200_000)
                    .sentinelEvery(sentinelEvery).build();
            try (ApnsSender sender = session.sender(server.credentials(), options)) {
                run(sender, notifications, warmup, futures, false);
                double rate = run(sender, notifications, count, futures, true);
                SenderMetrics metrics = sender.metrics();
                System.out.printf("%s, %d connection(s), %s: %,d notifications, %,.0f notifications/s; accepted %,d, "
                                + "rejected %d, unsent %d, resent %d (duplicates possible %d), reconnects %d%n", backend, connections, futures ? "futures" : "listener", count, rate,
                        metrics.accepted(), metrics.rejectedTotal(), metrics.unsent(), metrics.resent(), metrics.duplicatesPossible(), metrics.reconnects());
            }
        }
    }

    private static double run(ApnsSender sender, Notification[] notifications, long count, boolean futures,
            boolean report)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong outcomes = new AtomicLong();
        LongAdder notAccepted = new LongAdder();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long began = System.nanoTime();
        long tenth = Math.max(1, count / 10);
        Consumer<Outcome> listener = outcome -> {
            if (outcome.kind() != Outcome.Kind.ACCEPTED) {
                notAccepted.increment();
            }
            if (outcomes.incrementAndGet() == count) {
                done.countDown();
            }
        };
        BiConsumer<Outcome, Throwable> onFuture = (outcome, failure) -> {
            if (failure != null) {
                notAccepted.increment();
                if (outcomes.incrementAndGet() == count) {
                    done.countDown();
                }
            } else {
                listener.accept(outcome);
            }
        };
        for (long i = 0; i < count; i++) {
            Notification notification = notifications[(int) (i % notifications.length)];
            if (futures) {
                sender.submit(notification).whenComplete(onFuture);
            } else {
                sender.submit(notification, listener);
            }
            if (report && (i + 1) % tenth == 0) {
                System.out.printf("  submitted %,d: heap used %,d MiB%n", i + 1,
                        memory.getHeapMemoryUsage().getUsed() >> 20);
            }
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Only " + outcomes.get() + " of " + count + " outcomes arrived.");
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        if (notAccepted.sum() > 0) {
            throw new IllegalStateException(notAccepted.sum() + " notifications were not accepted.");
        }
        return count / seconds;
    }
}
