package dev.apns.internal.delivery;

import dev.apns.internal.auth.ProviderToken;
import dev.apns.internal.h2.Http2ClientEngine;
import dev.apns.internal.h2.Http2ErrorCode;
import dev.apns.internal.h2.Http2Exception;
import dev.apns.internal.h2.Http2Listener;
import dev.apns.internal.h2.Http2Options;
import dev.apns.internal.h2.Http2Request;
import dev.apns.internal.h2.hpack.Header;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/2 connection of an {@link Http2Worker}: the backend's {@link Connection}, the sans-IO engine that
 * speaks HTTP/2 on it, and the notifications in flight on it. The engine is guarded by this object's monitor:
 * the worker starts streams and takes output under it, the backend's thread feeds input under it; answers are
 * collected under it and settled after it is released, so that no user code runs while it is held.
 */
final class Http2Link implements Connection.Listener, Http2Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Http2Link.class);

    /** An answer collected during {@code receive}, settled outside the monitor. */
    record Answer(StreamEntry entry, int status, List<Header> headers, byte[] body, String failure, boolean processed) {
    }

    private final Http2Worker worker;
    private final Http2Options options;
    /**
     * Made when the connection is attached (or its first bytes arrive, whichever is first), not before the
     * connect: the engine times the server's SETTINGS acknowledgement from its construction, and a connect may
     * take up to twice the connect timeout (TCP, then TLS). Guarded by this.
     */
    private Http2ClientEngine engine;
    /** Notifications in the order their streams started, for the answer timeout; guarded by this. */
    private final ArrayDeque<StreamEntry> started = new ArrayDeque<>();
    /** The repeating request fields of this connection (its thread alone uses them). */
    private final HeaderCache headers = new HeaderCache();
    private List<Answer> answers = new ArrayList<>();
    private volatile Connection connection;
    private volatile boolean room = true;
    private volatile boolean outputPending = true;
    private volatile boolean goneAway;
    private volatile String failure;
    /** Whether {@link #failure} is the server's breach of the protocol, rather than a failed write or a timeout. */
    private volatile boolean protocolFailure;
    private volatile boolean closed;
    private volatile CloseReason closeReason;
    private volatile long roundTripNanos = -1;
    private volatile int inFlight;
    private long answered;

    Http2Link(Http2Worker worker, Http2Options options) {
        this.worker = worker;
        this.options = options;
    }

    void attach(Connection connection) {
        this.connection = connection;
        synchronized (this) {
            engine();
        }
    }

    /** The engine, made on first use (under the monitor): its preface and SETTINGS are then queued as output. */
    private Http2ClientEngine engine() {
        if (engine == null) {
            engine = new Http2ClientEngine(options, this, System.nanoTime());
        }
        return engine;
    }

    Connection connection() {
        return connection;
    }

    /** Whether new streams may go on this connection (it is open, healthy and not told to go away). */
    boolean usable() {
        return !closed && !goneAway && failure == null;
    }

    /** Whether the engine could start a stream when last looked at (a hint for waiting; recheck under the monitor). */
    boolean roomHint() {
        return room;
    }

    boolean outputHint() {
        return outputPending;
    }

    boolean isGoneAway() {
        return goneAway;
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether {@link #failure()} is the server's breach of the HTTP/2 protocol. */
    boolean isProtocolFailure() {
        return protocolFailure;
    }

    String failure() {
        return failure;
    }

    CloseReason closeReason() {
        return closeReason;
    }

    int inFlight() {
        return inFlight;
    }

    synchronized long answered() {
        return answered;
    }

    /** The last PING round trip in nanoseconds, or -1 before the first. */
    long roundTripNanos() {
        return roundTripNanos;
    }

    /**
     * Starts a stream for each entry, in order, while the engine has room; returns how many entries it took
     * (started, or put in {@code refused} when the request cannot be made: a header the peer's limits refuse,
     * for instance). The rest stay for the caller to put back.
     */
    synchronized int start(List<StreamEntry> entries, Http2Target target, dev.apns.Http2Defaults defaults, long nowNanos,
                           List<StreamEntry> refused, List<RuntimeException> why) {
        int count = 0;
        String authority = target.authority();
        for (StreamEntry entry : entries) {
            if (!engine().canStartStream()) {
                break;
            }
            ProviderToken token = target.tokens() == null ? null : target.tokens().current();
            try {
                Http2Request request = Http2Exchange.request(authority, entry.notification, defaults,
                        token == null ? null : token.authorization(), headers);
                entry.token = token;
                entry.writtenAtNanos = nowNanos;
                entry.link = this;
                engine().startStream(request, entry);
                started.addLast(entry);
            } catch (IllegalArgumentException e) {
                entry.link = null;
                refused.add(entry);
                why.add(e);
            }
            count++;
        }
        inFlight = engine().openStreams();
        room = engine().canStartStream();
        outputPending = engine().hasOutput();
        return count;
    }

    /** Moves queued output into {@code out}; true when more remains. */
    synchronized boolean produce(ByteBuffer out) {
        engine().produce(out);
        outputPending = engine().hasOutput();
        return outputPending;
    }

    /** Lets time pass (idle PING, PING timeout); returns the oldest unanswered notification's start, or -1. */
    synchronized long tick(long nowNanos) {
        engine().onTime(nowNanos);
        outputPending = engine().hasOutput();
        StreamEntry head;
        while ((head = started.peekFirst()) != null && (head.link != this || head.isFinished())) {
            started.pollFirst();
        }
        return head == null ? -1 : head.writtenAtNanos;
    }

    /** Sends a PING now, to measure the round trip (unless one is unanswered). */
    synchronized void ping(long nowNanos) {
        engine().ping(nowNanos);
        outputPending = engine().hasOutput();
    }

    /** Sends GOAWAY(NO_ERROR) so the server knows no more streams come; open ones may still be answered. */
    synchronized void goAway() {
        engine().goAway();
        outputPending = engine().hasOutput();
    }

    /** Whether nothing is in flight and nothing is left to write: a retired connection may be closed. */
    synchronized boolean drained() {
        return engine().openStreams() == 0 && !engine().hasOutput();
    }

    /** Gives up on this connection because of {@code why} (an answer overdue, for instance) and closes it. */
    void fail(String why) {
        if (failure == null) {
            failure = why;
        }
        Connection c = connection;
        if (c != null) {
            c.close();
        }
    }

    /** The notifications still in flight, taken from the engine, which is closed afterwards. */
    synchronized List<StreamEntry> abandon() {
        List<StreamEntry> left = new ArrayList<>();
        for (Object attachment : engine().abandon()) {
            StreamEntry entry = (StreamEntry) attachment;
            entry.link = null;
            left.add(entry);
        }
        inFlight = 0;
        room = false;
        return left;
    }

    // ---- the backend's thread ----

    @Override
    public void onData(ByteBuffer bytes) {
        List<Answer> done;
        synchronized (this) {
            try {
                engine().receive(bytes, System.nanoTime());
            } catch (Http2Exception e) {
                if (failure == null) {
                    protocolFailure = true;
                    failure = "The server broke the HTTP/2 protocol: " + e.getMessage();
                    LOG.warn("{} ({}); the connection is closed and its unanswered notifications are sent again.",
                            failure, worker.endpoint());
                }
            }
            done = answers;
            if (!done.isEmpty()) {
                answers = new ArrayList<>();
            }
            inFlight = engine().openStreams();
            room = engine().canStartStream();
            outputPending = engine().hasOutput();
        }
        if (!done.isEmpty()) {
            worker.settle(done);
        }
        worker.wakeIfWaiting();
    }

    @Override
    public void onClosed(CloseReason reason) {
        closeReason = reason;
        List<StreamEntry> left = abandon();
        boolean reported = goneAway || failure != null;
        closed = true;
        if (!reported && reason.kind() != CloseReason.Kind.LOCAL) {
            worker.connectionEnded(reason.kind() == CloseReason.Kind.PEER ? "ClosedByServer" : "ConnectionError",
                    reason.kind() == CloseReason.Kind.PEER
                            ? "The server at " + worker.endpoint() + " closed the connection without a GOAWAY."
                            : "The connection to " + worker.endpoint() + " failed: "
                                    + reason.cause().map(Throwable::toString).orElse("unknown cause"), left.size());
        }
        worker.linkClosed(this, left);
    }

    // ---- the engine's callbacks, under the monitor ----

    @Override
    public void onResponse(Object attachment, int status, List<Header> headers, byte[] body) {
        StreamEntry entry = (StreamEntry) attachment;
        entry.link = null;
        answered++;
        answers.add(new Answer(entry, status, headers, body, null, true));
    }

    @Override
    public void onStreamFailed(Object attachment, boolean processed, String why) {
        StreamEntry entry = (StreamEntry) attachment;
        entry.link = null;
        answers.add(new Answer(entry, 0, List.of(), new byte[0], why, processed));
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode, String debugData) {
        goneAway = true;
        String why = Http2ErrorCode.describe(errorCode) + (debugData.isEmpty() ? "" : ", " + Http2Exchange.reason(400,
                debugData.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).reason());
        LOG.info("The server at {} sent GOAWAY ({}); streams after {} go again on a new connection.",
                worker.endpoint(), why, lastStreamId);
        worker.connectionEnded("GoAway", "The server at " + worker.endpoint() + " sent GOAWAY (" + why
                + "); streams after " + lastStreamId + " go again on a new connection.", inFlight);
    }

    @Override
    public void onPingAcknowledged(long roundTripNanos) {
        this.roundTripNanos = roundTripNanos;
    }

    @Override
    public void onConnectionFailed(String why) {
        if (failure == null) {
            failure = why;
        }
    }
}
