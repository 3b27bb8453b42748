package dev.apns.benchmarks.pushy;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;

import dev.apns.Endpoint;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Pushy 0.15's {@code ApnsClient} with token authentication, as its documentation shows: one client, notifications
 * sent with {@code sendNotification} from the calling thread, outcomes read from the returned futures. Pushy queues
 * without bound, so a semaphore bounds the notifications in flight ({@code maxInFlight}); this is also what keeps its
 * memory bounded.
 */
final class PushyClient implements ThroughputClient {
    private final int connections;
    private final int maxInFlight;
    private final ApnsClient client;
    private final SimpleApnsPushNotification[] notifications = new SimpleApnsPushNotification[Workload.TOKENS];

    PushyClient(int connections, int maxInFlight, Endpoint gateway, String authorityPem, String p8Pem, String keyId,
                String teamId, String topic) throws Exception {
        this.connections = connections;
        this.maxInFlight = maxInFlight;
        ApnsSigningKey key = ApnsSigningKey.loadFromInputStream(
                new ByteArrayInputStream(p8Pem.getBytes(StandardCharsets.US_ASCII)), teamId, keyId);
        client = new ApnsClientBuilder().setApnsServer(gateway.host(), gateway.port()).setSigningKey(key)
                .setTrustedServerCertificateChain(new ByteArrayInputStream(authorityPem.getBytes(StandardCharsets.US_ASCII)))
                .setConcurrentConnections(connections).build();
        Instant expiration = Workload.expiration();
        for (int i = 0; i < notifications.length; i++) {
            notifications[i] = new SimpleApnsPushNotification(Workload.tokenHex(i), topic, Workload.PAYLOAD, expiration,
                    DeliveryPriority.IMMEDIATE, PushType.ALERT);
        }
    }

    @Override
    public String name() {
        return "Pushy 0.15 (" + connections + (connections == 1 ? " connection" : " connections") + ", " + maxInFlight
                + " in flight)";
    }

    @Override
    public long round(long count) throws InterruptedException {
        Semaphore room = new Semaphore(maxInFlight);
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong answers = new AtomicLong();
        LongAdder notAccepted = new LongAdder();
        BiConsumer<PushNotificationResponse<SimpleApnsPushNotification>, Throwable> onAnswer = (response, failure) -> {
            room.release();
            if (failure != null || !response.isAccepted()) {
                notAccepted.increment();
            }
            if (answers.incrementAndGet() == count) {
                done.countDown();
            }
        };
        long began = System.nanoTime();
        for (long i = 0; i < count; i++) {
            if (!room.tryAcquire(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("No answer from Pushy for a minute; " + answers.get() + " of " + count
                        + " answered.");
            }
            client.sendNotification(notifications[(int) (i % notifications.length)]).whenComplete(onAnswer);
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Only " + answers.get() + " of " + count + " answers arrived.");
        }
        long nanos = System.nanoTime() - began;
        if (notAccepted.sum() > 0) {
            throw new IllegalStateException(notAccepted.sum() + " of " + count + " notifications were not accepted.");
        }
        return nanos;
    }

    @Override
    public void close() throws Exception {
        client.close().get(30, TimeUnit.SECONDS);
    }
}
