package dev.apns.internal.credentials;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Reads the few DER (ASN.1) constructs that key containers use: sequences, explicit context tags,
 * integers, octet strings, object identifiers and null. A reader walks the elements
 * of one level in order; {@link #sequence()} and {@link #explicit(int)} return a reader for the level
 * inside.
 *
 * <p>Readers look at the caller's array without copying it; methods that return bytes return copies,
 * which callers holding key material should zero after use. Not thread-safe: one reader per parse.
 */
final class DerReader {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int SEQUENCE = 0x30;
    /** The tag of an explicit context-specific tag {@code [n]} is {@code CONTEXT_CONSTRUCTED | n}. */
    static final int CONTEXT_CONSTRUCTED = 0xA0;

    private final byte[] data;
    private final int limit;
    private int position;

    /** A reader over all of {@code data}. */
    DerReader(byte[] data) {
        this(data, 0, data.length);
    }

    private DerReader(byte[] data, int offset, int limit) {
        this.data = data;
        this.position = offset;
        this.limit = limit;
    }

    /** Whether an element is left at this level. */
    boolean hasMore() {
        return position < limit;
    }

    /** Whether the next element at this level has this tag. */
    boolean nextIs(int tag) {
        return position < limit && (data[position] & 0xff) == tag;
    }

    /** The tag of the next element. */
    int peekTag() throws DerException {
        if (position >= limit) {
            throw new DerException("the data ends where another element was expected");
        }
        return data[position] & 0xff;
    }

    /** Reads a SEQUENCE and returns a reader over its elements. */
    DerReader sequence() throws DerException {
        Element element = next(SEQUENCE, "a SEQUENCE");
        return new DerReader(data, element.offset, element.offset + element.length);
    }

    /** Reads an explicit context-specific tag {@code [number]} and returns a reader over what it holds. */
    DerReader explicit(int number) throws DerException {
        Element element = next(CONTEXT_CONSTRUCTED | number, "a [" + number + "] tag");
        return new DerReader(data, element.offset, element.offset + element.length);
    }

    /** Reads an INTEGER. */
    BigInteger integer() throws DerException {
        Element element = next(INTEGER, "an INTEGER");
        if (element.length == 0) {
            throw new DerException("an INTEGER has no content");
        }
        return new BigInteger(data, element.offset, element.length);
    }

    /** Reads an INTEGER that must lie between {@code min} and {@code max}. */
    int smallInteger(int min, int max) throws DerException {
        BigInteger value = integer();
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new DerException("the INTEGER " + (value.bitLength() > 64 ? "(" + value.bitLength() + " bits)" : value)
                    + " lies outside " + min + ".." + max);
        }
        return value.intValue();
    }

    /** Reads an OCTET STRING and returns a copy of its content. */
    byte[] octetString() throws DerException {
        Element element = next(OCTET_STRING, "an OCTET STRING");
        return Arrays.copyOfRange(data, element.offset, element.offset + element.length);
    }

    /** Reads an OBJECT IDENTIFIER in dotted form ({@code 1.2.840.113549.1.1.1}). */
    String objectIdentifier() throws DerException {
        Element element = next(OBJECT_IDENTIFIER, "an OBJECT IDENTIFIER");
        if (element.length == 0) {
            throw new DerException("an OBJECT IDENTIFIER has no content");
        }
        StringBuilder dotted = new StringBuilder();
        long arc = 0;
        int arcBytes = 0;
        boolean first = true;
        for (int i = element.offset; i < element.offset + element.length; i++) {
            int b = data[i] & 0xff;
            if (arcBytes == 0 && b == 0x80) {
                throw new DerException("an OBJECT IDENTIFIER arc is not minimally encoded");
            }
            if (++arcBytes > 8) {
                throw new DerException("an OBJECT IDENTIFIER arc is too large");
            }
            arc = (arc << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (first) {
                    int top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
                    dotted.append(top).append('.').append(arc - 40L * top);
                    first = false;
                } else {
                    dotted.append('.').append(arc);
                }
                arc = 0;
                arcBytes = 0;
            }
        }
        if (arcBytes != 0) {
            throw new DerException("an OBJECT IDENTIFIER ends in the middle of an arc");
        }
        return dotted.toString();
    }

    /** Reads a NULL. */
    void nullValue() throws DerException {
        Element element = next(NULL, "a NULL");
        if (element.length != 0) {
            throw new DerException("a NULL has content");
        }
    }

    /** Moves past the next element, which must have this tag. */
    void skip(int tag, String what) throws DerException {
        next(tag, what);
    }

    /** Moves past the next element, whatever it is. */
    void skip() throws DerException {
        next();
    }

    /** Fails unless every element at this level has been read. */
    void requireEnd(String what) throws DerException {
        if (position < limit) {
            throw new DerException("unexpected data after " + what);
        }
    }

    private Element next(int expectedTag, String what) throws DerException {
        int tag = peekTag();
        if (tag != expectedTag) {
            throw new DerException("expected " + what + " but found tag 0x" + Integer.toHexString(tag));
        }
        return next();
    }

    private Element next() throws DerException {
        int tag = peekTag();
        if ((tag & 0x1f) == 0x1f) {
            throw new DerException("tag numbers above 30 are not used here");
        }
        int p = position + 1;
        if (p >= limit) {
            throw new DerException("the data ends inside an element header");
        }
        int first = data[p++] & 0xff;
        int length;
        if (first < 0x80) {
            length = first;
        } else if (first == 0x80) {
            throw new DerException("an indefinite length is not DER");
        } else {
            int count = first & 0x7f;
            if (count > 4) {
                throw new DerException("an element is longer than 2 GiB");
            }
            if (count > limit - p) {
                throw new DerException("the data ends inside an element length");
            }
            long value = 0;
            for (int i = 0; i < count; i++) {
                value = (value << 8) | (data[p++] & 0xff);
            }
            if (value > Integer.MAX_VALUE) {
                throw new DerException("an element is longer than 2 GiB");
            }
            length = (int) value;
        }
        if (length > limit - p) {
            throw new DerException("an element of " + length + " bytes runs past the end of the data");
        }
        position = p + length;
        return new Element(p, length);
    }

    private record Element(int offset, int length) {
    }

    /** The data is not the DER structure expected; the message says what was wrong, never what the bytes were. */
    static final class DerException extends Exception {
        private static final long serialVersionUID = 1L;

        DerException(String message) {
            super(message);
        }
    }
}
