package dev.apns.internal.credentials;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Encodes the few DER elements needed to wrap a PKCS#1 or SEC1 key into PKCS#8: sequences, small
 * integers, octet strings, object identifiers and null. Each method returns a new array; callers that
 * pass key material zero both what they passed and what they got back. Stateless and thread-safe.
 */
final class DerWriter {
    private DerWriter() {
    }

    /** A SEQUENCE of these already encoded elements. */
    static byte[] sequence(byte[]... elements) {
        int length = 0;
        for (byte[] element : elements) {
            length += element.length;
        }
        byte[] content = new byte[length];
        int offset = 0;
        for (byte[] element : elements) {
            System.arraycopy(element, 0, content, offset, element.length);
            offset += element.length;
        }
        try {
            return element(DerReader.SEQUENCE, content);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** A non-negative INTEGER. */
    static byte[] integer(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("Only non-negative integers are written, not " + value + ".");
        }
        return element(DerReader.INTEGER, BigInteger.valueOf(value).toByteArray());
    }

    /** An OCTET STRING holding a copy of {@code content}. */
    static byte[] octetString(byte[] content) {
        return element(DerReader.OCTET_STRING, content);
    }

    /** A NULL. */
    static byte[] nullValue() {
        return new byte[] {DerReader.NULL, 0};
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    static byte[] objectIdentifier(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length < 2) {
            throw new IllegalArgumentException("An object identifier has at least two arcs: '" + dotted + "'.");
        }
        long[] arcs = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                arcs[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + dotted + "' is not a dotted object identifier.", e);
            }
            if (arcs[i] < 0) {
                throw new IllegalArgumentException("'" + dotted + "' has a negative arc.");
            }
        }
        if (arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40)) {
            throw new IllegalArgumentException("'" + dotted + "' does not start with a valid pair of arcs.");
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        writeArc(content, arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            writeArc(content, arcs[i]);
        }
        return element(DerReader.OBJECT_IDENTIFIER, content.toByteArray());
    }

    /** One element with this tag around a copy of {@code content}. */
    static byte[] element(int tag, byte[] content) {
        int length = content.length;
        int lengthBytes = length < 0x80 ? 0 : length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
        byte[] encoded = new byte[2 + lengthBytes + length];
        encoded[0] = (byte) tag;
        if (lengthBytes == 0) {
            encoded[1] = (byte) length;
        } else {
            encoded[1] = (byte) (0x80 | lengthBytes);
            for (int i = 0; i < lengthBytes; i++) {
                encoded[2 + i] = (byte) (length >>> (8 * (lengthBytes - 1 - i)));
            }
        }
        System.arraycopy(content, 0, encoded, 2 + lengthBytes, length);
        return encoded;
    }

    private static void writeArc(ByteArrayOutputStream out, long arc) {
        int groups = 1;
        while (groups < 10 && (arc >>> (7 * groups)) != 0) {
            groups++;
        }
        for (int i = groups - 1; i >= 0; i--) {
            int bits = (int) ((arc >>> (7 * i)) & 0x7f);
            out.write(i == 0 ? bits : bits | 0x80);
        }
    }
}
