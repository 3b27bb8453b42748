package dev.apns;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ApnsSession#send(Message)} learns that a batch went through. The binary protocol never
 * acknowledges success; the server only reports a failure, then closes. So the SDK either waits for a
 * quiet period after the last write, or writes a deliberately invalid "sentinel" notification whose
 * rejection proves that everything before it was processed. Immutable.
 *
 * <ul>
 *   <li>{@link #sentinel(Duration)} (the default, with a 5 s timeout): exact in one round trip, however slow the
 *       network, at the price of a new connection (TLS handshake) for the next send, since the server closes
 *       after every error response. If the sentinel's rejection does not come within the timeout, the
 *       connection is treated as dead and its unconfirmed notifications are resent.</li>
 *   <li>{@link #quietPeriod(Duration)}: the connection stays open and pooled for the next send, but every send
 *       waits the whole period, and an error response that arrives later than it is logged and counted
 *       against the next send on that connection, not against the batch that was already reported.</li>
 * </ul>
 */
public final class Confirmation {
    /** The kinds of strategy. */
    public enum Kind {
        QUIET_PERIOD,
        SENTINEL
    }

    private static final Confirmation DEFAULT = sentinel(Duration.ofSeconds(5));

    private final Kind kind;
    private final Duration duration;

    private Confirmation(Kind kind, Duration duration) {
        this.kind = kind;
        this.duration = duration;
    }

    /**
     * The default: a sentinel with a 5 s timeout, exact and fast (a 200 ms quiet period, the default before,
     * capped a send of 10,000 tokens at about 49,000 notifications a second and could report a batch accepted
     * that a late error response then contradicted).
     */
    public static Confirmation defaults() {
        return DEFAULT;
    }

    /** Accept a batch when no error response arrives within {@code period} after its last write. */
    public static Confirmation quietPeriod(Duration period) {
        return new Confirmation(Kind.QUIET_PERIOD, requireNonNegative(period, "quiet period"));
    }

    /**
     * End every batch with a sentinel notification the server must reject, and accept the batch when that
     * rejection arrives; wait at most {@code timeout} for it.
     */
    public static Confirmation sentinel(Duration timeout) {
        Duration checked = requireNonNegative(timeout, "sentinel timeout");
        if (checked.isZero()) {
            throw new IllegalArgumentException("The sentinel timeout must be positive.");
        }
        return new Confirmation(Kind.SENTINEL, checked);
    }

    public Kind kind() {
        return kind;
    }

    /** The quiet period, or the sentinel timeout. */
    public Duration duration() {
        return duration;
    }

    private static Duration requireNonNegative(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("The " + name + " must not be negative, was " + duration + ".");
        }
        return duration;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Confirmation that && kind == that.kind && duration.equals(that.duration);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + duration.hashCode();
    }

    @Override
    public String toString() {
        return kind == Kind.QUIET_PERIOD ? "quietPeriod(" + duration + ")" : "sentinel(" + duration + ")";
    }
}
