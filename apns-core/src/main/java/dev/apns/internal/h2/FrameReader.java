package dev.apns.internal.h2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns the server's bytes into frame events (RFC 9113 §4, §6), whatever way the byte stream is split: it keeps a
 * partial frame header or payload between calls. It checks what a frame alone can tell: the size limit, the frame
 * type's fixed sizes, padding, which frames need a stream id and which must not have one, that the server's first
 * frame is SETTINGS, and that a header block is HEADERS followed only by CONTINUATION frames of the same stream. It
 * assembles header blocks, bounding both their total size and the number of CONTINUATION frames (a CONTINUATION
 * flood costs no more than one bounded block). Stream states, flow control and settings are the engine's business.
 *
 * <p>Buffers passed to the handler are views of the reader's own arrays, valid only during the call. Memory is
 * bounded by the frame size limit plus the header block limit. Not thread-safe.
 */
final class FrameReader {

    /** What the reader reports. Each method may throw the connection error it finds. */
    interface Handler {
        /** A DATA frame: its data without padding, and the flow-controlled length (the whole payload). */
        void onData(int streamId, boolean endStream, ByteBuffer data, int flowControlledLength) throws Http2Exception;

        /** A complete header block (HEADERS plus any CONTINUATION fragments), padding and priority removed. */
        void onHeaders(int streamId, boolean endStream, ByteBuffer block) throws Http2Exception;

        /** A RST_STREAM frame. */
        void onRstStream(int streamId, long errorCode) throws Http2Exception;

        /** A SETTINGS frame without ACK: its entries, a multiple of six bytes. */
        void onSettings(ByteBuffer entries) throws Http2Exception;

        /** A SETTINGS frame with ACK. */
        void onSettingsAck() throws Http2Exception;

        /** A PING frame. */
        void onPing(boolean ack, long payload) throws Http2Exception;

        /** A GOAWAY frame. */
        void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) throws Http2Exception;

        /** A WINDOW_UPDATE frame; the increment may be 0 (the engine decides what that breaks). */
        void onWindowUpdate(int streamId, int increment) throws Http2Exception;

        /** A PUSH_PROMISE frame. */
        void onPushPromise(int streamId) throws Http2Exception;

