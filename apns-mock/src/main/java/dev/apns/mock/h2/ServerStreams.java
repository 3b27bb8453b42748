package dev.apns.mock.h2;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * Which streams of one server connection exist (RFC 9113 section 5.1): the ids the client used (odd, increasing),
 * the streams still active (a request arriving, or an answer not yet written), MAX_CONCURRENT_STREAMS as the client
 * acknowledged it, the GOAWAY this server sent, and the streams it reset lately (whose late frames are ignored).
 */
final class ServerStreams {
    private static final int RECENT_RESETS = 64;

    private final IntObjectMap<RequestStream> active = new IntObjectHashMap<>();
    private final ArrayDeque<Long> unacknowledgedMaxStreams = new ArrayDeque<>();
    private final int[] recentResets = new int[RECENT_RESETS];
    private int recentResetCount;
    /** The highest stream id the client used (created or refused). */
    private int highestId;
    /** The highest stream id that was created (not refused). */
    private int lastCreatedId;
    private long maxActive;
    /** Streams closed since the last flush: they count as active until their last frame leaves, as in Netty. */
    private int closedUnflushed;
    /** The last-stream-id of the GOAWAY this server sent, or -1. */
    private int goAwayLastId = -1;

    /** With the MAX_CONCURRENT_STREAMS of the first SETTINGS frame, which applies at once (as in Netty 4.2). */
    ServerStreams(long initialMaxConcurrentStreams) {
        this.maxActive = initialMaxConcurrentStreams;
        this.unacknowledgedMaxStreams.add(initialMaxConcurrentStreams);
    }

    RequestStream get(int id) {
        return active.get(id);
    }

    boolean isActive(int id) {
        return active.containsKey(id);
    }

    void put(RequestStream stream) {
        active.put(stream.id, stream);
    }

    RequestStream remove(int id) {
        return active.remove(id);
    }

    Collection<RequestStream> active() {
        return active.values();
    }

    int lastCreatedId() {
        return lastCreatedId;
    }

    /** Whether the client could have opened this stream: an odd id it has used. */
    boolean mayHaveExisted(int id) {
        return (id & 1) == 1 && id <= highestId;
    }

    /** Whether the stream is above the last-stream-id of this server's GOAWAY. */
    boolean ignoredAfterGoAway(int id) {
        return goAwayLastId >= 0 && id > goAwayLastId;
    }

    /** Whether this server reset the stream lately (RFC 9113 section 5.4.2: frames after it are ignored). */
    boolean recentlyReset(int id) {
        for (int i = 0, n = Math.min(recentResetCount, RECENT_RESETS); i < n; i++) {
            if (recentResets[i] == id) {
                return true;
            }
        }
        return false;
    }

    /** Whether the id is new: above every id the client used. */
    boolean isNew(int id) {
        return id > highestId;
    }

    /**
     * Opens a new stream, which counts as used even when refused.
     *
     * @throws Http2Exception PROTOCOL_ERROR for the connection with an even id; REFUSED_STREAM for the stream
     *                        above a GOAWAY's last-stream-id or beyond MAX_CONCURRENT_STREAMS
     */
    void open(int id) throws Http2Exception {
        if ((id & 1) == 0) {
            throw Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "Request stream %d is not correct for server connection", id);
        }
        highestId = id;
        if (ignoredAfterGoAway(id)) {
            throw Http2Exception.streamError(id, Http2Error.REFUSED_STREAM,
                    "Cannot create stream %d greater than Last-Stream-ID %d from GOAWAY.", id, goAwayLastId);
        }
        if (active.size() + closedUnflushed >= maxActive) {
            throw Http2Exception.streamError(id, Http2Error.REFUSED_STREAM,
                    "Maximum active streams violated for this endpoint: " + maxActive);
        }
        lastCreatedId = id;
    }

    /** A stream refused while its header block was decoded: used, and created only if {@code created}. */
    void openedAndRefused(int id, boolean created) {
        if (id > highestId && (id & 1) == 1) {
            highestId = id;
            if (created) {
                lastCreatedId = id;
            }
        }
    }

    /** A stream ended by this server's RST_STREAM. */
    void reset(int id) {
        recentResets[recentResetCount++ % RECENT_RESETS] = id;
        recentResetCount &= Integer.MAX_VALUE;
    }

    /** A stream ended by its answer: it counts as active until the next flush. */
    void answered() {
        closedUnflushed++;
    }

    void flushed() {
        closedUnflushed = 0;
    }

    void maxConcurrentStreamsSent(long streams) {
        unacknowledgedMaxStreams.add(streams);
    }

    /** The client acknowledged the oldest SETTINGS frame not yet acknowledged. */
    void settingsAcknowledged() {
        Long applied = unacknowledgedMaxStreams.poll();
        if (applied != null) {
            maxActive = applied;
        }
    }

    boolean goAwaySent() {
        return goAwayLastId >= 0;
    }

    /** After this server's GOAWAY: the active streams above {@code lastStreamId} are forgotten. */
    void goAwaySent(int lastStreamId, Consumer<RequestStream> forget) {
        goAwayLastId = lastStreamId;
        active.values().removeIf(stream -> {
            if (stream.id > lastStreamId) {
                forget.accept(stream);
                return true;
            }
            return false;
        });
    }

    /** Whether a stream at or below {@code lastStreamId} still waits for the rest of its request. */
    boolean requestArrivingAtOrBelow(int lastStreamId) {
        for (RequestStream stream : active.values()) {
            if (stream.id <= lastStreamId && !stream.remoteClosed) {
                return true;
            }
        }
        return false;
    }

    void clear() {
        active.values().forEach(RequestStream::releasePendingData);
        active.clear();
    }
}
