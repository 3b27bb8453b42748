package dev.apns.benchmarks.pushy;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.Http2Defaults;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.SigningKey;
import dev.apns.Trust;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The SDK's streaming HTTP/2 sender with token authentication, submitting with one shared outcome listener (the
 * form meant for high rates) from the calling thread.
 */
final class OurSender implements ThroughputClient {
    private final String backend;
    private final int connections;
    private final ApnsSession session;
    private final ApnsSender sender;
    private final Notification[] notifications = new Notification[Workload.TOKENS];

    /** A sender over {@code backend} with {@code connections} connections and at most {@code maxPending} pending. */
    OurSender(String backend, int connections, int maxPending, Endpoint gateway, String authorityPem, String p8Pem,
              String keyId, String teamId, String topic) {
        this.backend = backend;
        this.connections = connections;
        session = ApnsSession.builder().backend(backend).signingKey(SigningKey.fromP8(p8Pem, keyId, teamId))
                .gateway(gateway).trust(Trust.fromPem(authorityPem)).build();
        sender = session.sender(SenderOptions.builder().connections(connections).maxPending(maxPending)
                .http2(Http2Defaults.defaults().withTopic(topic)).build());
        Payload payload = Payload.ofJson(Workload.PAYLOAD);
        Instant expiration = Workload.expiration();
        for (int i = 0; i < notifications.length; i++) {
            notifications[i] = Notification.of(DeviceToken.fromHex(Workload.tokenHex(i)), payload, expiration,
                    Workload.PRIORITY);
        }
    }

    @Override
    public String name() {
        return "ours (" + backend + ", " + connections + (connections == 1 ? " connection)" : " connections)");
    }

    @Override
    public long round(long count) throws InterruptedException {
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
        long began = System.nanoTime();
        for (long i = 0; i < count; i++) {
            sender.submit(notifications[(int) (i % notifications.length)], listener);
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Only " + outcomes.get() + " of " + count + " outcomes arrived.");
        }
        long nanos = System.nanoTime() - began;
        if (notAccepted.sum() > 0) {
            throw new IllegalStateException(notAccepted.sum() + " of " + count + " notifications were not accepted.");
        }
        return nanos;
    }

    /** The sender's counters, for the closing line. */
    String metrics() {
        SenderMetrics metrics = sender.metrics();
        return String.format("accepted %,d, rejected %d, unsent %d, resent %d, reconnects %d", metrics.accepted(),
                metrics.rejectedTotal(), metrics.unsent(), metrics.resent(), metrics.reconnects());
    }

    @Override
    public void close() {
        try {
            sender.close();
        } finally {
            session.close();
        }
    }
}
