package dev.apns.spi.support;

import java.time.Duration;

/**
 * Timeouts as transports and messages need them: whole milliseconds for socket options, nanoseconds for
 * deadlines, and a short text ({@code 250 ms}, {@code 10 s}). Durations beyond a year are treated as a year
 * (far beyond any useful timeout), so that deadline sums cannot overflow. Stateless.
 */
public final class Timeouts {
    private static final Duration CAP = Duration.ofDays(365);

    private Timeouts() {
    }

    /** Whole milliseconds for a socket option: at least 1 (0 would mean forever), at most {@code Integer.MAX_VALUE}. */
    public static int millis(Duration duration) {
        if (duration.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, duration.toMillis());
    }

    /** Nanoseconds for a deadline or a scheduler, capped at a year. */
    public static long nanos(Duration duration) {
        return (duration.compareTo(CAP) > 0 ? CAP : duration).toNanos();
    }

    /** The duration for messages: {@code 250 ms}, {@code 10 s}; beyond a year its ISO form. */
    public static String describe(Duration duration) {
        if (duration.compareTo(CAP) > 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        return millis >= 1000 && millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
