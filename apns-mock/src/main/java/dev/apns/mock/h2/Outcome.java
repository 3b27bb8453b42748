package dev.apns.mock.h2;

/**
 * How the server answers one request: 200 with an {@code apns-id}, or an error status with a reason (and, for
 * {@code Unregistered}, a timestamp). {@code authenticated} says whether its provider token or certificate was
 * good, which is what lifts the one-stream limit of a new token connection.
 */
record Outcome(int status, String reason, long timestampMillis, String apnsId, boolean authenticated) {
    static final long NO_TIMESTAMP = Long.MIN_VALUE;

    static Outcome accepted(String apnsId) {
        return new Outcome(200, null, NO_TIMESTAMP, apnsId, true);
    }

    static Outcome rejected(String reason, String apnsId, boolean authenticated) {
        return new Outcome(Reasons.statusOf(reason), reason, NO_TIMESTAMP, apnsId, authenticated);
    }

    static Outcome rejected(int status, String reason, long timestampMillis, String apnsId, boolean authenticated) {
        return new Outcome(status, reason, timestampMillis, apnsId, authenticated);
    }

    boolean isAccepted() {
        return status == 200;
    }

    /** The JSON body of an error response. */
    String body() {
        return timestampMillis == NO_TIMESTAMP ? "{\"reason\":\"" + reason + "\"}"
                : "{\"reason\":\"" + reason + "\",\"timestamp\":" + timestampMillis + "}";
    }
}
