package dev.apns.internal.h2.hpack;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Decodes HPACK header blocks (RFC 7541) for one connection's receiving direction, enforcing our limits:
 * the dynamic table size we advertise, and the header list size (RFC 9113 §6.5.2: name, value and 32 bytes per
 * field). Any input is decoded or rejected with an {@link HpackException} in time linear in its length and
 * memory bounded by the limits.
 *
 * <p>After an exception whose {@link HpackException#isStreamError()} is false the decoder is out of step with
 * the peer and must not be used again. Not thread-safe: one decoder per connection, fed the blocks in the order
 * they arrived.
 */
public final class HpackDecoder {

    /**
     * A decoder whose dynamic table may hold {@code maxTableSize} bytes (the SETTINGS_HEADER_TABLE_SIZE we
     * advertise, 4096 by default) and which rejects header lists larger than {@code maxHeaderListSize}.
     *
     * @throws IllegalArgumentException if either is negative
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Changes the table size limit when our SETTINGS_HEADER_TABLE_SIZE changes: call it for an increase when the
     * SETTINGS frame is sent, and for a decrease when the peer acknowledges it (until then the peer may still use
     * the old size). If the peer's table is then larger than the new limit, its next block must start with a
     * dynamic table size update at or below the limit (RFC 7541 §4.2), or decoding fails.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public void setMaxTableSize(int bytes) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Decodes one complete header block (HEADERS plus any CONTINUATION fragments, concatenated), consuming the
     * buffer's remaining bytes. Offsets in exceptions count from the buffer's position at the call.
     *
     * @return the header list, in the block's order
     * @throws HpackException if the block is malformed or breaks a limit
     */
    public List<Header> decode(ByteBuffer block) throws HpackException {
        throw new UnsupportedOperationException("not yet");
    }

    /** The current size limit of the dynamic table, in bytes. */
    public int maxTableSize() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The size of the dynamic table's entries by RFC 7541 §4.1, in bytes. */
    public int tableSize() {
        throw new UnsupportedOperationException("not yet");
    }
}
