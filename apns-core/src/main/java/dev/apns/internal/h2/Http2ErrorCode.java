package dev.apns.internal.h2;

/**
 * The error codes of RFC 9113 §7, used in RST_STREAM and GOAWAY frames. Codes a peer sends that are not listed
 * here stay {@code long}s where they are reported ({@link #describe(long)} names them).
 */
public enum Http2ErrorCode {
    /** Graceful shutdown, or no error. */
    NO_ERROR(0x0),
    /** A protocol rule was broken (no more specific code applies). */
    PROTOCOL_ERROR(0x1),
    /** The endpoint failed internally. */
    INTERNAL_ERROR(0x2),
    /** The peer broke flow control. */
    FLOW_CONTROL_ERROR(0x3),
    /** SETTINGS were not acknowledged in time. */
    SETTINGS_TIMEOUT(0x4),
    /** A frame arrived on a half-closed or closed stream. */
    STREAM_CLOSED(0x5),
    /** A frame had an invalid size. */
    FRAME_SIZE_ERROR(0x6),
    /** The stream was refused before any processing. */
    REFUSED_STREAM(0x7),
    /** The stream is no longer needed. */
    CANCEL(0x8),
    /** The header compression context could not be maintained. */
    COMPRESSION_ERROR(0x9),
    /** A CONNECT tunnel failed. */
    CONNECT_ERROR(0xa),
    /** The peer generates excessive load. */
    ENHANCE_YOUR_CALM(0xb),
    /** The transport does not meet minimum security requirements. */
    INADEQUATE_SECURITY(0xc),
    /** HTTP/1.1 is required instead. */
    HTTP_1_1_REQUIRED(0xd);

    private static final Http2ErrorCode[] BY_CODE = values();

    private final int code;

    Http2ErrorCode(int code) {
        this.code = code;
    }

    /** The code as it appears on the wire. */
    public int code() {
        return code;
    }

    /** The named code for a wire value, or {@code null} if RFC 9113 does not define it. */
    public static Http2ErrorCode of(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }

    /** A readable name for a wire value: the constant's name, or {@code "0x..."} for an unknown code. */
    public static String describe(long code) {
        Http2ErrorCode known = of(code);
        return known != null ? known.name() : "0x" + Long.toHexString(code);
    }
}
