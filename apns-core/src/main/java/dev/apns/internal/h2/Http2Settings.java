package dev.apns.internal.h2;

import java.nio.ByteBuffer;

/**
 * One endpoint's SETTINGS (RFC 9113 §6.5.2) as they stand after every SETTINGS frame so far. Immutable: applying a
 * frame gives a new value. Unknown identifiers are ignored, as the RFC asks.
 */
public final class Http2Settings {

    /** SETTINGS_HEADER_TABLE_SIZE. */
    public static final int HEADER_TABLE_SIZE = 0x1;
    /** SETTINGS_ENABLE_PUSH. */
    public static final int ENABLE_PUSH = 0x2;
    /** SETTINGS_MAX_CONCURRENT_STREAMS. */
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    /** SETTINGS_INITIAL_WINDOW_SIZE. */
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    /** SETTINGS_MAX_FRAME_SIZE. */
    public static final int MAX_FRAME_SIZE = 0x5;
    /** SETTINGS_MAX_HEADER_LIST_SIZE. */
    public static final int MAX_HEADER_LIST_SIZE = 0x6;
    /** SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441). */
    public static final int ENABLE_CONNECT_PROTOCOL = 0x8;
    /** SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218). */
    public static final int NO_RFC7540_PRIORITIES = 0x9;

    /** The smallest and default SETTINGS_MAX_FRAME_SIZE. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    /** The largest SETTINGS_MAX_FRAME_SIZE: 2^24-1. */
    public static final int MAX_MAX_FRAME_SIZE = 16_777_215;
    /** The default SETTINGS_INITIAL_WINDOW_SIZE and initial connection window. */
    public static final int DEFAULT_WINDOW = 65_535;

    /** The values every endpoint starts with (RFC 9113 §6.5.2): unlimited where the RFC says so. */
    public static final Http2Settings DEFAULTS =
            new Http2Settings(4096, true, Long.MAX_VALUE, DEFAULT_WINDOW, DEFAULT_MAX_FRAME_SIZE, Long.MAX_VALUE);

    private final long headerTableSize;
    private final boolean enablePush;
    private final long maxConcurrentStreams;
    private final int initialWindowSize;
    private final int maxFrameSize;
    private final long maxHeaderListSize;

    private Http2Settings(long headerTableSize, boolean enablePush, long maxConcurrentStreams, int initialWindowSize,
                          int maxFrameSize, long maxHeaderListSize) {
        this.headerTableSize = headerTableSize;
        this.enablePush = enablePush;
        this.maxConcurrentStreams = maxConcurrentStreams;
        this.initialWindowSize = initialWindowSize;
        this.maxFrameSize = maxFrameSize;
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /**
     * These settings with a SETTINGS frame's payload applied, entry by entry in order, as the peer (a server) sent
     * them to a client.
     *
     * @param payload     the entries between position and limit (a multiple of 6 bytes; the reader checked); read
     *                    with absolute gets, the position does not move
     * @param inputOffset where the frame started in the connection's input, for the error
     * @throws Http2Exception PROTOCOL_ERROR for ENABLE_PUSH other than 0 (a server must not enable push), a
     *                        MAX_FRAME_SIZE outside 16,384 .. 2^24-1, or a boolean setting other than 0 or 1;
     *                        FLOW_CONTROL_ERROR for an INITIAL_WINDOW_SIZE above 2^31-1
     */
    public Http2Settings applyFromServer(ByteBuffer payload, long inputOffset) throws Http2Exception {
        long table = headerTableSize;
        boolean push = enablePush;
        long streams = maxConcurrentStreams;
        int window = initialWindowSize;
        int frame = maxFrameSize;
        long headerList = maxHeaderListSize;
        for (int at = payload.position(); at + 6 <= payload.limit(); at += 6) {
            int id = payload.getShort(at) & 0xffff;
            long value = payload.getInt(at + 2) & 0xffff_ffffL;
            switch (id) {
                case HEADER_TABLE_SIZE -> table = value;
                case ENABLE_PUSH -> {
                    if (value != 0) {
                        throw invalid(Http2ErrorCode.PROTOCOL_ERROR, inputOffset, "SETTINGS_ENABLE_PUSH " + value
                                + " from a server (a server may only send 0)");
                    }
                    push = false;
                }
                case MAX_CONCURRENT_STREAMS -> streams = value;
                case INITIAL_WINDOW_SIZE -> {
                    if (value > Integer.MAX_VALUE) {
                        throw invalid(Http2ErrorCode.FLOW_CONTROL_ERROR, inputOffset,
                                "SETTINGS_INITIAL_WINDOW_SIZE " + value + " is above 2^31-1");
                    }
                    window = (int) value;
                }
                case MAX_FRAME_SIZE -> {
                    if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
                        throw invalid(Http2ErrorCode.PROTOCOL_ERROR, inputOffset,
                                "SETTINGS_MAX_FRAME_SIZE " + value + " is outside 16,384 .. 16,777,215");
                    }
                    frame = (int) value;
                }
                case MAX_HEADER_LIST_SIZE -> headerList = value;
                case ENABLE_CONNECT_PROTOCOL, NO_RFC7540_PRIORITIES -> {
                    if (value > 1) {
                        throw invalid(Http2ErrorCode.PROTOCOL_ERROR, inputOffset,
                                "SETTINGS 0x" + Integer.toHexString(id) + " is " + value + ", not 0 or 1");
                    }
                }
                default -> {
                    // Unknown settings are ignored (RFC 9113 §6.5.2).
                }
            }
        }
        return new Http2Settings(table, push, streams, window, frame, headerList);
    }

    private static Http2Exception invalid(Http2ErrorCode code, long inputOffset, String message) {
        return new Http2Exception(code, 0, inputOffset, message);
    }

    /** SETTINGS_HEADER_TABLE_SIZE: the most the other side's HPACK encoder may use of our decoder's table. */
    public long headerTableSize() {
        return headerTableSize;
    }

    /** SETTINGS_ENABLE_PUSH. */
    public boolean enablePush() {
        return enablePush;
    }

    /** SETTINGS_MAX_CONCURRENT_STREAMS; {@link Long#MAX_VALUE} when never sent (unlimited). */
    public long maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** SETTINGS_INITIAL_WINDOW_SIZE: every stream's initial send window towards this endpoint. */
    public int initialWindowSize() {
        return initialWindowSize;
    }

    /** SETTINGS_MAX_FRAME_SIZE: the largest frame payload this endpoint accepts. */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** SETTINGS_MAX_HEADER_LIST_SIZE; {@link Long#MAX_VALUE} when never sent (unlimited). */
    public long maxHeaderListSize() {
        return maxHeaderListSize;
    }

    @Override
    public String toString() {
        return "Http2Settings[headerTableSize=" + headerTableSize + ", enablePush=" + enablePush
                + ", maxConcurrentStreams=" + (maxConcurrentStreams == Long.MAX_VALUE ? "unlimited" : maxConcurrentStreams)
                + ", initialWindowSize=" + initialWindowSize + ", maxFrameSize=" + maxFrameSize
                + ", maxHeaderListSize=" + (maxHeaderListSize == Long.MAX_VALUE ? "unlimited" : maxHeaderListSize) + "]";
    }
}
