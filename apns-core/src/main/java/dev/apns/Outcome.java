package dev.apns;

import java.util.Objects;
import java.util.Optional;

/**
 * The one terminal state of a notification given to an {@link ApnsSender}: accepted, rejected by the
 * server with a status, or unsent with the cause (the sender shut down, the certificate was refused, it
 * was resent too often). Immutable.
 */
public final class Outcome {
    /** The three terminal states. */
    public enum Kind {
        /** The server took it and did not object within the confirmation strategy. */
        ACCEPTED,
        /** The server refused it; {@link #status()} says why. */
        REJECTED,
        /** It was not delivered and the SDK gave up on it; {@link #cause()} says why. Send it again later. */
        UNSENT
    }

    private final Notification notification;
    private final Kind kind;
    private final Status status;
    private final Throwable cause;

    private Outcome(Notification notification, Kind kind, Status status, Throwable cause) {
        this.notification = Objects.requireNonNull(notification, "notification");
        this.kind = kind;
        this.status = status;
        this.cause = cause;
    }

    public static Outcome accepted(Notification notification) {
        return new Outcome(notification, Kind.ACCEPTED, null, null);
    }

    public static Outcome rejected(Notification notification, Status status) {
        return new Outcome(notification, Kind.REJECTED, Objects.requireNonNull(status, "status"), null);
    }

    public static Outcome unsent(Notification notification, Throwable cause) {
        return new Outcome(notification, Kind.UNSENT, null, Objects.requireNonNull(cause, "cause"));
    }

    public Notification notification() {
        return notification;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isAccepted() {
        return kind == Kind.ACCEPTED;
    }

    /** The server's status, for {@link Kind#REJECTED}. */
    public Optional<Status> status() {
        return Optional.ofNullable(status);
    }

    /** Why it was not sent, for {@link Kind#UNSENT}. */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ACCEPTED -> "accepted " + notification.token();
            case REJECTED -> "rejected " + notification.token() + ": " + status.description();
            case UNSENT -> "unsent " + notification.token() + ": " + cause.getMessage();
        };
    }
}
