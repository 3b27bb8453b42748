package dev.apns;

import java.util.Objects;

/**
 * A device token the server refused, with the status it gave. Typically the token is stale or belongs to
 * the other environment: stop sending to it. Immutable.
 *
 * @param token the refused token
 * @param status why the server refused it
 */
public record Rejection(DeviceToken token, Status status) {
    public Rejection {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(status, "status");
    }

    /** A sentence saying what happened, for logs and users. */
    public String explanation() {
        return "The server rejected token " + token + ": " + status.description() + ".";
    }
}
