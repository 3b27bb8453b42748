package dev.apns.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The rates of a throughput run measured in rounds: the first rounds warm the JVMs up, the rest are
 * reported as median and best. Warm-up lasts at least {@code warmupRounds} rounds and at least
 * {@link #MIN_WARMUP_NANOS} (20 s, {@code -Dapns.bench.warmupSeconds}): on two cores, the JIT compilers of
 * the client and of the mock server share the cores with the run, and the streaming sender's rounds were
 * measured getting faster until some 15 s in (1.1 M/s in the first seconds, about 3 M/s from then on), so a
 * fixed number of short rounds measures the compilers. The legacy clients' program applies the same rule.
 * Not thread-safe.
 */
final class Rounds {
    /** The shortest warm-up, whatever the number of rounds. */
    private static final long MIN_WARMUP_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("apns.bench.warmupSeconds", 20));

    private final int warmupRounds;
    private final int measuredRounds;
    private final long began = System.nanoTime();
    private final List<Double> measured = new ArrayList<>();
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

    /** Records one round's rate; true when it counts (after the warm-up). */
    boolean record(double rate) {
        lastCounted = !measured.isEmpty()
                || (warmups >= warmupRounds && System.nanoTime() - began >= MIN_WARMUP_NANOS);
        if (lastCounted) {
            measured.add(rate);
        } else {
            warmups++;
        }
        return lastCounted;
    }

    /** The round just recorded, as "round 4" or "warm-up 2". */
    String lastLabel() {
        return lastCounted ? "round " + measured.size() : "warm-up " + warmups;
    }

    double median() {
        List<Double> sorted = new ArrayList<>(measured);
        sorted.sort(null);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    double best() {
        return measured.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    int count() {
        return measured.size();
    }

    /** "median 1,234,567, best 2,345,678 notifications/s over 10 rounds after 12 of warm-up". */
    String summary() {
        return String.format("median %,.0f, best %,.0f notifications/s over %d rounds after %d of warm-up", median(),
                best(), count(), warmups);
    }
}
