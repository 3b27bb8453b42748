package dev.apns.internal.delivery;

import dev.apns.Notification;
import dev.apns.Outcome;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One submitted notification on its way through a {@link StreamSender}, and the future of its outcome
 * when it was submitted without a listener (one object per notification instead of two: at a million
 * notifications a second, what lives until confirmation is what the garbage collector copies). A listener
 * and its caller's context are kept here as they are, never wrapped in an object of their own; a plain
 * {@link Consumer} is kept as the context of {@link #TELL_CONSUMER}. The future is never handed out
 * itself, only a {@link #minimalCompletionStage() view} of it. Written by one worker at a time.
 */
final class StreamEntry extends CompletableFuture<Outcome> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEntry.class);
    private static final AtomicIntegerFieldUpdater<StreamEntry> FINISHED =
            AtomicIntegerFieldUpdater.newUpdater(StreamEntry.class, "finished");

    /** The listener of {@link dev.apns.ApnsSender#submit(Notification, Consumer)}, kept as a context. */
    @SuppressWarnings("unchecked")
    static final BiConsumer<Outcome, Object> TELL_CONSUMER =
            (outcome, consumer) -> ((Consumer<? super Outcome>) consumer).accept(outcome);

    final Notification notification;
    /** Told the outcome and {@link #context} instead of completing this future; null for a future. */
    private final BiConsumer<? super Outcome, Object> listener;
    /** Given back to the listener with the outcome; may be null. */
    private final Object context;
    long sequence;
    long writtenAtNanos;
    int writes;
    /** Times resent without knowing whether the server had it (connection death, unattributable answer). */
    int blindResends;
    /** Whether it was written once and no answer said what became of it: the server may have it. */
    boolean fateUnknown;
    /** Times sent again after a server error that Apple says to retry (HTTP/2 5xx, TooManyRequests). */
    int serverRetries;
    /** Whether it was sent again once after its provider token was refused as expired (HTTP/2). */
    boolean tokenRenewed;
    /** When it may no longer be written ({@link System#nanoTime()}); meaningful only with {@code hasDeadline}. */
    long deadlineNanos;
    boolean hasDeadline;
    /** When a retry after a server error is due ({@link System#nanoTime()}). */
    long retryAtNanos;
    /** The HTTP/2 connection its stream is open on, or null; guarded by that connection's monitor. */
    Http2Link link;
    /** The provider token it was last sent with (HTTP/2 token authentication), or null. */
    dev.apns.internal.auth.ProviderToken token;

    private volatile int finished;

    /** An entry whose outcome completes this future. */
    StreamEntry(Notification notification) {
        this(notification, null, null);
    }

    /** An entry whose outcome goes to {@code listener} with {@code context}; a null listener means the future. */
    @SuppressWarnings("unchecked")
    <C> StreamEntry(Notification notification, C context, BiConsumer<? super Outcome, ? super C> listener) {
        this.notification = notification;
        this.context = context;
        this.listener = (BiConsumer<? super Outcome, Object>) listener;
    }

    /**
     * Claims the right to give this entry its outcome: true once, for the first caller. The caller counts
     * the outcome and then {@link #deliver delivers} it, so that whoever sees the outcome sees the count.
     */
    boolean claim() {
        return FINISHED.compareAndSet(this, 0, 1);
    }

    /** Whether its outcome was given. */
    boolean isFinished() {
        return finished != 0;
    }

    /** Completes the future, or tells the listener; a listener that throws is logged and changes nothing. */
    void deliver(Outcome outcome) {
        if (listener == null) {
            complete(outcome);
            return;
        }
        try {
            listener.accept(outcome, context);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.warn("An outcome listener threw while told '{}'; the outcome stands.", outcome, e);
        }
    }
}
