package dev.apns;

import java.util.Objects;
import java.util.Optional;

/**
 * Something that went wrong during a send and is not the fault of one token: an error response about the
 * content or the server, a connection that failed or died, a certificate the server refused. The
 * notifications it affected are resent or handed back in {@link Result#retry()}; this says why. Immutable.
 *
 * @param description a sentence saying what happened
 * @param status the server's status, when the error came as an error response
 * @param cause the exception behind it, when there was one
 */
public record DeliveryError(String description, Optional<Status> status, Optional<Throwable> cause) {
    public DeliveryError {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(cause, "cause");
    }

    /** An error the server reported with a status. */
    public static DeliveryError ofStatus(String description, Status status) {
        return new DeliveryError(description, Optional.of(status), Optional.empty());
    }

    /** An error raised by an exception (connection, TLS, timeout). */
    public static DeliveryError ofCause(String description, Throwable cause) {
        return new DeliveryError(description, Optional.empty(), Optional.of(cause));
    }

    @Override
    public String toString() {
        return description + cause.map(c -> " (" + c + ")").orElse("");
    }
}
