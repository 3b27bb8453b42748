package dev.apns.mock.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

import static io.netty.handler.codec.http2.Http2Exception.connectionError;

/**
 * The server side of HTTP/2 for the mock, on Netty's frame reader and HPACK decoder but with its own connection
 * state ({@link ServerStreams}, {@link SendWindows}, {@link FloodLimits}; the frame rules are in
 * {@link InboundFrames}): the client preface and first SETTINGS, stream ids, MAX_CONCURRENT_STREAMS, flow control
 * both ways, SETTINGS, PING, RST_STREAM and GOAWAY, and the protocol errors that end a stream (RST_STREAM) or the
 * connection (GOAWAY and close). What it refuses, and with which error code, is what Netty's
 * {@code Http2ConnectionHandler} refused before it. Frames are written into one buffer and flushed once per read
 * batch. A subclass gets each whole request and answers it. Everything runs on the connection's event loop.
 */
abstract class Http2ServerCodec extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Http2ServerCodec.class);
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Netty's default limit of CONTINUATION frames with little in them. */
    private static final int MAX_SMALL_CONTINUATION_FRAMES = 16;
    private static final byte[] NO_DEBUG_DATA = new byte[0];

    private final DefaultHttp2FrameReader reader;
    private final long maxHeaderListSize;
    private final long initialMaxConcurrentStreams;
    private final ServerStreams streams;
    private final FloodLimits limits = new FloodLimits();
    protected ChannelHandlerContext ctx;
    private ServerFrameWriter writer;
    private SendWindows sendWindows;
    private InboundFrames inbound;
    private ByteBuf cumulation;
    /** Whether the frame reader is working on {@link #cumulation} (which must then stay alive). */
    private boolean decoding;
    private int prefaceMatched;
    private boolean firstFrameChecked;
    /** Set once the connection ended with an error or was closed: nothing more is read. */
    private boolean closing;
    /** The stream whose request {@link #requestReceived} is handling, and whether it was answered or reset. */
    private int currentStreamId;
    private boolean currentFinished;

    Http2ServerCodec(long maxHeaderListSize, long initialMaxConcurrentStreams) {
        this.reader = new DefaultHttp2FrameReader(new RequestHeadersDecoder(maxHeaderListSize),
                MAX_SMALL_CONTINUATION_FRAMES);
        this.maxHeaderListSize = maxHeaderListSize;
        this.initialMaxConcurrentStreams = initialMaxConcurrentStreams;
        this.streams = new ServerStreams(initialMaxConcurrentStreams);
    }

    /** A whole request: its headers and body (the first {@link RequestStream#MAX_KEPT_BODY} bytes, and its length). */
    protected abstract void requestReceived(int streamId, Http2Headers headers, byte[] body, int bodyLength);

    // ---- the channel ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.writer = new ServerFrameWriter(ctx.alloc());
        this.sendWindows = new SendWindows(writer);
        this.inbound = new InboundFrames(this, streams, writer, sendWindows, limits, ctx.channel());
        writer.settings(initialMaxConcurrentStreams, maxHeaderListSize);
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
        cumulation = cumulation == null ? data
                : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, data);
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
                    streamFailed(streamError);
                } else {
                    connectionFailed(e);
                }
            } catch (RuntimeException e) {
                // A defect of the mock: the client gets GOAWAY INTERNAL_ERROR with the message, the log the trace.
                LOG.warn("Mock HTTP/2 connection {} failed on a frame; ending it with INTERNAL_ERROR", ctx.channel(), e);
                connectionFailed(new Http2Exception(Http2Error.INTERNAL_ERROR, "Unexpected failure: " + e, e));
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
            limits.writable();
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
            sendWindows.clear();
        }
        streams.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The transport failed (a reset, a TLS error): nothing can be sent any more. Tests provoke these, so they are
        // logged at debug level only.
        LOG.debug("Mock HTTP/2 connection {} failed; closing it", ctx.channel(), cause);
        closing = true;
        ctx.close();
    }

    /** A close from the pipeline: a GOAWAY(NO_ERROR) first, as Netty's handler sent. */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!closing && !streams.goAwaySent() && ctx.channel().isActive()) {
            writer.goAway(streams.lastCreatedId(), Http2Error.NO_ERROR.code(), NO_DEBUG_DATA);
            flushFrames();
        }
        closing = true;
        ctx.close(promise);
    }

    /** Hands the frames written so far to the channel and flushes it. */
    protected final void flushFrames() {
        ByteBuf frames = writer.take();
        streams.flushed();
        if (frames != null) {
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(frames);
            } else {
                frames.release();
            }
        }
    }

    // ---- errors ----

    /** A stream error: RST_STREAM with its code (after a 431 answer when the header list was too large). */
    void streamFailed(Http2Exception.StreamException e) {
        int id = e.streamId();
        if (streams.isNew(id) && (id & 1) == 1) {
            // A request whose header block was refused while it was decoded: its stream was opened (RFC 9113
            // section 5.1.1) and is reset now, so the DATA the client may still send on it is ignored.
            boolean tooLarge = e instanceof Http2Exception.HeaderListSizeException sizeError
                    && sizeError.duringDecode() && !streams.goAwaySent();
            streams.openedAndRefused(id, tooLarge);
            if (tooLarge) {
                // As Netty's server did: a 431 answer before the reset.
                writer.responseHeaders(id, 431, null, null, false, true);
            }
        }
        resetStream(id, e.error().code());
    }

    /** A connection error: GOAWAY with its code and message, then close. */
    private void connectionFailed(Http2Exception e) {
        if (closing) {
            return;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        writer.goAway(streams.lastCreatedId(), e.error().code(), message.getBytes(StandardCharsets.UTF_8));
        flushFrames();
        closing = true;
        ctx.close();
    }

    // ---- requests ----

    /** A request arrived whole; {@code stream} is its active stream, or null when it came in one HEADERS frame. */
    void requestComplete(int id, Http2Headers headers, byte[] body, int length, RequestStream stream) {
        currentStreamId = id;
        currentFinished = false;
        try {
            requestReceived(id, headers, body, length);
        } finally {
            currentStreamId = 0;
        }
        if (!currentFinished && !closing && stream == null && !streams.ignoredAfterGoAway(id)) {
            // Answered later (or never): the stream stays active until then, and the client may reset it.
            RequestStream waiting = new RequestStream(id, null, -1, 0, sendWindows.initialStreamWindow());
            waiting.remoteClosed = true;
            streams.put(waiting);
        }
    }

    /** Whether the stream is still waiting for an answer (the client did not reset it, no GOAWAY excluded it). */
    protected final boolean streamOpen(int id) {
        return id == currentStreamId && !currentFinished || streams.isActive(id);
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
            stream = new RequestStream(id, null, -1, 0, sendWindows.initialStreamWindow());
            stream.remoteClosed = true;
            streams.put(stream);
        }
        stream.pendingData = jsonBody;
        if (id == currentStreamId) {
            currentFinished = true; // whatever is left of the body waits as an active stream
        }
        if (sendWindows.send(stream)) {
            finished(id, stream);
        }
    }

    /** A body that waited for window went out whole. */
    void bodySent(RequestStream stream) {
        if (streams.get(stream.id) == stream) {
            finished(stream.id, stream);
        }
    }

    private void finished(int id, RequestStream stream) {
        if (id == currentStreamId) {
            currentFinished = true;
        }
        if (stream != null) {
            streams.remove(id);
        }
        streams.answered();
    }

    /** RST_STREAM: the stream ends without an answer. */
    protected final void resetStream(int id, long errorCode) {
        writer.rstStream(id, errorCode);
        if (id == currentStreamId) {
            currentFinished = true;
        }
        RequestStream stream = streams.remove(id);
        if (stream != null) {
            sendWindows.forget(stream);
        }
        streams.reset(id);
        Http2Exception tooMany = limits.resetSent();
        if (tooMany != null) {
            connectionFailed(tooMany);
        }
    }

    /** Announces a new SETTINGS_MAX_CONCURRENT_STREAMS, which applies once the client acknowledges it. */
    protected final void sendMaxConcurrentStreams(long maxStreams) {
        writer.settings(maxStreams, 0);
        streams.maxConcurrentStreamsSent(maxStreams);
    }

    /**
     * GOAWAY: streams above {@code lastStreamId} are not processed (their frames are ignored from now on, new
     * streams refused); the connection stays open for the streams at or below it.
     */
    protected final void goAway(int lastStreamId, long errorCode, byte[] debugData) {
        writer.goAway(lastStreamId, errorCode, debugData);
        streams.goAwaySent(lastStreamId, sendWindows::forget);
    }

    /** Whether a stream at or below {@code lastStreamId} still waits for the rest of its request. */
    protected final boolean requestArrivingAtOrBelow(int lastStreamId) {
        return streams.requestArrivingAtOrBelow(lastStreamId);
    }

    /** Forgets every stream: the connection is being dropped. */
    protected final void forgetStreams() {
        closing = true;
        releaseAll();
    }
}
