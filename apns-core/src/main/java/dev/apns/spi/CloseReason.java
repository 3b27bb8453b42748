package dev.apns.spi;

import java.util.Objects;
import java.util.Optional;

/** Why a {@link Connection} ended. Immutable. */
public final class CloseReason {
    /** Who or what ended the connection. */
    public enum Kind {
        /** {@link Connection#close()} was called on this side. */
        LOCAL,
        /** The peer closed the connection in an orderly way (end of stream). */
        PEER,
        /** An I/O error, a timeout or a TLS failure ended it; {@link #cause()} says which. */
        ERROR
    }

    private static final CloseReason LOCAL = new CloseReason(Kind.LOCAL, null);
    private static final CloseReason PEER = new CloseReason(Kind.PEER, null);

    private final Kind kind;
    private final Throwable cause;

    private CloseReason(Kind kind, Throwable cause) {
        this.kind = kind;
        this.cause = cause;
    }

    /** Closed by this side. */
    public static CloseReason local() {
        return LOCAL;
    }

    /** Closed by the peer. */
    public static CloseReason peer() {
        return PEER;
    }

    /** Ended by a failure. */
    public static CloseReason error(Throwable cause) {
        return new CloseReason(Kind.ERROR, Objects.requireNonNull(cause, "cause"));
    }

    public Kind kind() {
        return kind;
    }

    /** The failure that ended the connection, for {@link Kind#ERROR}. */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case LOCAL -> "closed locally";
            case PEER -> "closed by the peer";
            case ERROR -> "failed: " + cause;
        };
    }
}
