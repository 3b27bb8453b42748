package dev.apns.internal;

import dev.apns.Notification;
import dev.apns.Outcome;

import java.util.concurrent.CompletableFuture;

/** One submitted notification on its way through a {@link StreamSender}. Written by one worker at a time. */
final class StreamEntry {
    final Notification notification;
    final long sequence;
    final CompletableFuture<Outcome> future = new CompletableFuture<>();
    long identifier;
    long writtenAtNanos;
    int writes;

    StreamEntry(Notification notification, long sequence) {
        this.notification = notification;
        this.sequence = sequence;
    }
}
