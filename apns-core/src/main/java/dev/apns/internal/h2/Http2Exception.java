package dev.apns.internal.h2;

/**
 * A connection error (RFC 9113 §5.4.1) found in the peer's bytes: which rule was broken, on which stream, and at
 * which offset of the connection's input the offending frame started. When the engine throws it, it has already
 * queued a GOAWAY with {@link #errorCode()} and closed itself.
 */
public final class Http2Exception extends Exception {

    private static final long serialVersionUID = 1L;

    private final Http2ErrorCode errorCode;
    private final int streamId;
    private final long inputOffset;

    /**
     * @param errorCode   the code sent in the GOAWAY
     * @param streamId    the stream of the offending frame (0 for the connection)
     * @param inputOffset the offset in the connection's received bytes where that frame started, or -1 if unknown
     * @param message     what was wrong, as a sentence
     */
    public Http2Exception(Http2ErrorCode errorCode, int streamId, long inputOffset, String message) {
        super(errorCode + " on " + (streamId == 0 ? "the connection" : "stream " + streamId)
                + (inputOffset >= 0 ? " (frame at input offset " + inputOffset + ")" : "") + ": " + message);
        this.errorCode = errorCode;
        this.streamId = streamId;
        this.inputOffset = inputOffset;
    }

    /** The HTTP/2 error code of this connection error. */
    public Http2ErrorCode errorCode() {
        return errorCode;
    }

    /** The stream of the offending frame, 0 for a connection-level frame. */
    public int streamId() {
        return streamId;
    }

    /** Where the offending frame started in the connection's input, counted in bytes from 0; -1 if unknown. */
    public long inputOffset() {
        return inputOffset;
    }
}
