package dev.apns;

import java.util.Objects;

/**
 * A device token the server refused, with the reason it gave. Typically the token is stale or belongs to
 * the other environment: stop sending to it when {@link RejectionReason#tokenIsInvalid()} says so. Immutable.
 *
 * @param token the refused token
 * @param reason why the server refused it: a binary {@link Status} or an {@link Http2Reason}
 */
public record Rejection(DeviceToken token, RejectionReason reason) {
    public Rejection {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * The binary protocol's status.
     *
     * @throws IllegalStateException for an HTTP/2 rejection, which has an {@link Http2Reason} instead
     */
    public Status status() {
        if (reason instanceof Status status) {
            return status;
        }
        throw new IllegalStateException("This rejection came over HTTP/2: its reason is " + reason.description()
                + "; use reason().");
    }

    /** A sentence saying what happened, for logs and users. */
    public String explanation() {
        return "The server rejected token " + token + ": " + reason.description() + ".";
    }
}
