package dev.apns;

import java.util.Objects;
import java.util.Optional;

/**
 * What an HTTP/2 sender puts in a notification that says nothing of it, and whether it checks notifications
 * against Apple's documented rules before sending them. Immutable.
 *
 * <p>The checks (payload size for the push type, background notifications at priority 5) refuse a notification
 * at submit with an {@link InvalidNotificationException} instead of spending a round trip on a certain
 * rejection. The server stays the authority: turn them off when Apple's rules change before this SDK does.
 *
 * @param topic the {@code apns-topic} of notifications without one; null: none (the server then uses the
 *     certificate's topic, and token authentication requires one)
 * @param pushType the {@code apns-push-type} of notifications without one (default {@link PushType#ALERT})
 * @param checkBeforeSending whether notifications are checked before sending (default true)
 */
public record Http2Defaults(String topic, PushType pushType, boolean checkBeforeSending) {
    public Http2Defaults {
        Objects.requireNonNull(pushType, "pushType");
        if (topic != null && topic.isBlank()) {
            throw new IllegalArgumentException("The default topic must not be blank (use null for none).");
        }
    }

    /** No default topic, alert notifications, checks on. */
    public static Http2Defaults defaults() {
        return new Http2Defaults(null, PushType.ALERT, true);
    }

    /** These defaults with this topic for notifications without one. */
    public Http2Defaults withTopic(String topic) {
        return new Http2Defaults(Objects.requireNonNull(topic, "topic"), pushType, checkBeforeSending);
    }

    /** These defaults with this push type for notifications without one. */
    public Http2Defaults withPushType(PushType pushType) {
        return new Http2Defaults(topic, pushType, checkBeforeSending);
    }

    /** These defaults with the checks before sending on or off. */
    public Http2Defaults withChecks(boolean checkBeforeSending) {
        return new Http2Defaults(topic, pushType, checkBeforeSending);
    }

    /** The default topic. */
    public Optional<String> defaultTopic() {
        return Optional.ofNullable(topic);
    }
}
