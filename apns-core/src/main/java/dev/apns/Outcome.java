package dev.apns;

import java.util.Objects;
import java.util.Optional;

/**
 * The one terminal state of a notification given to an {@link ApnsSender}: accepted, rejected by the
 * server with a reason, or unsent with the cause (the sender shut down, the certificate was refused, the
 * server kept failing, it was resent too often). An unsent outcome says whether the notification may
 * have reached the server after all ({@link #possiblyDelivered()}), so a caller knows whether sending it
 * again can duplicate it. Immutable.
 */
public final class Outcome {
    /** The three terminal states. */
    public enum Kind {
        /** The server took it (HTTP/2: answered 200; binary: did not object within the confirmation strategy). */
        ACCEPTED,
        /** The server refused it; {@link #reason()} says why. Sending it again unchanged will not help. */
        REJECTED,
        /** It was not delivered and the SDK gave up on it; {@link #cause()} says why. Send it again later. */
        UNSENT
    }

    private final Notification notification;
    private final Kind kind;
    private final RejectionReason reason;
    private final Throwable cause;
    private final String apnsId;
    private final String uniqueId;
    private final boolean possiblyDelivered;

    private Outcome(Notification notification, Kind kind, RejectionReason reason, Throwable cause, String apnsId,
                    String uniqueId, boolean possiblyDelivered) {
        this.notification = Objects.requireNonNull(notification, "notification");
        this.kind = kind;
        this.reason = reason;
        this.cause = cause;
        this.apnsId = apnsId;
        this.uniqueId = uniqueId;
        this.possiblyDelivered = possiblyDelivered;
    }

    /** Accepted, with nothing more known (the binary protocol). */
    public static Outcome accepted(Notification notification) {
        return new Outcome(notification, Kind.ACCEPTED, null, null, null, null, false);
    }

    /**
     * Accepted with the server's {@code apns-id} and, where the server sends one (the development
     * environment), its {@code apns-unique-id}; either may be null.
     */
    public static Outcome accepted(Notification notification, String apnsId, String uniqueId) {
        return new Outcome(notification, Kind.ACCEPTED, null, null, apnsId, uniqueId, false);
    }

    /** Refused by the server for this reason. */
    public static Outcome rejected(Notification notification, RejectionReason reason) {
        return new Outcome(notification, Kind.REJECTED, Objects.requireNonNull(reason, "reason"), null, null, null, false);
    }

    /** Refused by the server for this reason, with the {@code apns-id} it answered with (may be null). */
    public static Outcome rejected(Notification notification, RejectionReason reason, String apnsId) {
        return new Outcome(notification, Kind.REJECTED, Objects.requireNonNull(reason, "reason"), null, apnsId, null, false);
    }

    /** Not delivered, and the server never had it (never written, or the server said it did not process it). */
    public static Outcome unsent(Notification notification, Throwable cause) {
        return new Outcome(notification, Kind.UNSENT, null, Objects.requireNonNull(cause, "cause"), null, null, false);
    }

    /**
     * Not delivered as far as the SDK knows.
     *
     * @param reason the server's last answer about it (for example 503 after the last retry), or null
     * @param possiblyDelivered true when it was written and no answer came (the connection died, the answer
     *     timed out): the server may have it, and sending it again may duplicate it
     */
    public static Outcome unsent(Notification notification, Throwable cause, RejectionReason reason,
                                 boolean possiblyDelivered) {
        return new Outcome(notification, Kind.UNSENT, reason, Objects.requireNonNull(cause, "cause"), null, null,
                possiblyDelivered);
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

    /** Why the server refused it: always for {@link Kind#REJECTED}; for {@link Kind#UNSENT} its last refusal, if any. */
    public Optional<RejectionReason> reason() {
        return Optional.ofNullable(reason);
    }

    /** The binary protocol's status, for a {@link Kind#REJECTED} outcome of that protocol. */
    public Optional<Status> status() {
        return reason instanceof Status status ? Optional.of(status) : Optional.empty();
    }

    /** The HTTP/2 reason, for an outcome the HTTP/2 provider API refused (REJECTED, or UNSENT after retries). */
    public Optional<Http2Reason> http2Reason() {
        return reason instanceof Http2Reason http2 ? Optional.of(http2) : Optional.empty();
    }

    /** Why it was not sent, for {@link Kind#UNSENT}. */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause);
    }

    /** The {@code apns-id} the server answered with (HTTP/2). */
    public Optional<String> apnsId() {
        return Optional.ofNullable(apnsId);
    }

    /** The {@code apns-unique-id} the server answered with (HTTP/2, development environment). */
    public Optional<String> uniqueId() {
        return Optional.ofNullable(uniqueId);
    }

    /**
     * For {@link Kind#UNSENT}: whether the server may have received it although no answer said so. False means
     * the SDK knows the server did not deliver it, so sending it again cannot duplicate it.
     */
    public boolean possiblyDelivered() {
        return possiblyDelivered;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ACCEPTED -> "accepted " + notification.token() + (apnsId == null ? "" : " (apns-id " + apnsId + ")");
            case REJECTED -> "rejected " + notification.token() + ": " + reason.description();
            case UNSENT -> "unsent " + notification.token() + ": " + cause.getMessage()
                    + (possiblyDelivered ? " (the server may have it)" : "");
        };
    }
}
