package dev.apns.internal.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: each wait is drawn between half and all of the current step, and the step
 * doubles up to a maximum after each wait; progress resets it. Used by the senders' workers for reconnects and
 * for retries after server errors. Not thread-safe: one per worker.
 */
final class Backoff {
    private final long firstNanos;
    private final long maxNanos;
    private long stepNanos;
    /** Connections in a row that carried notifications and ended without a word, since the last progress. */
    private int silentDeathsInARow;

    Backoff(Duration first, Duration max) {
        this.firstNanos = first.toNanos();
        this.maxNanos = max.toNanos();
        this.stepNanos = firstNanos;
    }

    /** The current step before jitter, for messages. */
    long stepNanos() {
        return stepNanos;
    }

    /** The next wait: the current step with jitter; the step doubles afterwards, up to the maximum. */
    long nextWaitNanos() {
        long wait = jitter(stepNanos);
        stepNanos = Math.min(stepNanos * 2, maxNanos);
        return wait;
    }

    /** Progress was made: the next wait starts from the first step again. */
    void reset() {
        stepNanos = firstNanos;
        silentDeathsInARow = 0;
    }

    /**
     * How long to wait before reconnecting after a connection ended without progress (nothing confirmed, no
     * answer), in nanoseconds. A connection that carried notifications before it died without a word did reach the
     * server: the first such death in a row reconnects at once, with the backoff started again (progress is
     * progress: a death every few thousand notifications must not stretch a run with ever longer waits); a second one
     * in a row, or a connection that carried nothing, waits as {@link #nextWaitNanos()} says, so that a server that
     * drops every connection is not met with a storm of reconnects.
     *
     * @param carried whether notifications were written on the connection and left unanswered
     */
    long afterUnansweredEnd(boolean carried) {
        if (carried && silentDeathsInARow++ == 0) {
            stepNanos = firstNanos;
            return 0;
        }
        return nextWaitNanos();
    }

    /** Between half and all of {@code nanos}, uniformly, so that many clients do not retry in step. */
    static long jitter(long nanos) {
        return nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1);
    }

    /** The wait before retry number {@code retry} (1 for the first): {@code first} doubled per retry, capped, jittered. */
    static long retryWaitNanos(Duration first, Duration max, int retry) {
        return jitter(Math.min(first.toNanos() << Math.min(retry - 1, 20), max.toNanos()));
    }
}
