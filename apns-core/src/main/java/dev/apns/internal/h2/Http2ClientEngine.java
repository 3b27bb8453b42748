package dev.apns.internal.h2;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The client side of one HTTP/2 connection (RFC 9113), without I/O: the caller feeds the bytes that arrived to
 * {@link #receive}, sends what {@link #produce} gives, and calls {@link #onTime} now and then; the engine reports
 * responses and failures to its {@link Http2Listener}. At construction it queues the connection preface and our
 * SETTINGS (ENABLE_PUSH 0, our INITIAL_WINDOW_SIZE, MAX_HEADER_LIST_SIZE and HEADER_TABLE_SIZE) and a WINDOW_UPDATE
 * that raises the connection's receive window to {@link Http2Options#connectionWindowSize()}.
 *
 * <p>Not thread-safe: one thread at a time (the caller locks), and every method returns quickly.
 */
public final class Http2ClientEngine {

    /**
     * A new connection's engine, its preface and SETTINGS already queued as output.
     *
     * @param nowNanos the caller's clock ({@link System#nanoTime()} or a test's), for the idle PING
     */
    public Http2ClientEngine(Http2Options options, Http2Listener listener, long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Whether {@link #startStream} may be called: the engine is open, no GOAWAY was sent or received, stream ids are
     * not exhausted (the next would exceed 2^31-1), fewer streams are open than both the peer's
     * MAX_CONCURRENT_STREAMS and our {@link Http2Options#maxConcurrentStreams()}, and, with
     * {@link Http2Options#oneStreamUntilFirstResponse()}, no stream is open unless a first response has arrived.
     */
    public boolean canStartStream() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The streams started and not yet ended (response, reset or failure). */
    public int openStreams() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Starts a stream: queues HEADERS (with CONTINUATION frames when the header block exceeds the peer's
     * MAX_FRAME_SIZE) and as much of the body as DATA as the connection and stream send windows allow, END_STREAM on
     * the last frame; the rest is sent as WINDOW_UPDATEs arrive.
     *
     * @param attachment handed back in {@link Http2Listener#onResponse} or {@link Http2Listener#onStreamFailed}
     *                   (or by {@link #abandon()}); may be {@code null}
     * @return the stream id (odd, increasing)
     * @throws IllegalStateException    if {@link #canStartStream()} is false
     * @throws IllegalArgumentException if the request's header list is larger than the peer's
     *                                  MAX_HEADER_LIST_SIZE (nothing is sent, no stream id is used)
     */
    public int startStream(Http2Request request, Object attachment) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Consumes bytes from the peer, any split of the stream being fine (a frame may arrive a byte at a time), and
     * calls the listener for what they complete. Consumes the buffer entirely. Ignored once the engine is closed.
     *
     * @param nowNanos the caller's clock when the bytes arrived: it times PING round trips and idleness
     * @throws Http2Exception on a connection error; the engine has then queued a GOAWAY with the error's code
     *                        (send it: {@link #hasOutput()}) and closed itself; its open streams are left for
     *                        {@link #abandon()}
     */
    public void receive(ByteBuffer bytes, long nowNanos) throws Http2Exception {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether bytes are queued for the peer. */
    public boolean hasOutput() {
        throw new UnsupportedOperationException("not yet");
    }

    /** How many bytes are queued for the peer. */
    public int outputSize() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Moves as many queued bytes as fit into {@code out} (from its position to its limit), advancing its position.
     * A frame may be split across calls: the output is a byte stream.
     */
    public void produce(ByteBuffer out) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Lets time pass: sends a PING when nothing arrived for {@link Http2Options#pingIdleNanos()}, and when a PING we
     * sent has been unanswered for {@link Http2Options#pingTimeoutNanos()} closes the engine and reports
     * {@link Http2Listener#onConnectionFailed}. Call it every second or so.
     */
    public void onTime(long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Sends a PING now (a health check, or to measure the round trip), unless one is already unanswered.
     *
     * @return whether a PING was queued
     */
    public boolean ping(long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Shuts down gracefully: queues GOAWAY(NO_ERROR); no new streams start, the open ones may complete. Calling it
     * again, or after the peer's GOAWAY, sends nothing more.
     */
    public void goAway() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The connection is gone: closes the engine and returns the attachments of every open stream, whose fate the
     * engine cannot know, in stream order. No listener is called.
     */
    public List<Object> abandon() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Whether the engine is done: after a connection error, a PING timeout or {@link #abandon()}, or once a GOAWAY
     * was sent or received and no stream is open. Queued output (a GOAWAY) may remain to be sent.
     */
    public boolean isClosed() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The peer's settings as last applied ({@link Http2Settings#DEFAULTS} until its first SETTINGS). */
    public Http2Settings peerSettings() {
        throw new UnsupportedOperationException("not yet");
    }
}
