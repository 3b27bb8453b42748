package dev.apns.protocol.binary;

import dev.apns.Status;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The server's error response: {@code u8 8 | u8 status | u32 identifier}, after which it closes the
 * connection. Immutable.
 *
 * @param status the status
 * @param identifier the notification identifier it names, unsigned
 */
public record ErrorResponse(Status status, long identifier) {
    /** The command byte of an error response. */
    public static final byte COMMAND = 8;
    /** Its size in bytes. */
    public static final int SIZE = 6;

    public ErrorResponse {
        Objects.requireNonNull(status, "status");
        if (identifier < 0 || identifier > Identifiers.MAX) {
            throw new IllegalArgumentException("An identifier is an unsigned 32-bit value; was " + identifier + ".");
        }
    }

    /** Writes the six bytes at the buffer's position. */
    public void writeTo(ByteBuffer destination) {
        destination.put(COMMAND).put((byte) status.code()).putInt((int) identifier);
    }

    /** The six bytes. */
    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        writeTo(buffer);
        return buffer.array();
    }

    @Override
    public String toString() {
        return "ErrorResponse[" + status.description() + ", identifier=" + identifier + "]";
    }
}
