package dev.apns.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a backend can work in this JVM, and if not, why (for example a native library that does not
 * load on this platform). Immutable.
 */
public final class Availability {
    private static final Availability AVAILABLE = new Availability(null);

    private final String reason;

    private Availability(String reason) {
        this.reason = reason;
    }

    /** The backend can be used here. */
    public static Availability available() {
        return AVAILABLE;
    }

    /** The backend cannot be used here, for the reason given (a whole sentence for the user). */
    public static Availability unavailable(String reason) {
        return new Availability(Objects.requireNonNull(reason, "reason"));
    }

    /** True when the backend can be used. */
    public boolean isAvailable() {
        return reason == null;
    }

    /** Why the backend cannot be used; empty when it can. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public String toString() {
        return reason == null ? "available" : "unavailable: " + reason;
    }
}
