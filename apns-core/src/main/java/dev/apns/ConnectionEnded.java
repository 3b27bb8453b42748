package dev.apns;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection of an {@link ApnsSender} that the server ended or that broke, and why: what a service's
 * disconnection log records. Connections the sender closes itself (idle, shut down) are not reported.
 *
 * @param endpoint     the server
 * @param at           when the sender learned of it
 * @param reason       what happened: {@code GoAway} (HTTP/2: the server will take no more streams; the detail has its
 *                     error code and reason), {@code ErrorResponse} (binary: the server rejected a notification and
 *                     closed the connection), {@code ClosedByServer} (the server closed it without a word),
 *                     {@code ConnectionError} (an I/O or TLS failure), {@code ProtocolError} (the server broke the
 *                     protocol; the sender closed the connection)
 * @param detail       a sentence for people
 * @param unanswered   how many notifications were written and not yet answered (they go again)
 * @param notification the notification whose rejection ended the connection (binary protocol), if one did
 */
public record ConnectionEnded(Endpoint endpoint, Instant at, String reason, String detail, int unanswered,
                              Optional<Notification> notification) {
    /** Checks that the parts are present. */
    public ConnectionEnded {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(notification, "notification");
    }
}
