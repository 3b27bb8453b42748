package dev.apns;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A long-lived, asynchronous sender for one server and one identity (a signing key or a certificate): takes
 * notifications as they come, keeps its connections busy, and completes each notification's future with
 * exactly one {@link Outcome}. Over HTTP/2 every notification is answered: accepted, rejected with a reason,
 * retried after server errors as Apple advises, and sent again on a new connection when the server did not
 * process it (GOAWAY, REFUSED_STREAM). Over the binary protocol, after a rejection of notification k
 * everything written after k is resent on a fresh connection, in order. With either protocol, a connection
 * that dies before answering has its unanswered notifications sent again (at-least-once, counted in
 * {@link SenderMetrics#duplicatesPossible()}; {@link SenderOptions#maxBlindResends()} 0 makes it at-most-once).
 *
 * <p>Bounded: at most {@code maxPending} notifications and {@code maxPendingBytes} of payload are queued or in
 * flight; a producer faster than the network waits in {@link #submit} (up to the submit timeout) or is told no
 * by {@link #offer}.
 *
 * <p>Each notification's outcome comes either as a {@link CompletionStage} ({@link #submit(Notification)}) or
 * to a listener ({@link #submit(Notification, Consumer)}), optionally with an application context object
 * that comes back with the outcome ({@link #submit(Notification, Object, BiConsumer)}). The stage is a view:
 * a caller cannot complete or cancel it, and completing the copy {@link CompletionStage#toCompletableFuture()}
 * returns changes nothing for the sender. The listener forms create no object per notification beyond the
 * SDK's own bookkeeping, and one listener can serve every notification: they are the forms to use at
 * hundreds of thousands of notifications a second. Stages complete, and listeners are called, on the
 * sender's own threads; do not block in them. Thread-safe.
 */
public interface ApnsSender extends AutoCloseable {

    /**
     * Queues a notification, waiting for room while the sender is full, at most the submit timeout.
     *
     * @return the stage of its outcome; to block on it, {@code toCompletableFuture().get(...)}
     * @throws SenderFullException when no room came within the submit timeout
     * @throws IllegalStateException when the sender is shut down
     * @throws InterruptedException when interrupted while waiting for room
     */
    CompletionStage<Outcome> submit(Notification notification) throws InterruptedException;

    /**
     * Queues a notification, waiting for room while the sender is full, at most the submit timeout; its
     * outcome goes to {@code listener}, exactly once, on a sender thread. A listener that throws is logged
     * at WARN and changes nothing.
     *
     * @throws SenderFullException when no room came within the submit timeout (the listener is not called)
     * @throws IllegalStateException when the sender is shut down (the listener is not called)
     * @throws InterruptedException when interrupted while waiting for room (the listener is not called)
     */
    void submit(Notification notification, Consumer<? super Outcome> listener) throws InterruptedException;

    /**
     * Queues a notification, waiting for room while the sender is full, at most the submit timeout; its
     * outcome goes to {@code listener} together with {@code context}, exactly once, on a sender thread, so
     * that the outcome can be matched to the caller's own record (a row, a request) without a map keyed on
     * the notification. The context is held as given, never read, and may be null. A listener that throws is
     * logged at WARN and changes nothing.
     *
     * @param <C> the type of the context
     * @throws SenderFullException when no room came within the submit timeout (the listener is not called)
     * @throws IllegalStateException when the sender is shut down (the listener is not called)
     * @throws InterruptedException when interrupted while waiting for room (the listener is not called)
     */
    <C> void submit(Notification notification, C context, BiConsumer<? super Outcome, ? super C> listener)
            throws InterruptedException;

    /**
     * Queues a notification only if there is room now.
     *
     * @return the stage of its outcome, or empty when the sender is full
     * @throws IllegalStateException when the sender is shut down
     */
    Optional<CompletionStage<Outcome>> offer(Notification notification);

    /**
     * Queues a notification only if there is room now; its outcome goes to {@code listener} as with
     * {@link #submit(Notification, Consumer)}.
     *
     * @return true when queued; false when the sender is full (the listener is not called)
     * @throws IllegalStateException when the sender is shut down
     */
    boolean offer(Notification notification, Consumer<? super Outcome> listener);

    /**
     * Queues a notification only if there is room now; its outcome goes to {@code listener} together with
     * {@code context} as with {@link #submit(Notification, Object, BiConsumer)}.
     *
     * @param <C> the type of the context
     * @return true when queued; false when the sender is full (the listener is not called)
     * @throws IllegalStateException when the sender is shut down
     */
    <C> boolean offer(Notification notification, C context, BiConsumer<? super Outcome, ? super C> listener);

    /** The counters and gauges now. */
    SenderMetrics metrics();

    /**
     * Stops taking notifications, lets what is queued and in flight finish within {@code deadline}, then
     * closes the connections. Notifications that did not finish complete as {@link Outcome.Kind#UNSENT}
     * and are also returned here, in submission order, so they can be sent again later. Idempotent.
     */
    List<Notification> shutdown(Duration deadline);

    /** {@link #shutdown(Duration)} with a 10 s deadline. */
    @Override
    default void close() {
        shutdown(Duration.ofSeconds(10));
    }
}
