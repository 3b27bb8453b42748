package dev.apns.internal.h2.hpack;

import java.util.List;

/**
 * Encodes header lists into HPACK header blocks (RFC 7541) for one connection's sending direction.
 *
 * <p>Fields found whole in the static or dynamic table are sent as an index; other fields are literals whose
 * name is indexed when a table has it, and which enter the dynamic table as the {@link IndexingPolicy} says.
 * Each string is Huffman-coded when that is shorter. The dynamic table is at most 4096 bytes (the default) and
 * never larger than the peer's SETTINGS_HEADER_TABLE_SIZE.
 *
 * <p>Encoding does not allocate once the sink has grown to its working size. Not thread-safe: one encoder
 * per connection, used by one thread at a time, in the order the blocks go on the wire.
 */
public final class HpackEncoder {

    /** An encoder with a 4096-byte dynamic table that indexes as {@code policy} says. */
    public HpackEncoder(IndexingPolicy policy) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Applies the peer's SETTINGS_HEADER_TABLE_SIZE. The table shrinks to {@code min(4096, bytes)} at once
     * (evicting as needed), and the next header block starts with the dynamic table size update(s) RFC 7541
     * §4.2 requires (the smallest size since the last block, then the final size).
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public void setMaxTableSize(int bytes) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Appends the header block for {@code headers}, in order, to {@code out}.
     *
     * @throws IllegalArgumentException if a name or value has a character above 0xFF (HPACK carries octets)
     */
    public void encode(List<Header> headers, ByteSink out) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The current maximum size of the dynamic table, in bytes. */
    public int maxTableSize() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The size of the dynamic table's entries by RFC 7541 §4.1, in bytes. */
    public int tableSize() {
        throw new UnsupportedOperationException("not yet");
    }
}
