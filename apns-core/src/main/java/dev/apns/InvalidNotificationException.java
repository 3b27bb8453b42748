package dev.apns;

/**
 * A notification that breaks one of Apple's documented rules, found before sending it (see
 * {@link Http2Defaults#checkBeforeSending()}). The message names the field and the rule. Nothing was queued.
 */
public final class InvalidNotificationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidNotificationException(String message) {
        super(message);
    }
}
