package dev.apns.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A client that posts {@code batches} lists of {@code batchSize} notifications to gateways, as a careful client
 * would: each list with its own idempotency key, and a list whose POST failed (no answer, 5xx, 429) posted again
 * with the same key, to the next gateway {@code target} gives, until it is answered 202 or the deadline passes. It
 * keeps the ids of every notification answered 202: the ones the gateway promised to deliver.
 */
final class Poster {
    private final String run;
    private final int batches;
    private final int batchSize;
    private final IntFunction<RestClient> target;
    private final long deadlineNanos;
    private final String[][] accepted;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger postedBatches = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicLong firstPostNanos = new AtomicLong();
    private final AtomicLong lastAnswerNanos = new AtomicLong();
    private volatile String failure;

    /**
     * @param run     names this run (idempotency keys are {@code run-<batch>})
     * @param target  the gateway to post to on a given attempt number (rising over the run)
     * @param timeout how long the whole run may take
     */
    Poster(String run, int batches, int batchSize, IntFunction<RestClient> target, Duration timeout) {
        this.run = run;
        this.batches = batches;
        this.batchSize = batchSize;
        this.target = target;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.accepted = new String[batches][];
    }

    /** The body of batch {@code b}: a JSON list of notifications to distinct tokens, built as text (cheap). */
    String body(int b) {
        StringBuilder json = new StringBuilder(batchSize * 140).append('[');
        for (int i = 0; i < batchSize; i++) {
            long n = (long) b * batchSize + i;
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"token\":\"").append(String.format("%064x", 0x10_0000L + n))
                    .append("\",\"identifier\":\"").append(n)
                    .append("\",\"payload\":{\"aps\":{\"alert\":{\"title\":\"Order shipped\",\"body\":\"Parcel ")
                    .append(n).append(" is on its way\"},\"sound\":\"default\"}}}");
        }
        return json.append(']').toString();
    }

    /** Posts every batch from {@code threads} threads; returns when all are answered 202 or the deadline passed. */
    Poster run(int threads) {
        firstPostNanos.compareAndSet(0, System.nanoTime());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(this::work, "poster-" + run + "-" + t);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000 + 5_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return this;
    }

    /** Starts {@link #run(int)} on a thread of its own. */
    Thread start(int threads) {
        Thread thread = new Thread(() -> run(threads), "poster-" + run);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void work() {
        for (int b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
            String body = body(b);
            Map<String, String> key = Map.of("Idempotency-Key", run + "-" + b);
            for (int attempt = 0; ; attempt++) {
                if (System.nanoTime() > deadlineNanos) {
                    failure = "batch " + b + " was not answered 202 before the deadline";
                    return;
                }
                RestClient.Response response;
                try {
                    response = target.apply(b + attempt).post(GatewayEndToEndTest.APP + "/notifications", body, key);
                } catch (IllegalStateException noAnswer) {
                    retries.incrementAndGet();
                    pause(100);
                    continue;
                }
                if (response.status() == 202) {
                    JsonNode list = response.body().get("response");
                    String[] ids = new String[list.size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = list.get(i).get("id").asText();
                    }
                    accepted[b] = ids;
                    postedBatches.incrementAndGet();
                    lastAnswerNanos.accumulateAndGet(System.nanoTime(), Math::max);
                    break;
                }
                if (response.status() == 429 || response.status() >= 500) {
                    retries.incrementAndGet();
                    pause(response.status() == 429 ? 200 : 100);
                    continue;
                }
                failure = "batch " + b + " was answered " + response.status() + ": " + response.raw().body();
                return;
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Why a batch could not be posted, or null. */
    String failure() {
        return failure;
    }

    /** How many batches were answered 202. */
    int postedBatches() {
        return postedBatches.get();
    }

    /** How many notifications were answered 202. */
    int posted() {
        return postedBatches.get() * batchSize;
    }

    /** How many POSTs were sent again (no answer, 429 or 5xx). */
    int retries() {
        return retries.get();
    }

    /** The ids of every notification answered 202. */
    Set<String> acceptedIds() {
        Set<String> ids = new HashSet<>(batches * batchSize * 2);
        for (String[] batch : accepted) {
            if (batch != null) {
                ids.addAll(List.of(batch));
            }
        }
        return ids;
    }

    /** When the first POST went out (System.nanoTime()). */
    long firstPostNanos() {
        return firstPostNanos.get();
    }

    /** When the last 202 came back (System.nanoTime()). */
    long lastAnswerNanos() {
        return lastAnswerNanos.get();
    }
}
