package dev.apns.internal.h2.hpack;

/**
 * A header block the decoder cannot accept, with the reason and the offset of the offending byte within
 * the block. The only exception {@link HpackDecoder#decode} throws for any input.
 *
 * <p>Most failures leave the decoder's dynamic table out of step with the peer's encoder: the connection
 * must end with a connection error of type COMPRESSION_ERROR (RFC 9113 §4.3). When {@link #isStreamError()}
 * is true the decoder read the whole block and its table is still in step; only the header list was
 * unacceptable (larger than the limit, or a malformed field name), so the engine may reset just that stream
 * and keep the connection.
 *
 * <p>Checked on purpose: every caller must decide between those two outcomes.
 */
public final class HpackException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int offset;
    private final boolean streamError;

    /** A failure at byte {@code offset} of the block; {@code streamError} as {@link #isStreamError()}. */
    public HpackException(String reason, int offset, boolean streamError) {
        super(reason + " (at byte " + offset + " of the header block)");
        this.offset = offset;
        this.streamError = streamError;
    }

    /** The offset within the header block of the byte where the failure was found. */
    public int offset() {
        return offset;
    }

    /**
     * True when the block was decoded to its end and the dynamic table is in step with the peer, so the
     * failure concerns one stream only; false when the connection must end with COMPRESSION_ERROR.
     */
    public boolean isStreamError() {
        return streamError;
    }
}
