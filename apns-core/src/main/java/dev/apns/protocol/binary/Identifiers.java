package dev.apns.protocol.binary;

/**
 * Notification identifiers: unsigned 32-bit values, per connection, starting at 1. After
 * {@code 0xFFFFFFFF} comes 1 again, never 0, so that an error response naming identifier 0 (which the
 * sandbox has been seen to send) can never be mistaken for one of ours.
 */
public final class Identifiers {
    /** The first identifier of every connection. */
    public static final long FIRST = 1;
    /** The largest identifier. */
    public static final long MAX = 0xFFFF_FFFFL;

    private Identifiers() {
    }

    /** The identifier after {@code identifier}. */
    public static long next(long identifier) {
        return identifier >= MAX ? FIRST : identifier + 1;
    }

    /**
     * How many steps of {@link #next} lead from {@code from} to {@code to} (0 when equal), in the
     * identifier space that skips 0. Both must be between 1 and {@link #MAX}.
     */
    public static long distance(long from, long to) {
        return to >= from ? to - from : (MAX - from) + to;
    }

    /** True when {@code identifier} is a value this SDK could have assigned (1 to {@link #MAX}). */
    public static boolean isValid(long identifier) {
        return identifier >= FIRST && identifier <= MAX;
    }
}
