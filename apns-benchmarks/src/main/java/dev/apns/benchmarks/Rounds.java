package dev.apns.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The rates of a throughput run measured in rounds: the first rounds warm the JVM up (on two cores the JIT
 * compilers take seconds, and a run timed from a cold start measures them), the rest are reported as median
 * and best. Not thread-safe.
 */
final class Rounds {
    private final int warmup;
    private final List<Double> measured = new ArrayList<>();
    private int round;

    Rounds(int warmup) {
        this.warmup = warmup;
    }

    /** Records one round's rate; true when it counts (after the warm-up). */
    boolean record(double rate) {
        round++;
        if (round > warmup) {
            measured.add(rate);
            return true;
        }
        return false;
    }

    /** The round just recorded, as "round 4" or "warm-up 2". */
    String lastLabel() {
        return round > warmup ? "round " + (round - warmup) : "warm-up " + round;
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

    /** "median 1,234,567, best 2,345,678 notifications/s over 7 rounds after 3 of warm-up". */
    String summary() {
        return String.format("median %,.0f, best %,.0f notifications/s over %d rounds after %d of warm-up", median(),
                best(), count(), warmup);
    }
}
