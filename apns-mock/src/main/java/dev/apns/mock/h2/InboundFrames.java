package dev.apns.mock.h2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

import java.util.List;

import static io.netty.handler.codec.http2.Http2Exception.connectionError;
import static io.netty.handler.codec.http2.Http2Exception.streamError;

/**
 * What the server does with each frame Netty's frame reader parsed (and checked: sizes, padding, stream ids that
 * must or must not be 0, CONTINUATION sequences, setting values): the stream rules, the receive side of flow
 * control, SETTINGS and PING. A thrown {@link Http2Exception} ends the stream or the connection (the codec
 * decides which). A client never pushes: PUSH_PROMISE ends the connection. PRIORITY is ignored (this server
 * answers in order of arrival), as are unknown frame types and the client's GOAWAY (a server opens no streams).
 */
final class InboundFrames implements Http2FrameListener {
    private static final int DEFAULT_WINDOW = SendWindows.DEFAULT_WINDOW;
    /** Received bytes are given back (WINDOW_UPDATE) once half of a window is used, as Netty's default. */
    private static final int WINDOW_UPDATE_THRESHOLD = DEFAULT_WINDOW / 2 + 1;

    private final Http2ServerCodec codec;
    private final ServerStreams streams;
    private final ServerFrameWriter writer;
    private final SendWindows sendWindows;
    private final FloodLimits limits;
    private final Channel channel;
    private int receiveWindow = DEFAULT_WINDOW;
    private int receivedUnacknowledged;

    InboundFrames(Http2ServerCodec codec, ServerStreams streams, ServerFrameWriter writer, SendWindows sendWindows,
                  FloodLimits limits, Channel channel) {
        this.codec = codec;
        this.streams = streams;
        this.writer = writer;
        this.sendWindows = sendWindows;
        this.limits = limits;
        this.channel = channel;
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                              boolean endOfStream) throws Http2Exception {
        headersRead(streamId, headers, endOfStream);
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
        headersRead(streamId, headers, endOfStream);
    }

    private void headersRead(int id, Http2Headers headers, boolean endOfStream) throws Http2Exception {
        limits.headersFrame();
        RequestStream stream = streams.get(id);
        if (stream != null) {
            trailersRead(stream, headers, endOfStream);
            return;
        }
        if (!streams.isNew(id) && (id & 1) == 1) {
            if (streams.ignoredAfterGoAway(id) || streams.recentlyReset(id)) {
                return;
            }
            throw streamError(id, Http2Error.STREAM_CLOSED, "Received HEADERS frame for an unknown stream %d", id);
        }
        streams.open(id);
        long contentLength = contentLength(id, headers);
        if (endOfStream) {
            if (contentLength > 0) {
                throw streamError(id, Http2Error.PROTOCOL_ERROR,
                        "Received amount of data 0 does not match content-length header %d", contentLength);
            }
            codec.requestComplete(id, headers, RequestStream.NO_BODY, 0, null);
        } else {
            streams.put(new RequestStream(id, headers, contentLength, DEFAULT_WINDOW, sendWindows.initialStreamWindow()));
        }
    }

    /** A second HEADERS frame on a stream: trailers, which must end it; nothing in them matters. */
    private void trailersRead(RequestStream stream, Http2Headers headers, boolean endOfStream) throws Http2Exception {
        int id = stream.id;
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
        stream.checkContentLength(true);
        complete(stream);
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

    private void complete(RequestStream stream) {
        stream.remoteClosed = true;
        Http2Headers headers = stream.headers;
        stream.headers = null;
        codec.requestComplete(stream.id, headers, stream.body, stream.length, stream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int id, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        limits.dataFrame(!data.isReadable(), endOfStream);
        int size = data.readableBytes() + padding;
        if (size > receiveWindow) {
            throw connectionError(Http2Error.FLOW_CONTROL_ERROR, "Flow control window exceeded for stream: 0");
        }
        // The connection's window is given back as it is used: the server keeps what it needs of each body at once.
        receiveWindow -= size;
        receivedUnacknowledged += size;
        if (receivedUnacknowledged >= WINDOW_UPDATE_THRESHOLD) {
            writer.windowUpdate(0, receivedUnacknowledged);
            receiveWindow += receivedUnacknowledged;
            receivedUnacknowledged = 0;
        }
        RequestStream stream = streams.get(id);
        if (stream == null) {
            if (!streams.mayHaveExisted(id)) {
                throw connectionError(Http2Error.PROTOCOL_ERROR,
                        "Stream %d does not exist for inbound frame DATA, endOfStream = %b", id, endOfStream);
            }
            if (streams.ignoredAfterGoAway(id) || streams.recentlyReset(id)) {
                return size;
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
            complete(stream);
            return size;
        }
        stream.receivedUnacknowledged += size;
        if (stream.receivedUnacknowledged >= WINDOW_UPDATE_THRESHOLD) {
            writer.windowUpdate(id, stream.receivedUnacknowledged);
            stream.receiveWindow += stream.receivedUnacknowledged;
            stream.receivedUnacknowledged = 0;
        }
        return size;
    }

    @Override
    public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
                               boolean exclusive) {
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int id, long errorCode) throws Http2Exception {
        limits.resetReceived();
        RequestStream stream = streams.remove(id);
        if (stream == null) {
            if (!streams.mayHaveExisted(id)) {
                throw connectionError(Http2Error.PROTOCOL_ERROR, "RST_STREAM received for IDLE stream %d", id);
            }
            return; // closed already
        }
        sendWindows.forget(stream);
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) {
        streams.settingsAcknowledged();
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
        writer.settingsAck();
        limits.controlFrameWritten(channel.isWritable());
        if (settings.headerTableSize() != null) {
            writer.headerTableSizeChanged();
        }
        Integer maxFrameSize = settings.maxFrameSize();
        if (maxFrameSize != null) {
            sendWindows.maxFrameSize(maxFrameSize);
        }
        Integer initialWindowSize = settings.initialWindowSize();
        if (initialWindowSize != null) {
            boolean grew = initialWindowSize > sendWindows.initialStreamWindow();
            for (int id : sendWindows.initialStreamWindow(initialWindowSize, streams.active())) {
                codec.streamFailed((Http2Exception.StreamException) streamError(id, Http2Error.FLOW_CONTROL_ERROR,
                        "Window size overflow for stream: %d", id));
            }
            if (grew) {
                sendWindows.sendBlocked(codec::bodySent);
            }
        }
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
        writer.pingAck(data);
        limits.controlFrameWritten(channel.isWritable());
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) {
    }

    @Override
    public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId, Http2Headers headers,
                                  int padding) throws Http2Exception {
        throw connectionError(Http2Error.PROTOCOL_ERROR, "A client cannot push.");
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int id, int increment) throws Http2Exception {
        if (id == 0) {
            sendWindows.connectionUpdate(increment);
        } else {
            RequestStream stream = streams.get(id);
            if (stream == null) {
                if (!streams.mayHaveExisted(id)) {
                    throw connectionError(Http2Error.PROTOCOL_ERROR,
                            "Stream %d does not exist for inbound frame WINDOW_UPDATE, endOfStream = false", id);
                }
                return;
            }
            SendWindows.streamUpdate(stream, increment);
        }
        sendWindows.sendBlocked(codec::bodySent);
    }

    @Override
    public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
                               ByteBuf payload) {
    }
}
