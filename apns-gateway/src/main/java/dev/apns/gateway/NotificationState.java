package dev.apns.gateway;

import java.util.Locale;

/**
 * Where a notification the gateway took stands. {@link #QUEUED} and {@link #SENDING} are on the way;
 * the other three are final, and each notification ends in exactly one of them.
 */
public enum NotificationState {
    /** Stored, waiting for a sender (or for its next attempt after a failure). */
    QUEUED,
    /** Claimed by one gateway instance and handed to its sender; the answer is not in yet. */
    SENDING,
    /** APNs took it. */
    ACCEPTED,
    /** APNs (or the gateway's checks before sending) refused it; sending it again unchanged will not help. */
    REJECTED,
    /** The gateway gave up on it (it expired, or the attempts ran out); the detail says why. */
    FAILED;

    /** The name as stored and as the REST interface shows it: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state of a stored or shown name. */
    public static NotificationState fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Whether the notification is done. */
    public boolean isFinal() {
        return this == ACCEPTED || this == REJECTED || this == FAILED;
    }
}
