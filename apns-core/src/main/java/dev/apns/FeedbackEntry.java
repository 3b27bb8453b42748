package dev.apns;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the feedback service: a token whose app is gone from its device, and when APNs found out.
 * Do not push to the token again unless the device registered it after {@code time}. Immutable.
 *
 * @param token the token
 * @param time when APNs found the app gone (second precision)
 */
public record FeedbackEntry(DeviceToken token, Instant time) {
    public FeedbackEntry {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(time, "time");
    }
}
