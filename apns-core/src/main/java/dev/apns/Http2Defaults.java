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

    /**
     * Checks a notification against Apple's documented rules as an HTTP/2 sender with these defaults would before
     * sending it (payload size for its push type, priority 5 for background notifications, a priority of 10, 5 or 1,
     * a 1 to 100-byte token), whether or not {@link #checkBeforeSending()} is on: for services that take
     * notifications from others and want to refuse a bad one at once.
     *
     * @throws InvalidNotificationException naming the field and the rule
     */
    public void check(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        PushType type = notification.pushType().orElse(pushType);
        int size = notification.payload().size();
        if (size > type.maxPayloadBytes()) {
            throw new InvalidNotificationException("The payload is " + size + " bytes; Apple accepts at most "
                    + type.maxPayloadBytes() + " for push type '" + type + "'.");
        }
        int priority = notification.priority().orElse(-1);
        if (priority >= 0 && priority != 10 && priority != 5 && priority != 1) {
            throw new InvalidNotificationException("Priority " + priority + " is not one Apple accepts (10, 5 or 1).");
        }
        if (type.equals(PushType.BACKGROUND) && priority != 5) {
            throw new InvalidNotificationException("A background notification must have priority 5; it has "
                    + (priority < 0 ? "none (the server would take 10)" : priority) + ".");
        }
        int tokenBytes = notification.token().length();
        if (tokenBytes < 1 || tokenBytes > 100) {
            throw new InvalidNotificationException("The device token is " + tokenBytes + " bytes; Apple's are 32 "
                    + "(at most 100).");
        }
    }
}
