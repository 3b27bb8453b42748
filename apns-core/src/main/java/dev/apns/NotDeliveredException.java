package dev.apns;

import java.util.Optional;

/**
 * The cause of an {@link Outcome.Kind#UNSENT} outcome when no other exception explains it: the sender shut
 * down first, the server refused the content, the notification was written too many times. Carries the
 * server's status when there was one.
 */
public final class NotDeliveredException extends ApnsException {
    private static final long serialVersionUID = 1L;

    private final transient Status status;

    public NotDeliveredException(String message, Status status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The server's status, when the reason was an error response. */
    public Optional<Status> status() {
        return Optional.ofNullable(status);
    }
}
