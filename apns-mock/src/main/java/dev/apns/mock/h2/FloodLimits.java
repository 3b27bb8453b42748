package dev.apns.mock.h2;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;

/**
 * The limits against floods that Netty's HTTP/2 server applies by default, kept by the mock: at most 200
 * RST_STREAM frames received, and 200 sent, in 30 seconds, at most 10,000 control frames (SETTINGS and PING
 * acknowledgements) written while the client does not read, and at most 2 empty DATA frames without END_STREAM in a
 * row. Past one, the connection ends with ENHANCE_YOUR_CALM.
 */
final class FloodLimits {
    private static final int MAX_RST_FRAMES = 200;
    private static final int RST_WINDOW_SECONDS = 30;
    private static final long RST_WINDOW_NANOS = RST_WINDOW_SECONDS * 1_000_000_000L;
    private static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
    private static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;

    private long receivedWindowStart = System.nanoTime();
    private int receivedInWindow;
    private long sentWindowStart = System.nanoTime();
    private int sentInWindow;
    private int controlFramesWhileUnwritable;
    private int emptyDataFrames;

    /** Counts an RST_STREAM from the client. */
    void resetReceived() throws Http2Exception {
        long now = System.nanoTime();
        if (now - receivedWindowStart >= RST_WINDOW_NANOS) {
            receivedWindowStart = now;
            receivedInWindow = 0;
        }
        if (++receivedInWindow > MAX_RST_FRAMES) {
            throw tooManyResets();
        }
    }

    /** Counts an RST_STREAM this server sends; an exception when it is one too many. */
    Http2Exception resetSent() {
        long now = System.nanoTime();
        if (now - sentWindowStart >= RST_WINDOW_NANOS) {
            sentWindowStart = now;
            sentInWindow = 0;
        }
        return ++sentInWindow > MAX_RST_FRAMES ? tooManyResets() : null;
    }

    private static Http2Exception tooManyResets() {
        return Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
                "Maximum number %d of RST frames reached within %d seconds", MAX_RST_FRAMES, RST_WINDOW_SECONDS);
    }

    /** Counts a control frame written while the channel is {@code writable} or not. */
    void controlFrameWritten(boolean writable) throws Http2Exception {
        if (!writable && ++controlFramesWhileUnwritable > MAX_QUEUED_CONTROL_FRAMES) {
            throw Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "Maximum number %d of outstanding control frames reached", MAX_QUEUED_CONTROL_FRAMES);
        }
    }

    /** Counts a DATA frame: an empty one without END_STREAM adds to the run of them, anything else ends it. */
    void dataFrame(boolean empty, boolean endOfStream) throws Http2Exception {
        if (!empty || endOfStream) {
            emptyDataFrames = 0;
        } else if (emptyDataFrames++ == MAX_CONSECUTIVE_EMPTY_DATA_FRAMES) {
            throw Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "Maximum number %d of empty data frames without end_of_stream flag received",
                    MAX_CONSECUTIVE_EMPTY_DATA_FRAMES);
        }
    }

    /** A HEADERS frame ends a run of empty DATA frames. */
    void headersFrame() {
        emptyDataFrames = 0;
    }

    /** The client reads again. */
    void writable() {
        controlFramesWhileUnwritable = 0;
    }
}
