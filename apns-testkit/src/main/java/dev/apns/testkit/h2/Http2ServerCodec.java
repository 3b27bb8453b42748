package dev.apns.testkit.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static io.netty.handler.codec.http2.Http2Exception.connectionError;
import static io.netty.handler.codec.http2.Http2Exception.streamError;

/**
 * The server side of HTTP/2 for the mock, on Netty's frame reader and HPACK decoder but with its own connection
 * state: the client preface and first SETTINGS, stream ids (odd, increasing), MAX_CONCURRENT_STREAMS (applied when
 * the client acknowledges it; the initial value at once), flow control both ways, SETTINGS, PING, RST_STREAM and
 * GOAWAY, and the protocol errors that end a stream (RST_STREAM) or the connection (GOAWAY and close). What it
 * refuses, and with which error code, is what Netty's {@code Http2ConnectionHandler} refused before it. Frames are
 * written into one buffer and flushed once per read batch. A subclass gets each whole request and answers it.
 * Everything runs on the connection's event loop.
 */
abstract class Http2ServerCodec extends ChannelDuplexHandler {
    static final int DEFAULT_WINDOW = 65_535;
    /** Received bytes are given back (WINDOW_UPDATE) once half of the window is used, as Netty's default. */
    private static final int WINDOW_UPDATE_THRESHOLD = DEFAULT_WINDOW / 2 + 1;
    private static final int MAX_WINDOW = Integer.MAX_VALUE;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Netty's server defaults against floods: RST_STREAM frames per window each way, control frames queued. */
    private static final int MAX_RST_FRAMES = 200;
    private static final long RST_WINDOW_NANOS = 30_000_000_000L;
    private static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
    private static final int MAX_SMALL_CONTINUATION_FRAMES = 16;
    private static final int RECENT_RESETS = 64;

    private final DefaultHttp2FrameReader reader;
    private final long maxHeaderListSize;
    private final InboundFrames inbound = new InboundFrames(this);
    private final IntObjectMap<RequestStream> streams = new IntObjectHashMap<>();
    private final ArrayDeque<Long> unacknowledgedMaxStreams = new ArrayDeque<>();
    private final ArrayDeque<RequestStream> blocked = new ArrayDeque<>();
    private final int[] recentResets = new int[RECENT_RESETS];
    private int recentResetCount;
    protected ChannelHandlerContext ctx;
    private ServerFrameWriter writer;
    private ByteBuf cumulation;
    /** Whether the frame reader is working on {@link #cumulation} (which must then stay alive). */
    private boolean decoding;
    private int prefaceMatched;
    private boolean firstFrameChecked;
    /** Set once the connection ended with an error or was closed: nothing more is read. */
    private boolean closing;

    /** The highest stream id the client used (created or refused). */
    private int highestStreamId;
    /** The highest stream id that was created (not refused). */
    private int lastCreatedStreamId;
    private long maxActiveStreams;
    /** Streams closed since the last flush: they count as active until their last frame leaves, as in Netty. */
    private int closedUnflushed;
    /** The last-stream-id of the GOAWAY this server sent, or -1. */
    private int goAwayLastStreamId = -1;

    private int receiveWindow = DEFAULT_WINDOW;
    private int receivedUnacknowledged;
    private long sendWindow = DEFAULT_WINDOW;
    private int peerInitialWindow = DEFAULT_WINDOW;
    private int peerMaxFrameSize = 16_384;

    private long rstReceivedWindowStart;
    private int rstReceivedInWindow;
    private long rstSentWindowStart;
    private int rstSentInWindow;
    private int controlFramesWhileUnwritable;

    /** The stream whose request {@link #requestReceived} is handling, and whether it was answered or reset. */
    private int currentStreamId;
    private boolean currentFinished;

