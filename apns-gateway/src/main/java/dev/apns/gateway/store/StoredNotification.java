package dev.apns.gateway.store;

import dev.apns.gateway.NotificationState;
import java.util.Optional;

/**
 * A notification as the store holds it now: what was posted, where it stands and, once final, its result.
 *
 * @param notification  what was posted
 * @param state         where it stands
 * @param attempts      how many times it was handed to a sender
 * @param createdAt     when it was stored, epoch milliseconds
 * @param finishedAt    when it reached a final state, epoch milliseconds, or 0
 * @param result        the last result or failure recorded (final states; the last failure while queued again)
 * @param possiblySent  whether an attempt that did not end in an answer may have reached APNs
 */
public record StoredNotification(NewNotification notification, NotificationState state, int attempts, long createdAt,
                                 long finishedAt, Optional<Result> result, boolean possiblySent) {
}
