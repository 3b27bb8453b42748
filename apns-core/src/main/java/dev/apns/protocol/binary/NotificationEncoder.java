package dev.apns.protocol.binary;

import dev.apns.DeviceToken;
import dev.apns.Payload;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Writes notifications in the three formats of the binary protocol into a caller's buffer, big-endian.
 * Stateless and allocation-free; every method writes at the buffer's position and advances it, or throws
 * {@link BufferOverflowException} without writing when the buffer lacks room.
 *
 * <ul>
 *   <li>Command 0, simple: {@code 0 | u16 tokenLen | token | u16 payloadLen | payload}.</li>
 *   <li>Command 1, enhanced: {@code 1 | u32 id | u32 expiry | u16 tokenLen | token | u16 payloadLen | payload}.</li>
 *   <li>Command 2, frame: {@code 2 | u32 frameLen | items}, items {@code u8 id | u16 len | data}: token (1),
 *       payload (2), identifier (3), expiry (4, optional), priority (5, optional).</li>
 * </ul>
 * Lengths beyond what a field can carry (65,535 for a token or payload) are refused with an
 * {@link IllegalArgumentException}; nothing else is judged here.
 */
public final class NotificationEncoder {
    public static final byte COMMAND_SIMPLE = 0;
    public static final byte COMMAND_ENHANCED = 1;
    public static final byte COMMAND_FRAME = 2;

    public static final byte ITEM_TOKEN = 1;
    public static final byte ITEM_PAYLOAD = 2;
    public static final byte ITEM_IDENTIFIER = 3;
    public static final byte ITEM_EXPIRY = 4;
    public static final byte ITEM_PRIORITY = 5;

    /** Pass as expiry to leave the expiry item out of a frame. */
    public static final long NO_EXPIRY = -1;
    /** Pass as priority to leave the priority item out of a frame. */
    public static final int NO_PRIORITY = -1;

    private static final int ITEM_HEADER = 3;

    private NotificationEncoder() {
    }

    /** The total bytes of a command-2 frame with these parts (a {@code null} token is left out). */
    public static int frameSize(int tokenLength, int payloadLength, boolean hasExpiry, boolean hasPriority) {
        return 5 + frameLength(tokenLength, payloadLength, hasExpiry, hasPriority);
    }

    private static int frameLength(int tokenLength, int payloadLength, boolean hasExpiry, boolean hasPriority) {
        int length = (tokenLength < 0 ? 0 : ITEM_HEADER + tokenLength) + ITEM_HEADER + payloadLength + ITEM_HEADER + 4;
        if (hasExpiry) {
            length += ITEM_HEADER + 4;
        }
        if (hasPriority) {
            length += ITEM_HEADER + 1;
        }
        return length;
    }

    /**
     * Writes a command-2 frame.
     *
     * @param destination where to write
     * @param identifier the notification identifier, an unsigned 32-bit value
     * @param token the device token bytes; {@code null} leaves the token item out (a deliberately invalid
     *     notification, used as a sentinel)
     * @param payload the payload bytes
     * @param expirySeconds seconds since the epoch (0: deliver once), or {@link #NO_EXPIRY}
     * @param priority 0 to 255, or {@link #NO_PRIORITY}
     */
    public static void writeFrame(ByteBuffer destination, long identifier, byte[] token, byte[] payload,
                                  long expirySeconds, int priority) {
        int tokenLength = token == null ? -1 : checkLength(token.length, "token");
        writeHead(destination, tokenLength, payload.length, expirySeconds, priority);
        if (token != null) {
            destination.put(ITEM_TOKEN).putShort((short) token.length).put(token);
        }
        destination.put(ITEM_PAYLOAD).putShort((short) payload.length).put(payload);
        writeTail(destination, identifier, expirySeconds, priority);
    }

    /**
     * Writes a command-2 frame for a {@link DeviceToken} without copying its bytes first; otherwise as
     * {@link #writeFrame(ByteBuffer, long, byte[], byte[], long, int)}.
     */
    public static void writeFrame(ByteBuffer destination, long identifier, DeviceToken token, byte[] payload,
                                  long expirySeconds, int priority) {
        writeHead(destination, token.length(), payload.length, expirySeconds, priority);
        destination.put(ITEM_TOKEN).putShort((short) token.length());
        token.writeTo(destination);
        destination.put(ITEM_PAYLOAD).putShort((short) payload.length).put(payload);
        writeTail(destination, identifier, expirySeconds, priority);
    }

