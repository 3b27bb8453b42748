package dev.apns.protocol.binary;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/** Writes feedback tuples, {@code u32 time | u16 tokenLength | token}: what a feedback server sends. */
public final class FeedbackEncoder {
    private FeedbackEncoder() {
    }

    /** The size of one tuple. */
    public static int tupleSize(int tokenLength) {
        return 6 + tokenLength;
    }

    /** Writes one tuple; {@code epochSeconds} is taken as an unsigned 32-bit value. */
    public static void writeTuple(ByteBuffer destination, long epochSeconds, byte[] token) {
        if (epochSeconds < 0 || epochSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("Feedback time must be an unsigned 32-bit value, was " + epochSeconds + ".");
        }
        if (token.length > 0xFFFF) {
            throw new IllegalArgumentException("Token of " + token.length + " bytes does not fit a 16-bit length.");
        }
        if (destination.remaining() < tupleSize(token.length)) {
            throw new BufferOverflowException();
        }
        destination.putInt((int) epochSeconds).putShort((short) token.length).put(token);
    }
}
