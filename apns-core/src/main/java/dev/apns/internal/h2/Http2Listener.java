package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;

import java.util.List;

/**
 * What an {@link Http2ClientEngine} reports. Called on the thread that calls the engine's method (mostly
 * {@code receive}), while the engine is in a consistent state: a callback may call the engine again (start a
 * stream, for instance). Implementations should not block, and must not throw: an exception would leave the
 * engine's work on the current input unfinished.
 */
public interface Http2Listener {

    /**
     * A stream completed (the peer sent END_STREAM) with a final response.
     *
     * @param attachment what {@link Http2ClientEngine#startStream} was given
     * @param status     the {@code :status}, 200..599
     * @param headers    the other header fields (and trailers, if any), in arrival order; no pseudo-headers
     * @param body       the DATA bytes, possibly empty, at most {@link Http2Options#maxResponseBody()} long
     */
    void onResponse(Object attachment, int status, List<Header> headers, byte[] body);

    /**
     * A stream ended without a response.
     *
     * @param attachment what {@link Http2ClientEngine#startStream} was given
     * @param processed  false when the peer said it did not process the request (REFUSED_STREAM, or a stream above
     *                   a GOAWAY's last-stream-id), so it is safe to send again; true when the request may or may not
     *                   have been processed (any other RST_STREAM, a stream error we found)
     * @param why        a sentence naming the cause and the error code
     */
    void onStreamFailed(Object attachment, boolean processed, String why);

    /**
     * The peer sent GOAWAY: no new streams on this connection. Called before {@link #onStreamFailed} for the
     * streams above {@code lastStreamId}; the streams at or below it may still complete.
     *
     * @param lastStreamId the highest stream id the peer may have processed
     * @param errorCode    the wire error code ({@link Http2ErrorCode#describe(long)} names it)
     * @param debugData    the debug data as ISO-8859-1 text (APNs puts a JSON reason there), possibly empty, cut
     *                     to its first 1024 bytes
     */
    void onGoAway(int lastStreamId, long errorCode, String debugData);

    /** A PING we sent was acknowledged after {@code roundTripNanos}. */
    default void onPingAcknowledged(long roundTripNanos) {
    }

    /**
     * The peer's SETTINGS were applied (and acknowledged); {@link Http2ClientEngine#canStartStream()} may have
     * changed, for instance when MAX_CONCURRENT_STREAMS went up again.
     */
    default void onSettings(Http2Settings peerSettings) {
    }

    /**
     * The connection is no longer usable for a reason the engine found outside the peer's bytes (a PING not
     * answered in time). The engine is closed; call {@link Http2ClientEngine#abandon()} for the open streams.
     */
    void onConnectionFailed(String why);
}