    /**
     * Writes a command-2 frame from a {@link DeviceToken} and a {@link Payload} without copying either
     * first: no allocation per notification; otherwise as
     * {@link #writeFrame(ByteBuffer, long, byte[], byte[], long, int)}.
     */
    public static void writeFrame(ByteBuffer destination, long identifier, DeviceToken token, Payload payload,
                                  long expirySeconds, int priority) {
        writeHead(destination, token.length(), payload.size(), expirySeconds, priority);
        destination.put(ITEM_TOKEN).putShort((short) token.length());
        token.writeTo(destination);
        destination.put(ITEM_PAYLOAD).putShort((short) payload.size());
        payload.writeTo(destination);
        writeTail(destination, identifier, expirySeconds, priority);
    }

    /** Checks the parts, checks for room, and writes the command and frame length. */
    private static void writeHead(ByteBuffer destination, int tokenLength, int payloadLength, long expirySeconds,
                                  int priority) {
        checkLength(payloadLength, "payload");
        if (priority != NO_PRIORITY && (priority < 0 || priority > 255)) {
            throw new IllegalArgumentException("Priority must be 0 to 255, was " + priority + ".");
        }
        int frameLength = frameLength(tokenLength, payloadLength, expirySeconds != NO_EXPIRY, priority != NO_PRIORITY);
        if (destination.remaining() < 5 + frameLength) {
            throw new BufferOverflowException();
        }
        destination.put(COMMAND_FRAME).putInt(frameLength);
    }

    /** The items after the payload: identifier, and expiry and priority when set. */
    private static void writeTail(ByteBuffer destination, long identifier, long expirySeconds, int priority) {
        destination.put(ITEM_IDENTIFIER).putShort((short) 4).putInt((int) identifier);
        if (expirySeconds != NO_EXPIRY) {
            destination.put(ITEM_EXPIRY).putShort((short) 4).putInt((int) expirySeconds);
        }
        if (priority != NO_PRIORITY) {
            destination.put(ITEM_PRIORITY).putShort((short) 1).put((byte) priority);
        }
    }

    /** The total bytes of a command-1 notification. */
    public static int enhancedSize(int tokenLength, int payloadLength) {
        return 1 + 4 + 4 + 2 + tokenLength + 2 + payloadLength;
    }

    /** Writes a command-1 (enhanced) notification; {@code expirySeconds} 0 means deliver once. */
    public static void writeEnhanced(ByteBuffer destination, long identifier, long expirySeconds, byte[] token,
                                     byte[] payload) {
        checkLength(token.length, "token");
        checkLength(payload.length, "payload");
        if (destination.remaining() < enhancedSize(token.length, payload.length)) {
            throw new BufferOverflowException();
        }
        destination.put(COMMAND_ENHANCED).putInt((int) identifier).putInt((int) expirySeconds)
                .putShort((short) token.length).put(token)
                .putShort((short) payload.length).put(payload);
    }

    /** The total bytes of a command-0 notification. */
    public static int simpleSize(int tokenLength, int payloadLength) {
        return 1 + 2 + tokenLength + 2 + payloadLength;
    }

    /** Writes a command-0 (simple) notification. The server never reports errors for this format. */
    public static void writeSimple(ByteBuffer destination, byte[] token, byte[] payload) {
        checkLength(token.length, "token");
        checkLength(payload.length, "payload");
        if (destination.remaining() < simpleSize(token.length, payload.length)) {
            throw new BufferOverflowException();
        }
        destination.put(COMMAND_SIMPLE).putShort((short) token.length).put(token)
                .putShort((short) payload.length).put(payload);
    }

    private static int checkLength(int length, String what) {
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("The " + what + " is " + length
                    + " bytes; the protocol's 16-bit length field carries at most 65535.");
        }
        return length;
    }
}
