package dev.apns;

/**
 * A status code from an APNs error response, with its meaning and what the SDK does about it. Codes
 * Apple has not documented are kept with their raw value as {@link Reason#UNKNOWN}. Immutable.
 *
 * @param code the raw status byte, 0 to 255
 */
public record Status(int code) implements RejectionReason {

    /** The documented status codes, and {@link #UNKNOWN} for any other. */
    public enum Reason {
        NO_ERRORS(0, "No errors encountered"),
        PROCESSING_ERROR(1, "Processing error"),
        MISSING_DEVICE_TOKEN(2, "Missing device token"),
        MISSING_TOPIC(3, "Missing topic"),
        MISSING_PAYLOAD(4, "Missing payload"),
        INVALID_TOKEN_SIZE(5, "Invalid token size"),
        INVALID_TOPIC_SIZE(6, "Invalid topic size"),
        INVALID_PAYLOAD_SIZE(7, "Invalid payload size"),
        INVALID_TOKEN(8, "Invalid token"),
        SHUTDOWN(10, "Shutdown: the server closed the connection after the notification named"),
        PROTOCOL_ERROR(128, "Protocol error: the server could not parse the frame"),
        NONE(255, "None (unknown error)"),
        UNKNOWN(-1, "Undocumented status code");

        private final int code;
        private final String description;

        Reason(int code, String description) {
            this.code = code;
            this.description = description;
        }

        static Reason of(int code) {
            for (Reason reason : values()) {
                if (reason.code == code) {
                    return reason;
                }
            }
            return UNKNOWN;
        }
    }

    /** What a status means for the notification named in the error response and those after it. */
    public enum Category {
        /**
         * The token is at fault (missing, wrong size, invalid): that notification failed; those written after
         * it were dropped by the server and are resent.
         */
        TOKEN,
        /**
         * The notification named was the last one processed; those after it are resent ({@code 10}).
         */
        SHUTDOWN,
        /**
         * A transient server problem ({@code 1}, {@code 255}): the notification named and those after it are
         * resent.
         */
        TRANSIENT,
        /**
         * The notification's content is at fault (payload, topic, frame): resending the same content cannot
         * succeed, so it and those after it are handed back for the caller to decide. Undocumented codes
         * fall here too, so that nothing is resent blindly or lost.
         */
        CONTENT
    }

    public Status {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("A status code is one byte, 0 to 255; was " + code + ".");
        }
    }

    /** The status for a raw code. */
    public static Status of(int code) {
        return new Status(code);
    }

    /** The documented meaning, or {@link Reason#UNKNOWN}. */
    public Reason reason() {
        return Reason.of(code);
    }

    /** A short English explanation including the raw code. */
    @Override
    public String description() {
        Reason reason = reason();
        return reason == Reason.UNKNOWN ? "Undocumented status code " + code : reason.description + " (" + code + ")";
    }

    /** Status 8, invalid token: stop sending to it. */
    @Override
    public boolean tokenIsInvalid() {
        return reason() == Reason.INVALID_TOKEN;
    }

    /** What the SDK does about this status; see {@link Category}. */
    public Category category() {
        return switch (reason()) {
            case MISSING_DEVICE_TOKEN, INVALID_TOKEN_SIZE, INVALID_TOKEN -> Category.TOKEN;
            case SHUTDOWN -> Category.SHUTDOWN;
            case PROCESSING_ERROR, NONE -> Category.TRANSIENT;
            default -> Category.CONTENT;
        };
    }

    @Override
    public String toString() {
        return description();
    }
}
