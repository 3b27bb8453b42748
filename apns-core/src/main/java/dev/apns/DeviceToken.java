package dev.apns;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A device token: the opaque bytes an app received from APNs, usually shown as 64 hex digits. Only the
 * encoding is checked (hex digits, whole bytes, at most 65,535 bytes as the protocol's length field
 * allows); the length Apple expects is left for the server to judge. Immutable; equal when the bytes are.
 */
public final class DeviceToken {
    private static final HexFormat HEX = HexFormat.of();
    /** The largest token the protocol's 16-bit length field can carry. */
    public static final int MAX_LENGTH = 0xFFFF;

    private final byte[] bytes;
    private final String hex;

    private DeviceToken(byte[] bytes) {
        this.bytes = bytes;
        this.hex = HEX.formatHex(bytes);
    }

    /**
     * Parses a token written in hex. Spaces and the angle brackets of Objective-C's description
     * ({@code <a1b2 c3d4 ...>}) are ignored; upper and lower case are accepted.
     *
     * @throws InvalidTokenException naming the text and what is wrong with it
     */
    public static DeviceToken fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        StringBuilder digits = new StringBuilder(hex.length());
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (c == ' ' || c == '<' || c == '>' || c == '\t') {
                continue;
            }
            if (!isAsciiHexDigit(c)) { // Character.digit would accept other scripts' digits, which parseHex refuses
                throw new InvalidTokenException("Device token '" + abbreviate(hex) + "' has '" + c
                        + "' at position " + i + "; a token is written in hex digits (0-9, a-f).");
            }
            digits.append(c);
        }
        if (digits.length() == 0) {
            throw new InvalidTokenException("Device token '" + abbreviate(hex) + "' is empty.");
        }
        if (digits.length() % 2 != 0) {
            throw new InvalidTokenException("Device token '" + abbreviate(hex) + "' has an odd number of hex digits ("
                    + digits.length() + "); each byte takes two.");
        }
        return fromBytes(HEX.parseHex(digits));
    }

    /**
     * A token from its bytes (copied).
     *
     * @throws InvalidTokenException when empty or longer than {@link #MAX_LENGTH}
     */
    public static DeviceToken fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new InvalidTokenException("Device token is empty.");
        }
        if (bytes.length > MAX_LENGTH) {
            throw new InvalidTokenException("Device token is " + bytes.length + " bytes long; the protocol carries at most "
                    + MAX_LENGTH + ".");
        }
        return new DeviceToken(bytes.clone());
    }

    /** A copy of the token's bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The number of bytes (32 for the tokens Apple has issued so far). */
    public int length() {
        return bytes.length;
    }

    /** The token as lower-case hex. */
    public String toHex() {
        return hex;
    }

    /** Puts the token's bytes into {@code destination} at its position, without copying them first. */
    public void writeTo(java.nio.ByteBuffer destination) {
        destination.put(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeviceToken that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The token as lower-case hex. */
    @Override
    public String toString() {
        return hex;
    }

    private static boolean isAsciiHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
