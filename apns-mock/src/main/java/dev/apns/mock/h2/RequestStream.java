package dev.apns.mock.h2;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import java.util.Arrays;

/**
 * One active stream of a server connection: a request whose body is still arriving, or whose answer is not
 * written yet (held back, delayed, or waiting for flow-control window). A request that arrives whole in one HEADERS
 * frame and is answered at once never needs one.
 */
final class RequestStream {
    /** Bodies are kept up to one byte more than the largest payload, enough to tell that one is too large. */
    static final int MAX_KEPT_BODY = 5121;
    static final byte[] NO_BODY = new byte[0];

    final int id;
    Http2Headers headers;
    byte[] body = NO_BODY;
    /** The body's length as received (only the first {@link #MAX_KEPT_BODY} bytes are kept). */
    int length;
    /** The content-length the request announced, or -1. */
    final long expectedLength;
    /** Whether the client ended its side of the stream. */
    boolean remoteClosed;
    /** Bytes the client may still send on this stream before a WINDOW_UPDATE. */
    int receiveWindow;
    /** Bytes received on this stream and not yet returned by a WINDOW_UPDATE. */
    int receivedUnacknowledged;
    /** Bytes this server may still send on this stream (may go negative when the client lowers its setting). */
    long sendWindow;
    /** The end of the answer's body that is waiting for window, or null. */
    ByteBuf pendingData;

    RequestStream(int id, Http2Headers headers, long expectedLength, int receiveWindow, long sendWindow) {
        this.id = id;
        this.headers = headers;
        this.expectedLength = expectedLength;
        this.receiveWindow = receiveWindow;
        this.sendWindow = sendWindow;
    }

    void append(ByteBuf data) {
        int readable = data.readableBytes();
        int keep = Math.min(readable, MAX_KEPT_BODY - length);
        if (keep > 0) {
            int kept = Math.min(length, MAX_KEPT_BODY);
            if (body.length < kept + keep) {
                body = Arrays.copyOf(body, Math.max(kept + keep, Math.min(MAX_KEPT_BODY, 2 * body.length)));
            }
            data.getBytes(data.readerIndex(), body, kept, keep);
        }
        length += readable;
    }

    /** RFC 9113 section 8.1.1: the DATA received must add up to the announced content-length. */
    void checkContentLength(boolean endOfStream) throws Http2Exception {
        if (expectedLength < 0) {
            return;
        }
        if (length > expectedLength || endOfStream && length != expectedLength) {
            throw Http2Exception.streamError(id, Http2Error.PROTOCOL_ERROR,
                    "Received amount of data %d does not match content-length header %d", length, expectedLength);
        }
    }

    void releasePendingData() {
        if (pendingData != null) {
            pendingData.release();
            pendingData = null;
        }
    }
}
