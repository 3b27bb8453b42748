package dev.apns.benchmarks.pushy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client's rates in a throughput run measured in rounds: the first rounds warm up, the rest are reported as
 * median and best. Warm-up lasts at least {@code warmupRounds} rounds and at least 20 s
 * ({@code -Dapns.bench.warmupSeconds}) of this client's own rounds, so that alternating with another client does
 * not shorten it. The rule of {@code apns-benchmarks}' {@code Rounds}, which measures wall-clock time from the start
 * (there is one client per JVM). Not thread-safe.
 */
final class Rounds {
    private static final long MIN_WARMUP_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("apns.bench.warmupSeconds", 20));

    private final int warmupRounds;
    private final int measuredRounds;
    private final List<Double> measured = new ArrayList<>();
    private long warmupNanos;
    private int warmups;
    private boolean lastCounted;

    /** {@code measuredRounds} rounds measured after a warm-up of at least {@code warmupRounds} rounds. */
    Rounds(int warmupRounds, int measuredRounds) {
        this.warmupRounds = warmupRounds;
        this.measuredRounds = measuredRounds;
    }

    /** Whether another round is to run. */
    boolean more() {
        return measured.size() < measuredRounds;
    }

    /** Records one round of {@code count} notifications that took {@code nanos}; true when it counts. */
    boolean record(long count, long nanos) {
        lastCounted = !measured.isEmpty() || (warmups >= warmupRounds && warmupNanos >= MIN_WARMUP_NANOS);
        if (lastCounted) {
            measured.add(count / (nanos / 1e9));
        } else {
            warmups++;
            warmupNanos += nanos;
        }
        return lastCounted;
    }

    /** The rate of the round just recorded, in notifications per second. */
    double lastRate() {
        return lastCounted ? measured.get(measured.size() - 1) : Double.NaN;
    }

    /** The round just recorded, as "round 4" or "warm-up 2". */
    String lastLabel() {
        return lastCounted ? "round " + measured.size() : "warm-up " + warmups;
    }

    double median() {
        List<Double> sorted = new ArrayList<>(measured);
        sorted.sort(null);
        if (sorted.isEmpty()) {
            return 0;
        }
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    double best() {
        return measured.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    double worst() {
        return measured.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    /** "median 1,234,567 (min 1,000,000, best 2,345,678) notifications/s over 10 rounds after 12 of warm-up (21.3 s)". */
    String summary() {
        return String.format("median %,.0f (min %,.0f, best %,.0f) notifications/s over %d rounds after %d of warm-up (%.1f s)",
                median(), worst(), best(), measured.size(), warmups, warmupNanos / 1e9);
    }
}
