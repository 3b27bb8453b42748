package dev.apns.mock.h2;

import java.util.Objects;

/**
 * A request the HTTP/2 mock server answered with an error status.
 *
 * @param connection    the connection's number, from 1
 * @param requestNumber the request's number, as in {@link AcceptedNotification#requestNumber()}
 * @param status        the HTTP status, such as 400
 * @param reason        the {@code reason} of the JSON body, such as {@code BadDeviceToken}
 * @param path          the request's {@code :path}, or an empty string without one
 */
public record RejectedRequest(int connection, long requestNumber, int status, String reason, String path) {
    /** Checks that nothing is missing. */
    public RejectedRequest {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(path, "path");
    }
}