        /** A problem confined to one stream (RFC 9113 §5.4.2). */
        void onStreamError(int streamId, Http2ErrorCode code, String why) throws Http2Exception;
    }

    private final int maxFrameSize;
    private final int maxHeaderBlockSize;
    private final int maxContinuations;

    private final byte[] head = new byte[FrameType.HEADER_LENGTH];
    private int headFill;
    private boolean inPayload;
    private int length;
    private int type;
    private int flags;
    private int streamId;
    private final byte[] payload;
    private final ByteBuffer payloadView;
    private int payloadFill;

    private long consumed;
    private long frameStart;
    private boolean firstFrameSeen;

    private int blockStreamId;
    private boolean blockEndStream;
    private byte[] block = new byte[0];
    private int blockLength;
    private int continuations;

    /**
     * @param maxFrameSize       the SETTINGS_MAX_FRAME_SIZE we advertised
     * @param maxHeaderBlockSize the most bytes one header block (all its fragments) may have
     * @param maxContinuations   the most CONTINUATION frames one header block may have
     */
    FrameReader(int maxFrameSize, int maxHeaderBlockSize, int maxContinuations) {
        this.maxFrameSize = maxFrameSize;
        this.maxHeaderBlockSize = maxHeaderBlockSize;
        this.maxContinuations = maxContinuations;
        this.payload = new byte[maxFrameSize];
        this.payloadView = ByteBuffer.wrap(payload);
    }

    /** Where the current (or last) frame started, counting the connection's input from 0. */
    long frameOffset() {
        return frameStart;
    }

    /** The current (or last) frame's type. */
    int frameType() {
        return type;
    }

    /** Consumes all of {@code in}, reporting every frame it completes. */
    void read(ByteBuffer in, Handler handler) throws Http2Exception {
        while (true) {
            if (!inPayload) {
                int n = Math.min(FrameType.HEADER_LENGTH - headFill, in.remaining());
                in.get(head, headFill, n);
                headFill += n;
                consumed += n;
                if (headFill < FrameType.HEADER_LENGTH) {
                    return;
                }
                headFill = 0;
                frameStart = consumed - FrameType.HEADER_LENGTH;
                length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[2] & 0xff;
                type = head[3] & 0xff;
                flags = head[4] & 0xff;
                streamId = ((head[5] & 0x7f) << 24) | (head[6] & 0xff) << 16 | (head[7] & 0xff) << 8 | head[8] & 0xff;
                checkHeader();
                inPayload = true;
                payloadFill = 0;
            }
            int n = Math.min(length - payloadFill, in.remaining());
            in.get(payload, payloadFill, n);
            payloadFill += n;
            consumed += n;
            if (payloadFill < length) {
                return;
            }
            inPayload = false;
            dispatch(handler);
        }
    }

    private void checkHeader() throws Http2Exception {
        if (!firstFrameSeen) {
            firstFrameSeen = true;
            if (type != FrameType.SETTINGS || (flags & FrameType.FLAG_ACK) != 0) {
                boolean http1 = head[0] == 'H' && head[1] == 'T' && head[2] == 'T' && head[3] == 'P' && head[4] == '/';
                throw error(Http2ErrorCode.PROTOCOL_ERROR, "the server's connection preface must start with a"
                        + " SETTINGS frame; " + (http1 ? "its bytes start with 'HTTP/': the server speaks HTTP/1"
                        + " (was h2 negotiated by ALPN?)" : "this is not an HTTP/2 server"));
            }
        }
        if (length > maxFrameSize) {
            throw error(Http2ErrorCode.FRAME_SIZE_ERROR, "a payload of " + length
                    + " bytes exceeds our SETTINGS_MAX_FRAME_SIZE of " + maxFrameSize);
        }
        if (blockStreamId != 0) {
            if (type != FrameType.CONTINUATION || streamId != blockStreamId) {
                throw error(Http2ErrorCode.PROTOCOL_ERROR, "arrived inside the header block of stream "
                        + blockStreamId + ", where only CONTINUATION frames of that stream may come");
            }
            if (length > maxHeaderBlockSize - blockLength) {
                throw error(Http2ErrorCode.ENHANCE_YOUR_CALM, "the header block grows beyond our limit of "
                        + maxHeaderBlockSize + " bytes");
            }
        } else if (type == FrameType.CONTINUATION) {
            throw error(Http2ErrorCode.PROTOCOL_ERROR, "CONTINUATION without a HEADERS frame before it");
        }
        switch (type) {
            case FrameType.SETTINGS, FrameType.PING, FrameType.GOAWAY -> {
                if (streamId != 0) {
                    throw error(Http2ErrorCode.PROTOCOL_ERROR, "this frame type must have stream id 0");
                }
            }
            case FrameType.DATA, FrameType.HEADERS, FrameType.PRIORITY, FrameType.RST_STREAM, FrameType.PUSH_PROMISE,
                 FrameType.CONTINUATION -> {
                if (streamId == 0) {
                    throw error(Http2ErrorCode.PROTOCOL_ERROR, "this frame type needs a stream id, got 0");
                }
            }
            default -> {
                // WINDOW_UPDATE: either; extension types: anything.
            }
        }
        switch (type) {
            case FrameType.SETTINGS -> {
                if ((flags & FrameType.FLAG_ACK) != 0 ? length != 0 : length % 6 != 0) {
                    throw error(Http2ErrorCode.FRAME_SIZE_ERROR, "length " + length + ((flags & FrameType.FLAG_ACK) != 0
                            ? " with ACK (must be 0)" : " is not a multiple of 6"));
                }
            }
            case FrameType.PING -> requireLength(8);
            case FrameType.RST_STREAM, FrameType.WINDOW_UPDATE -> requireLength(4);
            case FrameType.GOAWAY -> {
                if (length < 8) {
                    throw error(Http2ErrorCode.FRAME_SIZE_ERROR, "length " + length + " is below the minimum of 8");
                }
            }
            default -> {
            }
        }
    }

    private void requireLength(int expected) throws Http2Exception {
        if (length != expected) {
            throw error(Http2ErrorCode.FRAME_SIZE_ERROR, "length " + length + " where it must be " + expected);
        }
    }

    private void dispatch(Handler handler) throws Http2Exception {
        ByteBuffer view = payloadView;
        view.limit(length).position(0);
        switch (type) {
            case FrameType.DATA -> {
                int start = (flags & FrameType.FLAG_PADDED) != 0 ? 1 : 0;
                int end = length - padding(start);
                view.limit(end).position(start);
                handler.onData(streamId, (flags & FrameType.FLAG_END_STREAM) != 0, view, length);
            }
            case FrameType.HEADERS -> {
                int start = ((flags & FrameType.FLAG_PADDED) != 0 ? 1 : 0) + ((flags & FrameType.FLAG_PRIORITY) != 0 ? 5 : 0);
                int end = length - padding(start);
                boolean endStream = (flags & FrameType.FLAG_END_STREAM) != 0;
                if ((flags & FrameType.FLAG_END_HEADERS) != 0) {
                    view.limit(end).position(start);
                    handler.onHeaders(streamId, endStream, view);
                } else {
                    blockStreamId = streamId;
                    blockEndStream = endStream;
                    blockLength = 0;
                    continuations = 0;
                    appendToBlock(start, end - start);
                }
            }
            case FrameType.CONTINUATION -> {
                if (++continuations > maxContinuations) {
                    throw error(Http2ErrorCode.ENHANCE_YOUR_CALM, "more than " + maxContinuations
                            + " CONTINUATION frames in one header block");
                }
                appendToBlock(0, length);
                if ((flags & FrameType.FLAG_END_HEADERS) != 0) {
                    int id = blockStreamId;
                    blockStreamId = 0;
                    handler.onHeaders(id, blockEndStream, ByteBuffer.wrap(block, 0, blockLength));
                }
            }
            case FrameType.PRIORITY -> {
                if (length != 5) {
                    handler.onStreamError(streamId, Http2ErrorCode.FRAME_SIZE_ERROR,
                            "PRIORITY frame of length " + length + " (must be 5)");
                }
                // Otherwise ignored: RFC 9113 deprecates the priority scheme, and APNs ignores it.
            }
            case FrameType.RST_STREAM -> handler.onRstStream(streamId, view.getInt(0) & 0xffff_ffffL);
            case FrameType.SETTINGS -> {
                if ((flags & FrameType.FLAG_ACK) != 0) {
                    handler.onSettingsAck();
                } else {
                    handler.onSettings(view);
                }
            }
            case FrameType.PUSH_PROMISE -> handler.onPushPromise(streamId);
            case FrameType.PING -> handler.onPing((flags & FrameType.FLAG_ACK) != 0, view.getLong(0));
            case FrameType.GOAWAY -> {
                int last = view.getInt(0) & 0x7fff_ffff;
                long code = view.getInt(4) & 0xffff_ffffL;
                view.position(8);
                handler.onGoAway(last, code, view);
            }
            case FrameType.WINDOW_UPDATE -> handler.onWindowUpdate(streamId, view.getInt(0) & 0x7fff_ffff);
            default -> {
                // Unknown (extension) frame types are ignored (RFC 9113 §4.1, §5.5).
            }
        }
    }

    /** The padding length of a padded frame whose fixed fields (pad length first) take {@code fixed} bytes. */
    private int padding(int fixed) throws Http2Exception {
        if (length < fixed) {
            throw error(Http2ErrorCode.FRAME_SIZE_ERROR, "length " + length + " is too small for the "
                    + fixed + " bytes its flags announce");
        }
        if ((flags & FrameType.FLAG_PADDED) == 0) {
            return 0;
        }
        int pad = payload[0] & 0xff;
        if (pad > length - fixed) {
            throw error(Http2ErrorCode.PROTOCOL_ERROR, "padding of " + pad + " bytes is longer than the "
                    + (length - fixed) + " bytes after the frame's fixed fields");
        }
        return pad;
    }

    private void appendToBlock(int from, int count) {
        if (block.length - blockLength < count) {
            block = Arrays.copyOf(block, Math.min(maxHeaderBlockSize, Math.max(blockLength + count, block.length * 2)));
        }
        System.arraycopy(payload, from, block, blockLength, count);
        blockLength += count;
    }

    private Http2Exception error(Http2ErrorCode code, String message) {
        return new Http2Exception(code, streamId, frameStart, FrameType.name(type) + " frame: " + message);
    }
}