    Http2ServerCodec(long maxHeaderListSize, long initialMaxConcurrentStreams) {
        this.reader = new DefaultHttp2FrameReader(new RequestHeadersDecoder(maxHeaderListSize),
                MAX_SMALL_CONTINUATION_FRAMES);
        this.maxActiveStreams = initialMaxConcurrentStreams;
        this.unacknowledgedMaxStreams.add(initialMaxConcurrentStreams);
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /** A whole request: its headers and body (the first {@link RequestStream#MAX_KEPT_BODY} bytes, and its length). */
    protected abstract void requestReceived(int streamId, Http2Headers headers, byte[] body, int bodyLength);

    // ---- the channel ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.writer = new ServerFrameWriter(ctx.alloc());
        writer.settings(maxActiveStreams, maxHeaderListSize);
        flushFrames();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing) {
            data.release();
            return;
        }
        cumulation = cumulation == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, data);
        decoding = true;
        try {
            decode(cumulation);
        } finally {
            decoding = false;
            if (cumulation != null) {
                if (!cumulation.isReadable() || closing) {
                    cumulation.release();
                    cumulation = null;
                } else {
                    cumulation.discardSomeReadBytes();
                }
            }
        }
    }

    private void decode(ByteBuf in) {
        while (!closing && in.isReadable()) {
            int before = in.readerIndex();
            try {
                if (!prefaceAndSettingsSeen(in)) {
                    return;
                }
                reader.readFrame(ctx, in, inbound);
            } catch (Http2Exception e) {
                if (e instanceof Http2Exception.StreamException streamError) {
                    onStreamError(streamError);
                } else {
                    onConnectionError(e);
                }
            } catch (RuntimeException e) {
                onConnectionError(new Http2Exception(Http2Error.INTERNAL_ERROR,
                        "Unexpected failure: " + e, e));
            }
            if (in.readerIndex() == before) {
                return; // an incomplete frame: wait for more bytes
            }
        }
    }

    /** RFC 9113 section 3.4: the client preface, then a SETTINGS frame (not an ACK) first. */
    private boolean prefaceAndSettingsSeen(ByteBuf in) throws Http2Exception {
        if (firstFrameChecked) {
            return true;
        }
        while (prefaceMatched < PREFACE.length && in.isReadable()) {
            if (in.readByte() != PREFACE[prefaceMatched]) {
                throw connectionError(Http2Error.PROTOCOL_ERROR, "HTTP/2 client preface string missing or corrupt");
            }
            prefaceMatched++;
        }
        if (prefaceMatched < PREFACE.length || in.readableBytes() < 5) {
            return false;
        }
        int type = in.getUnsignedByte(in.readerIndex() + 3);
        int flags = in.getUnsignedByte(in.readerIndex() + 4);
        if (type != ServerFrameWriter.SETTINGS || (flags & ServerFrameWriter.FLAG_ACK) != 0) {
            throw connectionError(Http2Error.PROTOCOL_ERROR, "First received frame was not SETTINGS. "
                    + "Hex dump for first 5 bytes: %s", ByteBufUtil.hexDump(in, in.readerIndex(), 5));
        }
        firstFrameChecked = true;
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushFrames();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            controlFramesWhileUnwritable = 0;
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        releaseAll();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void releaseAll() {
        if (cumulation != null && !decoding) {
            cumulation.release();
            cumulation = null;
        }
        if (writer != null) {
            writer.discard();
        }
        streams.values().forEach(RequestStream::releasePendingData);
        streams.clear();
        blocked.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The transport failed (a reset, a TLS error): nothing can be sent any more; tests provoke these.
        closing = true;
        ctx.close();
    }

    /** A close from the pipeline (the server shutting down): a GOAWAY(NO_ERROR) first, as Netty's handler sends. */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!closing && goAwayLastStreamId < 0 && ctx.channel().isActive()) {
            writer.goAway(lastCreatedStreamId, Http2Error.NO_ERROR.code(), new byte[0]);
            flushFrames();
        }
        closing = true;
        ctx.close(promise);
    }

    /** Hands the frames written so far to the channel and flushes it. */
    protected final void flushFrames() {
        ByteBuf frames = writer.take();
        closedUnflushed = 0;
        if (frames != null) {
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(frames);
            } else {
                frames.release();
            }
        }
    }

    // ---- errors ----

    private void onStreamError(Http2Exception.StreamException e) {
        int id = e.streamId();
        if (id > highestStreamId && (id & 1) == 1) {
            // A request whose header block was refused while it was decoded: its stream was opened (RFC 9113
            // section 5.1.1) and is reset now, so the DATA the client may still send on it is ignored.
            highestStreamId = id;
            if (e instanceof Http2Exception.HeaderListSizeException sizeError && sizeError.duringDecode()
                    && goAwayLastStreamId < 0) {
                // As Netty's server did: a 431 answer before the reset.
                lastCreatedStreamId = id;
                writer.responseHeaders(id, 431, null, null, false, true);
            }
        }
        resetStream(id, e.error().code());
    }

    private void onConnectionError(Http2Exception e) {
        if (closing) {
            return;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        writer.goAway(lastCreatedStreamId, e.error().code(), message.getBytes(StandardCharsets.UTF_8));
        flushFrames();
        closing = true;
        ctx.close();
    }

    // ---- frames from the client (called by InboundFrames) ----

    boolean mayHaveExisted(int streamId) {
        return (streamId & 1) == 1 && streamId <= highestStreamId;
    }

    private boolean ignoredAfterGoAway(int streamId) {
        return goAwayLastStreamId >= 0 && streamId > goAwayLastStreamId;
    }

    private boolean recentlyReset(int streamId) {
        for (int i = 0; i < Math.min(recentResetCount, RECENT_RESETS); i++) {
            if (recentResets[i] == streamId) {
                return true;
            }
        }
        return false;
    }

    void headersRead(int id, Http2Headers headers, boolean endOfStream) throws Http2Exception {
        RequestStream stream = streams.get(id);
        if (stream != null) {
            if (stream.remoteClosed) {
                throw streamError(id, Http2Error.STREAM_CLOSED, "Stream %d in unexpected state: HALF_CLOSED_REMOTE", id);
            }
            if (!endOfStream) {
                throw streamError(id, Http2Error.PROTOCOL_ERROR, "Stream %d received too many headers EOS: false", id);
            }
            for (CharSequence name : headers.names()) {
                if (Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(name)) {
                    throw streamError(id, Http2Error.PROTOCOL_ERROR, "Found invalid Pseudo-Header in trailers: %s", name);
                }
            }
            // Trailers: nothing in them matters, but they end the request.
            stream.checkContentLength(true);
            stream.remoteClosed = true;
            complete(stream);
            return;
        }
        if ((id & 1) == 0) {
            throw connectionError(Http2Error.PROTOCOL_ERROR, "Request stream %d is not correct for server connection", id);
        }
        if (id <= highestStreamId) {
            if (ignoredAfterGoAway(id) || recentlyReset(id)) {
                return;
            }
            throw streamError(id, Http2Error.STREAM_CLOSED, "Received HEADERS frame for an unknown stream %d", id);
        }
        highestStreamId = id;
        if (ignoredAfterGoAway(id)) {
            throw streamError(id, Http2Error.REFUSED_STREAM,
                    "Cannot create stream %d greater than Last-Stream-ID %d from GOAWAY.", id, goAwayLastStreamId);
        }
        if (streams.size() + closedUnflushed >= maxActiveStreams) {
            throw streamError(id, Http2Error.REFUSED_STREAM,
                    "Maximum active streams violated for this endpoint: " + maxActiveStreams);
        }
        lastCreatedStreamId = id;
        long contentLength = contentLength(id, headers);
        if (endOfStream) {
            if (contentLength > 0) {
                throw streamError(id, Http2Error.PROTOCOL_ERROR,
                        "Received amount of data 0 does not match content-length header %d", contentLength);
            }
            finishRequest(id, headers, RequestStream.NO_BODY, 0, null);
        } else {
            streams.put(id, new RequestStream(id, headers, contentLength, DEFAULT_WINDOW, peerInitialWindow));
        }
    }

    private static long contentLength(int id, Http2Headers headers) throws Http2Exception {
        if (!RequestHeadersDecoder.hasContentLength(headers)) {
            return -1;
        }
        List<CharSequence> values = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        try {
            return HttpUtil.normalizeAndGetContentLength(values, false, true);
        } catch (IllegalArgumentException e) {
            throw streamError(id, Http2Error.PROTOCOL_ERROR, e, "Multiple content-length headers received");
        }
    }

    void dataRead(int id, ByteBuf data, int padding, boolean endOfStream) throws Http2Exception {
        int size = data.readableBytes() + padding;
        if (size > receiveWindow) {
            throw connectionError(Http2Error.FLOW_CONTROL_ERROR, "Flow control window exceeded for stream: 0");
        }
        // The connection's window is given back at once: the server keeps what it needs of each body.
        receiveWindow -= size;
        receivedUnacknowledged += size;
        if (receivedUnacknowledged >= WINDOW_UPDATE_THRESHOLD) {
            writer.windowUpdate(0, receivedUnacknowledged);
            receiveWindow += receivedUnacknowledged;
            receivedUnacknowledged = 0;
        }
        RequestStream stream = streams.get(id);
        if (stream == null) {
            if (!mayHaveExisted(id)) {
                throw connectionError(Http2Error.PROTOCOL_ERROR,
                        "Stream %d does not exist for inbound frame DATA, endOfStream = %b", id, endOfStream);
            }
            if (ignoredAfterGoAway(id) || recentlyReset(id)) {
                return;
            }
            throw streamError(id, Http2Error.STREAM_CLOSED, "Received DATA frame for an unknown stream %d", id);
        }
        if (stream.remoteClosed) {
            throw streamError(id, Http2Error.STREAM_CLOSED, "Stream %d in unexpected state: HALF_CLOSED_REMOTE", id);
        }
        if (size > stream.receiveWindow) {
            throw streamError(id, Http2Error.FLOW_CONTROL_ERROR, "Flow control window exceeded for stream: %d", id);
        }
        stream.receiveWindow -= size;
        stream.append(data);
        stream.checkContentLength(endOfStream);
        if (endOfStream) {
            stream.remoteClosed = true;
            complete(stream);
            return;
        }
        stream.receivedUnacknowledged += size;
        if (stream.receivedUnacknowledged >= WINDOW_UPDATE_THRESHOLD) {
            writer.windowUpdate(id, stream.receivedUnacknowledged);
            stream.receiveWindow += stream.receivedUnacknowledged;
            stream.receivedUnacknowledged = 0;
        }
    }

    private void complete(RequestStream stream) {
        Http2Headers headers = stream.headers;
        stream.headers = null;
        finishRequest(stream.id, headers, stream.body, stream.length, stream);
    }

    private void finishRequest(int id, Http2Headers headers, byte[] body, int length, RequestStream stream) {
        currentStreamId = id;
        currentFinished = false;
        try {
            requestReceived(id, headers, body, length);
        } finally {
            currentStreamId = 0;
        }
        if (!currentFinished && !closing && stream == null && !ignoredAfterGoAway(id)) {
            // Answered later (or never): the stream stays active until then, and the client may reset it.
            RequestStream waiting = new RequestStream(id, null, -1, 0, peerInitialWindow);
            waiting.remoteClosed = true;
            streams.put(id, waiting);
        }
    }

    void rstStreamRead(int id) throws Http2Exception {
        long now = System.nanoTime();
        if (now - rstReceivedWindowStart >= RST_WINDOW_NANOS) {
            rstReceivedWindowStart = now;
            rstReceivedInWindow = 0;
        }
        if (++rstReceivedInWindow > MAX_RST_FRAMES) {
            throw connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "Maximum number %d of RST frames reached within %d seconds", MAX_RST_FRAMES, 30);
        }
        RequestStream stream = streams.remove(id);
        if (stream == null) {
            if (!mayHaveExisted(id)) {
                throw connectionError(Http2Error.PROTOCOL_ERROR, "RST_STREAM received for IDLE stream %d", id);
            }
            return; // closed already
        }
        stream.releasePendingData();
        blocked.remove(stream);
    }

    void settingsRead(Long headerTableSize, Integer initialWindowSize, Integer maxFrameSize) throws Http2Exception {
        writer.settingsAck();
        countControlFrame();
        if (headerTableSize != null) {
            writer.headerTableSizeChanged();
        }
        if (maxFrameSize != null) {
            peerMaxFrameSize = maxFrameSize;
        }
        if (initialWindowSize != null) {
            int delta = initialWindowSize - peerInitialWindow;
            peerInitialWindow = initialWindowSize;
            List<Integer> overflowed = new ArrayList<>(0);
            for (RequestStream stream : streams.values()) {
                stream.sendWindow += delta;
                if (stream.sendWindow > MAX_WINDOW) {
                    overflowed.add(stream.id);
                }
            }
            for (int id : overflowed) {
                onStreamError((Http2Exception.StreamException) streamError(id, Http2Error.FLOW_CONTROL_ERROR, "Window size overflow for stream: %d", id));
            }
            if (delta > 0) {
                sendBlocked();
            }
        }
    }

    void settingsAckRead() {
        Long applied = unacknowledgedMaxStreams.poll();
        if (applied != null) {
            maxActiveStreams = applied;
        }
    }

    void pingRead(long data) throws Http2Exception {
        writer.pingAck(data);
        countControlFrame();
    }

    void windowUpdateRead(int id, int increment) throws Http2Exception {
        if (id == 0) {
            sendWindow += increment;
            if (sendWindow > MAX_WINDOW) {
                throw connectionError(Http2Error.FLOW_CONTROL_ERROR, "Window size overflow for stream: 0");
            }
            sendBlocked();
            return;
        }
        RequestStream stream = streams.get(id);
        if (stream == null) {
            if (!mayHaveExisted(id)) {
                throw connectionError(Http2Error.PROTOCOL_ERROR,
                        "Stream %d does not exist for inbound frame WINDOW_UPDATE, endOfStream = false", id);
            }
            return;
        }
        stream.sendWindow += increment;
        if (stream.sendWindow > MAX_WINDOW) {
            throw streamError(id, Http2Error.FLOW_CONTROL_ERROR, "Window size overflow for stream: %d", id);
        }
        sendBlocked();
    }

    private void countControlFrame() throws Http2Exception {
        if (!ctx.channel().isWritable() && ++controlFramesWhileUnwritable > MAX_QUEUED_CONTROL_FRAMES) {
            throw connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "Maximum number %d of outstanding control frames reached", MAX_QUEUED_CONTROL_FRAMES);
        }
    }

    // ---- what a subclass sends ----

    /** Whether the stream is still waiting for an answer (the client did not reset it, no GOAWAY excluded it). */
    protected final boolean streamOpen(int id) {
        return id == currentStreamId && !currentFinished || streams.containsKey(id);
    }

    /**
     * Answers a request: HEADERS with {@code :status}, {@code apns-id} and, without a body, {@code apns-unique-id};
     * with a JSON body, {@code content-type} and the body in DATA as the client's windows allow.
     */
    protected final void respond(int id, int status, CharSequence apnsId, CharSequence uniqueId, ByteBuf jsonBody) {
        RequestStream stream = streams.get(id);
        if (jsonBody == null) {
            writer.responseHeaders(id, status, apnsId, uniqueId, false, true);
            finished(id, stream);
            return;
        }
        writer.responseHeaders(id, status, apnsId, uniqueId, true, false);
        if (stream == null) {
            stream = new RequestStream(id, null, -1, 0, peerInitialWindow);
            stream.remoteClosed = true;
            streams.put(id, stream);
        }
        stream.pendingData = jsonBody;
        if (id == currentStreamId) {
            currentFinished = true; // whatever is left of the body waits as an active stream
        }
        if (sendData(stream)) {
            finished(id, stream);
        } else {
            blocked.add(stream);
        }
    }

    /** Sends as much of the stream's pending body as the windows allow; true when all of it went. */
    private boolean sendData(RequestStream stream) {
        ByteBuf data = stream.pendingData;
        while (data.isReadable()) {
            long window = Math.min(sendWindow, stream.sendWindow);
            int length = (int) Math.min(Math.min(window, peerMaxFrameSize), data.readableBytes());
            if (length <= 0) {
                return false;
            }
            boolean last = length == data.readableBytes();
            writer.data(stream.id, data, length, last);
            sendWindow -= length;
            stream.sendWindow -= length;
        }
        stream.releasePendingData();
        return true;
    }

    private void sendBlocked() {
        for (int i = blocked.size(); i > 0 && sendWindow > 0; i--) {
            RequestStream stream = blocked.poll();
            if (streams.get(stream.id) != stream) {
                continue; // reset meanwhile
            }
            if (sendData(stream)) {
                finished(stream.id, stream);
            } else {
                blocked.add(stream);
            }
        }
    }

    private void finished(int id, RequestStream stream) {
        if (id == currentStreamId) {
            currentFinished = true;
        }
        if (stream != null) {
            streams.remove(id);
        }
        closedUnflushed++;
    }

    /** RST_STREAM: the stream ends without an answer. */
    protected final void resetStream(int id, long errorCode) {
        long now = System.nanoTime();
        if (now - rstSentWindowStart >= RST_WINDOW_NANOS) {
            rstSentWindowStart = now;
            rstSentInWindow = 0;
        }
        writer.rstStream(id, errorCode);
        if (id == currentStreamId) {
            currentFinished = true;
        }
        RequestStream stream = streams.remove(id);
        if (stream != null) {
            stream.releasePendingData();
            blocked.remove(stream);
        }
        recentResets[recentResetCount++ % RECENT_RESETS] = id;
        if (++rstSentInWindow > MAX_RST_FRAMES) {
            onConnectionError(connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "Maximum number %d of RST frames reached within %d seconds", MAX_RST_FRAMES, 30));
        }
    }

    /** Announces a new SETTINGS_MAX_CONCURRENT_STREAMS, which applies once the client acknowledges it. */
    protected final void sendMaxConcurrentStreams(long streams) {
        writer.settings(streams, 0);
        unacknowledgedMaxStreams.add(streams);
    }

    /**
     * GOAWAY: streams above {@code lastStreamId} are not processed (their frames are ignored from now on, new
     * streams refused); the connection stays open for the streams at or below it.
     */
    protected final void goAway(int lastStreamId, long errorCode, byte[] debugData) {
        goAwayLastStreamId = lastStreamId;
        writer.goAway(lastStreamId, errorCode, debugData);
        streams.values().removeIf(stream -> {
            if (stream.id > lastStreamId) {
                stream.releasePendingData();
                blocked.remove(stream);
                return true;
            }
            return false;
        });
    }

    /** Whether a stream at or below {@code lastStreamId} still waits for the rest of its request. */
    protected final boolean requestArrivingAtOrBelow(int lastStreamId) {
        for (RequestStream stream : streams.values()) {
            if (stream.id <= lastStreamId && !stream.remoteClosed) {
                return true;
            }
        }
        return false;
    }

    /** Forgets every stream: the connection is being dropped. */
    protected final void forgetStreams() {
        closing = true;
        releaseAll();
    }
}
