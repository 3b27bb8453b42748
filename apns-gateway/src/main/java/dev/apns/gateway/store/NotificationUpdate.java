package dev.apns.gateway.store;

import dev.apns.gateway.NotificationState;
import java.util.Objects;

/**
 * What the store is told about a claimed notification: a final state with its result, or back to the queue (not
 * before a time) after an attempt that did not get an answer.
 *
 * @param id           the notification's row id
 * @param state        ACCEPTED, REJECTED or FAILED, or QUEUED to try again
 * @param result       the result or the failure
 * @param notBefore    for QUEUED: the earliest next attempt, epoch ms
 * @param possiblySent whether this attempt may have reached APNs without an answer
 */
public record NotificationUpdate(long id, NotificationState state, Result result, long notBefore, boolean possiblySent) {
    /** Checks that the state is one a sender may record. */
    public NotificationUpdate {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(result, "result");
        if (state == NotificationState.SENDING) {
            throw new IllegalArgumentException("an update cannot leave a notification sending");
        }
    }
}
