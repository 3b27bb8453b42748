package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.ByteSink;
import dev.apns.internal.h2.hpack.Header;
import dev.apns.internal.h2.hpack.HpackDecoder;
import dev.apns.internal.h2.hpack.HpackEncoder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    /** The most CONTINUATION frames one response header block may have. */
    static final int MAX_CONTINUATIONS = 64;

    private static final byte[] NO_DEBUG = new byte[0];

    final Http2Options options;
    final Http2Listener listener;
    final FrameWriter writer = new FrameWriter();
    final FrameReader reader;
    final HpackEncoder encoder;
    final HpackDecoder decoder;
    final StreamTable streams = new StreamTable();
    final FlowWindow connectionSendWindow;
    final FlowWindow connectionReceiveWindow;
    /** Streams with body bytes left that wait for window, in the order they started waiting. */
    final ArrayDeque<Http2Stream> dataWaiting = new ArrayDeque<>();
    private final InboundFrames inbound;
    private final ByteSink headerBlock = new ByteSink(512);

    Http2Settings peer = Http2Settings.DEFAULTS;
    private int nextStreamId;
    /** The highest stream id we started, 0 before the first. */
    int highestStreamId;
    boolean closed;
    private boolean goAwaySent;
    boolean goAwayReceived;
    boolean firstResponseSeen;

    /** Whether the server acknowledged our SETTINGS. */
    boolean settingsAcknowledged;
    private final long startNanos;
    long receiveNanos;
    private long lastInputNanos;
    boolean pingOutstanding;
    long pingSentNanos;
    long pingPayload;

    /**
     * A new connection's engine, its preface and SETTINGS already queued as output. Make it once the TLS handshake
     * is done: the SETTINGS acknowledgement timeout counts from here.
     *
     * @param nowNanos the caller's clock ({@link System#nanoTime()} or a test's), for the idle PING and timeouts
     */
    public Http2ClientEngine(Http2Options options, Http2Listener listener, long nowNanos) {
        this(options, listener, nowNanos, 1);
    }

    /** As the public constructor, with the first stream id chosen (tests reach id exhaustion with it). */
    Http2ClientEngine(Http2Options options, Http2Listener listener, long nowNanos, int firstStreamId) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nextStreamId = firstStreamId;
        this.lastInputNanos = nowNanos;
        this.startNanos = nowNanos;
        this.encoder = new HpackEncoder(options.indexingPolicy(), false);
        if (options.headerTableSize() < 4096) {
            encoder.setMaxTableSize(options.headerTableSize());
        }
        // Until the server acknowledges our SETTINGS it may still use the default table size (RFC 9113 §6.5.3).
        this.decoder = new HpackDecoder(Math.max(options.headerTableSize(), 4096), options.maxHeaderListSize());
        int maxBlock = Math.max(Http2Settings.DEFAULT_MAX_FRAME_SIZE, 4 * options.maxHeaderListSize());
        this.reader = new FrameReader(Http2Settings.DEFAULT_MAX_FRAME_SIZE, maxBlock, MAX_CONTINUATIONS);
        this.connectionSendWindow = new FlowWindow(Http2Settings.DEFAULT_WINDOW);
        this.connectionReceiveWindow = new FlowWindow(options.connectionWindowSize());
        this.inbound = new InboundFrames(this);
        writer.preface();
        writer.settings(
                new int[] {Http2Settings.ENABLE_PUSH, Http2Settings.INITIAL_WINDOW_SIZE,
                        Http2Settings.MAX_HEADER_LIST_SIZE, Http2Settings.HEADER_TABLE_SIZE},
                new int[] {0, options.initialWindowSize(), options.maxHeaderListSize(), options.headerTableSize()});
        int raise = options.connectionWindowSize() - Http2Settings.DEFAULT_WINDOW;
        if (raise > 0) {
            writer.windowUpdate(0, raise);
        }
    }

    /**
     * Whether {@link #startStream} may be called: the engine is open, no GOAWAY was sent or received, stream ids are
     * not exhausted (the next would exceed 2^31-1), fewer streams are open than both the peer's
     * MAX_CONCURRENT_STREAMS and our {@link Http2Options#maxConcurrentStreams()}, and, with
     * {@link Http2Options#oneStreamUntilFirstResponse()}, no stream is open unless a first response has arrived.
     */
    public boolean canStartStream() {
        int open = streams.size();
        return !closed && !goAwaySent && !goAwayReceived && nextStreamId > 0
                && open < Math.min(peer.maxConcurrentStreams(), options.maxConcurrentStreams())
                && (open == 0 || firstResponseSeen || !options.oneStreamUntilFirstResponse());
    }

    /** Why {@link #canStartStream()} is false, for the exception's message; {@code null} when it is true. */
    private String whyNoStream() {
        int open = streams.size();
        if (closed) {
            return "the engine is closed";
        }
        if (goAwaySent || goAwayReceived) {
            return "a GOAWAY was " + (goAwaySent ? "sent" : "received");
        }
        if (nextStreamId <= 0) {
            return "stream ids are exhausted; open a new connection";
        }
        if (open >= Math.min(peer.maxConcurrentStreams(), options.maxConcurrentStreams())) {
            return open + " streams are open, the most allowed now";
        }
        if (open > 0 && !firstResponseSeen && options.oneStreamUntilFirstResponse()) {
            return "one stream is open and no response has arrived yet";
        }
        return null;
    }

    /** The streams started and not yet ended (response, reset or failure). */
    public int openStreams() {
        return streams.size();
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
        if (!canStartStream()) {
            throw new IllegalStateException("no stream may start now: " + whyNoStream() + " (see canStartStream())");
        }
        List<Header> headers = request.headers;
        // RFC 9113 §6.5.2: name and value octets plus 32 for each field; the pseudo-headers' names are 7, 7, 10, 5.
        long listSize = 7 + request.method.length() + 7 + request.scheme.length() + 10 + request.authority.length()
                + 5 + request.path.length() + 4 * 32L;
        for (int i = 0, n = headers.size(); i < n; i++) {
            listSize += headers.get(i).size();
        }
        if (listSize > peer.maxHeaderListSize()) {
            throw new IllegalArgumentException("the request's header list is " + listSize
                    + " bytes, above the server's SETTINGS_MAX_HEADER_LIST_SIZE of " + peer.maxHeaderListSize());
        }
        int id = nextStreamId;
        nextStreamId += 2;
        highestStreamId = id;
        Http2Stream stream = new Http2Stream(id, attachment, request.body, peer.initialWindowSize(),
                options.initialWindowSize());
        streams.put(stream);
        headerBlock.clear();
        // The pseudo-headers first, then the request's fields, written straight into the block (no list per request).
        encoder.startBlock(headerBlock);
        encoder.encodeField(":method", request.method, headerBlock);
        encoder.encodeField(":scheme", request.scheme, headerBlock);
        encoder.encodeField(":authority", request.authority, headerBlock);
        encoder.encodeField(":path", request.path, headerBlock);
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header header = headers.get(i);
            encoder.encodeField(header.name(), header.value(), headerBlock);
        }
        writer.headers(id, headerBlock.flip(), stream.unsent() == 0, peer.maxFrameSize());
        sendData(stream);
        return id;
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
        if (closed) {
            bytes.position(bytes.limit());
            return;
        }
        if (bytes.hasRemaining()) {
            lastInputNanos = nowNanos;
        }
        receiveNanos = nowNanos;
        try {
            reader.read(bytes, inbound);
        } catch (Http2Exception e) {
            bytes.position(bytes.limit());
            if (!closed) {
                closed = true;
                dataWaiting.clear();
                writer.goAway(0, e.errorCode(), debugData(e.getMessage()));
            }
            throw e;
        }
    }

    /** Whether bytes are queued for the peer. */
    public boolean hasOutput() {
        return writer.size() > 0;
    }

    /** How many bytes are queued for the peer. */
    public int outputSize() {
        return writer.size();
    }

    /**
     * Moves as many queued bytes as fit into {@code out} (from its position to its limit), advancing its position.
     * A frame may be split across calls: the output is a byte stream.
     */
    public void produce(ByteBuffer out) {
        writer.produce(out);
    }

    /**
     * Lets time pass: sends a PING when nothing arrived for {@link Http2Options#pingIdleNanos()}. When a PING we
     * sent has been unanswered for {@link Http2Options#pingTimeoutNanos()}, or our SETTINGS have not been
     * acknowledged that long after construction (then with GOAWAY(SETTINGS_TIMEOUT)), closes the engine and reports
     * {@link Http2Listener#onConnectionFailed}. Call it every second or so.
     */
    public void onTime(long nowNanos) {
        if (closed) {
            return;
        }
        long timeoutMillis = Duration.ofNanos(options.pingTimeoutNanos()).toMillis();
        if (!settingsAcknowledged && nowNanos - startNanos >= options.pingTimeoutNanos()) {
            fail(Http2ErrorCode.SETTINGS_TIMEOUT, "the server did not acknowledge our SETTINGS within " + timeoutMillis
                    + " ms (is it an HTTP/2 server?)");
        } else if (pingOutstanding) {
            if (nowNanos - pingSentNanos >= options.pingTimeoutNanos()) {
                fail(null, "no answer to our PING within " + timeoutMillis + " ms: the connection is dead");
            }
        } else if (options.pingIdleNanos() > 0 && nowNanos - lastInputNanos >= options.pingIdleNanos()) {
            ping(nowNanos);
        }
    }

    private void fail(Http2ErrorCode goAwayCode, String why) {
        closed = true;
        dataWaiting.clear();
        if (goAwayCode != null) {
            writer.goAway(0, goAwayCode, debugData(why));
        }
        listener.onConnectionFailed(why);
    }

    /**
     * Sends a PING now (a health check, or to measure the round trip), unless one is already unanswered.
     *
     * @return whether a PING was queued
     */
    public boolean ping(long nowNanos) {
        if (closed || pingOutstanding) {
            return false;
        }
        pingOutstanding = true;
        pingSentNanos = nowNanos;
        pingPayload++;
        writer.ping(false, pingPayload);
        return true;
    }

    /**
     * Shuts down gracefully: queues GOAWAY(NO_ERROR); no new streams start, the open ones may complete. Calling it
     * again, or after the engine closed, sends nothing more.
     */
    public void goAway() {
        if (closed || goAwaySent) {
            return;
        }
        goAwaySent = true;
        // We accept no server-initiated streams, so the last one we processed is 0.
        writer.goAway(0, Http2ErrorCode.NO_ERROR, NO_DEBUG);
    }

    /**
     * The connection is gone: closes the engine and returns the attachments of every open stream, whose fate the
     * engine cannot know, in stream order. No listener is called.
     */
    public List<Object> abandon() {
        closed = true;
        List<Http2Stream> open = streams.sorted();
        streams.clear();
        dataWaiting.clear();
        List<Object> attachments = new ArrayList<>(open.size());
        for (Http2Stream s : open) {
            s.ended = true;
            attachments.add(s.attachment);
        }
        return attachments;
    }

    /**
     * Whether the engine is done: after a connection error, a PING timeout or {@link #abandon()}, or once a GOAWAY
     * was sent or received and no stream is open. Queued output (a GOAWAY) may remain to be sent.
     */
    public boolean isClosed() {
        return closed || (goAwaySent || goAwayReceived) && streams.size() == 0;
    }

    /** The peer's settings as last applied ({@link Http2Settings#DEFAULTS} until its first SETTINGS). */
    public Http2Settings peerSettings() {
        return peer;
    }

    /** Sends as much of the stream's body as the windows allow; queues the stream when window is missing. */
    void sendData(Http2Stream stream) {
        int left = stream.unsent();
        while (left > 0) {
            int n = Math.min(Math.min(left, peer.maxFrameSize()),
                    Math.min(connectionSendWindow.available(), stream.sendWindow.available()));
            if (n == 0) {
                if (!stream.queuedForWindow) {
                    stream.queuedForWindow = true;
                    dataWaiting.add(stream);
                }
                return;
            }
            left -= n;
            writer.data(stream.id, stream.body(), stream.sendOffset(), n, left == 0);
            stream.sent(n);
            connectionSendWindow.consume(n);
            stream.sendWindow.consume(n);
        }
    }

    /** After window grew: sends the waiting streams' bodies, in the order they started waiting. */
    void sendWaitingData() {
        for (int i = dataWaiting.size(); i > 0 && connectionSendWindow.available() > 0; i--) {
            Http2Stream s = dataWaiting.poll();
            s.queuedForWindow = false;
            if (!s.ended) {
                sendData(s);
            }
        }
    }

    /** Ends a stream: takes it out of the table (its listener call is the caller's). */
    void end(Http2Stream stream) {
        stream.ended = true;
        streams.remove(stream.id);
    }

    /** A stream error we found (RFC 9113 §5.4.2): RST_STREAM, and the stream fails with its fate unknown. */
    void resetStream(Http2Stream stream, Http2ErrorCode code, String why) {
        end(stream);
        writer.rstStream(stream.id, code);
        listener.onStreamFailed(stream.attachment, true, "stream " + stream.id + " reset by us with " + code + ": " + why);
    }

    private static byte[] debugData(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 256 ? bytes : java.util.Arrays.copyOf(bytes, 256);
    }
}
