package dev.apns.benchmarks;

import dev.apns.Protocol;
import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.mock.MockApnsProcess;

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
 * notifications, in rounds (see {@link Rounds}); a round ends when every one of its notifications has its
 * outcome. Prints the heap in use after each round, to show it stays flat.
 *
 * <p>Arguments: {@code [backend=blocking] [connections=1] [roundSize=1000000] [rounds=10] [warmupRounds=3]
 * [form=listener|future]}: {@code rounds} measured after at least {@code warmupRounds} (and 20 s) of warm-up;
 * {@code listener} submits with one shared outcome listener, {@code future} takes
 * each notification's future and counts its outcome with {@code whenComplete}. System properties
 * {@code maxPending} (200,000) and {@code sentinelEvery} (the default of {@link SenderOptions}) tune the
 * sender.
 */
public final class SenderThroughput {
    private SenderThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "blocking";
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long roundSize = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000L;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int warmupRounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        boolean futures = args.length > 5 && args[5].equals("future");
        Payload payload = Payload.ofJson(Payloads.realistic());
        Notification[] notifications = new Notification[10_000];
        for (int i = 0; i < notifications.length; i++) {
            notifications[i] = Notification.of(DeviceToken.fromHex(String.format("%064x", i + 1)), payload);
        }
        SenderOptions.Builder options = SenderOptions.builder().connections(connections)
                .maxPending(Integer.getInteger("maxPending", 200_000));
        if (Integer.getInteger("sentinelEvery") != null) {
            options.sentinelEvery(Integer.getInteger("sentinelEvery"));
        }
        String form = futures ? "futures" : "listener";
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Rounds measured = new Rounds(warmupRounds, rounds);
        long minHeap = Long.MAX_VALUE;
        long maxHeap = 0;
        try (MockApnsProcess server = MockApnsProcess.start();
             ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).backend(backend).credentials(server.credentials())
                     .gateway(server.gateway()).trust(server.trust()).build();
             ApnsSender sender = session.sender(server.credentials(), options.build())) {
            while (measured.more()) {
                double rate = run(sender, notifications, roundSize, futures);
                boolean counts = measured.record(rate);
                long heap = memory.getHeapMemoryUsage().getUsed() >> 20;
                if (counts) {
                    minHeap = Math.min(minHeap, heap);
                    maxHeap = Math.max(maxHeap, heap);
                }
                System.out.printf("  %s %s, %d connection(s), %s: %,.0f notifications/s, heap used %,d MiB%n",
                        measured.lastLabel(), backend, connections, form, rate, heap);
            }
            SenderMetrics metrics = sender.metrics();
            System.out.printf("%s, %d connection(s), %s: %s of %,d; heap used %,d-%,d MiB; accepted %,d, rejected %d, "
                            + "unsent %d, resent %d (duplicates possible %d), reconnects %d%n", backend, connections, form,
                    measured.summary(), roundSize, minHeap, maxHeap, metrics.accepted(), metrics.rejectedTotal(),
                    metrics.unsent(), metrics.resent(), metrics.duplicatesPossible(), metrics.reconnects());
        }
    }

    /** Submits {@code count} notifications and waits for all their outcomes; every one must be accepted. */
    private static double run(ApnsSender sender, Notification[] notifications, long count, boolean futures)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong outcomes = new AtomicLong();
        LongAdder notAccepted = new LongAdder();
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
        long began = System.nanoTime();
        for (long i = 0; i < count; i++) {
            Notification notification = notifications[(int) (i % notifications.length)];
            if (futures) {
                sender.submit(notification).whenComplete(onFuture);
            } else {
                sender.submit(notification, listener);
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
