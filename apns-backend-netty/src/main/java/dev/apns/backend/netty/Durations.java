package dev.apns.backend.netty;

import java.time.Duration;

/** Durations turned into what Netty's options and the backend's messages need. Stateless. */
final class Durations {
    private static final Duration CAP = Duration.ofDays(365);

    private Durations() {
    }

    /** Whole milliseconds for Netty options: at least 1 (0 would mean forever), at most int max. */
    static int millis(Duration duration) {
        if (duration.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, duration.toMillis());
    }

    /** Nanoseconds for deadlines, capped far beyond any useful timeout so that sums cannot overflow. */
    static long nanos(Duration duration) {
        return (duration.compareTo(CAP) > 0 ? CAP : duration).toNanos();
    }

    /** A duration for messages: {@code 250 ms}, {@code 10 s}. */
    static String describe(Duration duration) {
        if (duration.compareTo(CAP) > 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        return millis >= 1000 && millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
