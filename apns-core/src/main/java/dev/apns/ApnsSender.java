package dev.apns;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A long-lived, asynchronous sender for one (gateway, certificate): takes notifications as they come,
 * keeps its connections full, and completes each notification's future with exactly one {@link Outcome}.
 * After a rejection of notification k, everything written after k is resent on a fresh connection, in
 * order, automatically; a connection that dies without an error response has its unconfirmed
 * notifications resent (at-least-once, counted in {@link SenderMetrics#duplicatesPossible()}).
 *
 * <p>Bounded: at most {@code maxPending} notifications are queued or in flight; a producer faster than the
 * network waits in {@link #submit} (up to the submit timeout) or is told no by {@link #offer}. Futures
 * complete on the sender's own threads; do not block in their callbacks. Thread-safe.
 */
public interface ApnsSender extends AutoCloseable {

    /**
     * Queues a notification, waiting for room while the sender is full, at most the submit timeout.
     *
     * @return the future of its outcome
     * @throws SenderFullException when no room came within the submit timeout
     * @throws IllegalStateException when the sender is shut down
     * @throws InterruptedException when interrupted while waiting for room
     */
    CompletableFuture<Outcome> submit(Notification notification) throws InterruptedException;

    /**
     * Queues a notification only if there is room now.
     *
     * @return the future of its outcome, or empty when the sender is full
     * @throws IllegalStateException when the sender is shut down
     */
    Optional<CompletableFuture<Outcome>> offer(Notification notification);

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
