package dev.apns.mock.binary;

import dev.apns.DeviceToken;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A notification the {@link MockApnsServer} accepted, exactly as it was read from the wire. Immutable and
 * therefore safe to share between threads; the payload is copied in and out.
 *
 * @param connection the gateway connection it arrived on, numbered from 1 in the order the server accepted the
 *                   TCP connections over its lifetime ({@linkplain MockApnsServer#reset() reset} does not restart
 *                   the numbering; a connection whose handshake failed also takes a number)
 * @param command the command byte: 0 (simple), 1 (enhanced) or 2 (frame)
 * @param identifier the notification identifier, unsigned 32-bit; 0 for command 0 and for a frame without
 *                   an identifier item
 * @param expiry the expiry in seconds since the epoch, unsigned 32-bit; present for command 1 and for a
 *               frame with an expiry item
 * @param priority the priority byte; present only for a frame with a priority item
 * @param token the device token (always 32 bytes, since other lengths are rejected)
 * @param payload the payload bytes
 * @param index the server-wide processing number, from 1, counting every notification the server processed
 *              (accepted or rejected) since it started or was last reset
 */
public record ReceivedNotification(int connection, int command, long identifier, OptionalLong expiry,
                                   OptionalInt priority, DeviceToken token, byte[] payload, long index) {

    public ReceivedNotification {
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(payload, "payload");
        if (command < 0 || command > 2) {
            throw new IllegalArgumentException("A notification command is 0, 1 or 2; was " + command + ".");
        }
        if (identifier < 0 || identifier > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("An identifier is an unsigned 32-bit value; was " + identifier + ".");
        }
        payload = payload.clone();
    }

    /** A copy of the payload bytes. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload decoded as UTF-8 (malformed sequences become U+FFFD). */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The payload's size in bytes. */
    public int payloadLength() {
        return payload.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReceivedNotification that
                && connection == that.connection
                && command == that.command
                && identifier == that.identifier
                && index == that.index
                && expiry.equals(that.expiry)
                && priority.equals(that.priority)
                && token.equals(that.token)
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connection, command, identifier, expiry, priority, token, Arrays.hashCode(payload), index);
    }

    @Override
    public String toString() {
        return "ReceivedNotification[index=" + index + ", connection=" + connection + ", command=" + command
                + ", identifier=" + identifier + ", expiry=" + expiry + ", priority=" + priority + ", token=" + token
                + ", payload=" + abbreviate(payloadText()) + "]";
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
