package dev.apns.gateway.http;

import dev.apns.gateway.store.JdbcStore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the queue bounded: how many notifications are queued or being sent, on every instance sharing the
 * database, read from the store at most once a second and counted up by this instance's own posts in between.
 * A post that would take the queue past the limit is refused (429 with Retry-After) rather than stored.
 */
final class QueueLimit {
    private static final long REFRESH_MILLIS = 1_000;

    private final JdbcStore store;
    private final long max;
    private final AtomicLong depth = new AtomicLong();
    private volatile long readAt = Long.MIN_VALUE;

    QueueLimit(JdbcStore store, long max) {
        this.store = store;
        this.max = max;
    }

    /** Reserves room for {@code count} notifications, or refuses. */
    synchronized void reserve(int count, long now) {
        if (now - readAt >= REFRESH_MILLIS) {
            depth.set(store.depth());
            readAt = now;
        }
        if (depth.get() + count > max) {
            throw new RestException(429, "the queue is full (" + depth.get() + " of " + max
                    + " notifications waiting); try again later", null, 1);
        }
        depth.addAndGet(count);
    }

    /** The depth as last read or counted. */
    long depth() {
        return depth.get();
    }

    long max() {
        return max;
    }
}
