package dev.apns.internal;

import dev.apns.Notification;
import dev.apns.Outcome;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** One submitted notification on its way through a {@link StreamSender}. Written by one worker at a time. */
final class StreamEntry {
    private static final AtomicIntegerFieldUpdater<StreamEntry> FINISHED =
            AtomicIntegerFieldUpdater.newUpdater(StreamEntry.class, "finished");

    final Notification notification;
    final long sequence;
    final CompletableFuture<Outcome> future = new CompletableFuture<>();
    long identifier;
    long writtenAtNanos;
    int writes;
    /** Times resent without knowing whether the server had it (connection death, unattributable answer). */
    int blindResends;

    private volatile int finished;

    StreamEntry(Notification notification, long sequence) {
        this.notification = notification;
        this.sequence = sequence;
    }

    /**
     * Claims the right to give this entry its outcome: true once, for the first caller. The caller counts
     * the outcome and then completes {@link #future}, so that whoever sees the future done sees the count.
     */
    boolean claim() {
        return FINISHED.compareAndSet(this, 0, 1);
    }
}
