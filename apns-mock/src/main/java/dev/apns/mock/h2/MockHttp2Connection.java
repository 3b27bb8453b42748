package dev.apns.mock.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection of the mock server: collects each request's headers and body, has them evaluated,
 * answers (at once, later, or when answering resumes) and applies the faults scheduled for request numbers.
 * Everything runs on the connection's event loop; the server reaches in only through
 * {@link #execute(Runnable)}.
 */
final class MockHttp2Connection extends Http2ConnectionHandler {
    /** Apple's value, seen in the field. */
    static final long MAX_HEADER_LIST_SIZE = 8000;
    /** Bodies are kept up to one byte more than the largest payload, enough to tell that one is too large. */
    private static final int MAX_KEPT_BODY = 5121;
    private static final AsciiString APNS_ID = AsciiString.cached("apns-id");
    private static final AsciiString APNS_UNIQUE_ID = AsciiString.cached("apns-unique-id");
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final byte[] NO_BODY = new byte[0];
    /** How long a connection that sent its GOAWAY and last answers waits for the client to close, at most. */
    private static final long LINGER_MILLIS = 1_000;

    private final MockApnsHttp2Server server;
    private final int number;
    private final RequestEvaluator evaluator;
    private final IntObjectMap<PendingRequest> pending = new IntObjectHashMap<>();
    private final List<Runnable> held = new ArrayList<>();
    private ChannelHandlerContext ctx;
    /** Whether SETTINGS_MAX_CONCURRENT_STREAMS is past the first-request limit of 1. */
    private boolean raised;
    /** The last-stream-id of the GOAWAY this server sent, or -1. */
    private int goAwayLastStreamId = -1;
    /** Responses scheduled for later or held back, not yet written. */
    private int deferred;
    /** The highest stream id whose request was processed (answered, held or reset) here. */
    private int highestProcessedStreamId;
    private boolean dropped;
    /** The connection is ending after its GOAWAY: output closed, reading until the client closes. */
    private boolean closing;

    private static final class PendingRequest {
        final Http2Headers headers;
        byte[] body = NO_BODY;
        int length;

        PendingRequest(Http2Headers headers) {
            this.headers = headers;
        }

        void append(ByteBuf data) {
            int readable = data.readableBytes();
            int keep = Math.min(readable, MAX_KEPT_BODY - length);
            if (keep > 0) {
                int kept = Math.min(length, MAX_KEPT_BODY);
                if (body.length < kept + keep) {
                    body = Arrays.copyOf(body, kept + keep);
                }
                data.getBytes(data.readerIndex(), body, kept, keep);
            }
            length += readable;
        }
    }

    /** Builds the handler with the first SETTINGS frame's values. */
    static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<MockHttp2Connection, Builder> {
        private final MockApnsHttp2Server server;
        private final int number;
        private final Authenticator authenticator;

        Builder(MockApnsHttp2Server server, int number, Authenticator authenticator) {
            this.server = server;
            this.number = number;
            this.authenticator = authenticator;
            // A server connection whose DATA (error bodies only) is shared among streams evenly: the default
            // weighted fair queue keeps a priority tree up to date for every stream, which costs more here than the
            // answers it schedules.
            DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
            connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection,
                    new UniformStreamByteDistributor(connection)));
            connection(connection);
            // apns-id and apns-unique-id differ in every response: sent as never-indexed literals, they do not churn
            // the HPACK tables of both sides (adding each, evicting the oldest) for entries that are never used.
            headerSensitivityDetector((name, value) -> APNS_ID.contentEqualsIgnoreCase(name)
                    || APNS_UNIQUE_ID.contentEqualsIgnoreCase(name));
            int streams = limited(server, authenticator) ? 1 : server.maxConcurrentStreams();
            initialSettings(new Http2Settings().maxConcurrentStreams(streams).maxHeaderListSize(MAX_HEADER_LIST_SIZE));
            gracefulShutdownTimeoutMillis(1000);
        }

        @Override
        public MockHttp2Connection build() {
            return super.build();
        }

        @Override
        protected MockHttp2Connection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                            Http2Settings initialSettings) {
            MockHttp2Connection handler = new MockHttp2Connection(decoder, encoder, initialSettings, server, number,
                    authenticator);
            frameListener(handler.new Listener());
            return handler;
        }
    }

    private MockHttp2Connection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                                MockApnsHttp2Server server, int number, Authenticator authenticator) {
        super(decoder, encoder, settings);
        this.server = server;
        this.number = number;
        this.evaluator = new RequestEvaluator(server, authenticator, number);
        this.raised = !limited(server, authenticator);
    }

    /** Whether the connection starts with the first-request limit of one stream. */
    private static boolean limited(MockApnsHttp2Server server, Authenticator authenticator) {
        return authenticator.tokenMode() && server.firstRequestLimit();
    }

    /** The frames this connection acts on. */
    private final class Listener extends Http2FrameAdapter {
        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) {
            headersRead(streamId, headers, endOfStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endOfStream) {
            headersRead(streamId, headers, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            int consumed = data.readableBytes() + padding;
            PendingRequest request = pending.get(streamId);
            if (request != null) {
                request.append(data);
                if (endOfStream) {
                    pending.remove(streamId);
                    process(streamId, request.headers, request.body, request.length);
                }
            }
            return consumed;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            pending.remove(streamId);
        }
    }

    int number() {
        return number;
    }

    /** Runs {@code task} on this connection's event loop. */
    void execute(Runnable task) {
        ChannelHandlerContext context = ctx;
        if (context != null) {
            context.executor().execute(task);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
        server.observations().connectionOpened(this);
    }

    /**
     * After this server's GOAWAY the connection ends by itself ({@link #finishGoAwayWhenAnswered()}): a connection
     * error then closes nothing. Requests the client sent before it read the GOAWAY raise such errors in Netty's
     * codec (it refuses the HEADERS of a stream above the last-stream-id, then takes that stream's DATA for a
     * stream that never existed); closing on them would reset the connection under the client's feet.
     */
    @Override
    protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                     Http2Exception http2Ex) {
        if (goAwayLastStreamId >= 0) {
            return;
        }
        super.onConnectionError(ctx, outbound, cause, http2Ex);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        pending.clear();
        held.clear();
        server.observations().connectionClosed(this);
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        server.observations().connectionClosed(this);
        super.handlerRemoved0(ctx);
    }

    private void headersRead(int streamId, Http2Headers headers, boolean endOfStream) {
        PendingRequest existing = pending.get(streamId);
        if (existing != null) {
            // Trailers: nothing in them matters, but they may end the request.
            if (endOfStream) {
                pending.remove(streamId);
                process(streamId, existing.headers, existing.body, existing.length);
            }
            return;
        }
        if (endOfStream) {
            process(streamId, headers, NO_BODY, 0);
        } else {
            pending.put(streamId, new PendingRequest(headers));
        }
    }

    private void process(int streamId, Http2Headers headers, byte[] body, int bodyLength) {
        if (dropped) {
            return;
        }
        long requestNumber = server.observations().nextRequestNumber();
        highestProcessedStreamId = Math.max(highestProcessedStreamId, streamId);
        FaultScript.NumberedFault fault = server.script().takeNumbered(requestNumber);
        if (fault != null && fault.kind() == FaultScript.NumberedFault.Kind.DROP_CONNECTION) {
            drop();
            return;
        }
        if (fault != null && fault.kind() == FaultScript.NumberedFault.Kind.RESET_STREAM) {
            server.observations().countReset();
            resetStream(ctx, streamId, fault.errorCode(), ctx.newPromise());
            return;
        }
        Outcome outcome = evaluator.evaluate(requestNumber, new RequestHeaders(headers), body, bodyLength);
        answer(streamId, outcome);
        if (fault != null && fault.kind() == FaultScript.NumberedFault.Kind.GO_AWAY) {
            // Not below a stream already processed: the GOAWAY must not deny a request that was answered.
            goAway(highestProcessedStreamId, fault);
        }
    }

    private void answer(int streamId, Outcome outcome) {
        FaultScript script = server.script();
        if (!script.answering()) {
            deferred++;
            held.add(() -> {
                deferred--;
                write(streamId, outcome);
            });
            return;
        }
        long delay = script.delayNanos();
        if (delay > 0) {
            deferred++;
            ctx.executor().schedule(() -> {
                deferred--;
                write(streamId, outcome);
                flush(ctx);
                finishGoAwayWhenAnswered();
            }, delay, TimeUnit.NANOSECONDS);
            return;
        }
        write(streamId, outcome);
    }

    /** Answers every held request (after {@code resumeAnswering}); on the event loop. */
    void releaseHeld() {
        if (held.isEmpty()) {
            return;
        }
        List<Runnable> answers = new ArrayList<>(held);
        held.clear();
        answers.forEach(Runnable::run);
        flush(ctx);
        finishGoAwayWhenAnswered();
    }

    private void write(int streamId, Outcome outcome) {
        if (dropped || !ctx.channel().isActive() || connection().stream(streamId) == null) {
            return; // the client reset the stream, or the connection is gone
        }
        Http2Headers headers = new DefaultHttp2Headers(false, 4)
                .status(HttpResponseStatus.valueOf(outcome.status()).codeAsText())
                .set(APNS_ID, outcome.apnsId());
        if (outcome.isAccepted()) {
            headers.set(APNS_UNIQUE_ID, Uuids.random());
            encoder().writeHeaders(ctx, streamId, headers, 0, true, ctx.newPromise());
        } else {
            headers.set(CONTENT_TYPE, APPLICATION_JSON);
            encoder().writeHeaders(ctx, streamId, headers, 0, false, ctx.newPromise());
            encoder().writeData(ctx, streamId, ByteBufUtil.writeUtf8(ctx.alloc(), outcome.body()), 0, true,
                    ctx.newPromise());
        }
        if (!raised && outcome.authenticated()) {
            raised = true;
            writeMaxConcurrentStreams(server.maxConcurrentStreams());
        }
    }

    /** Announces a new SETTINGS_MAX_CONCURRENT_STREAMS, unless the first-request limit still holds; on the event loop. */
    void maxConcurrentStreamsChanged(int streams) {
        if (raised && ctx.channel().isActive() && goAwayLastStreamId < 0) {
            writeMaxConcurrentStreams(streams);
            flush(ctx);
        }
    }

    private void writeMaxConcurrentStreams(int streams) {
        encoder().writeSettings(ctx, new Http2Settings().maxConcurrentStreams(streams), ctx.newPromise());
    }

    private void goAway(int lastStreamId, FaultScript.NumberedFault fault) {
        if (goAwayLastStreamId >= 0) {
            return;
        }
        goAwayLastStreamId = lastStreamId;
        ByteBuf debug = fault.debugReason() == null ? Unpooled.EMPTY_BUFFER
                : ByteBufUtil.writeUtf8(ctx.alloc(), "{\"reason\":\"" + fault.debugReason() + "\"}");
        try {
            connection().goAwaySent(lastStreamId, fault.errorCode(), debug);
        } catch (Http2Exception e) {
            // Only when a GOAWAY with a higher last-stream-id was sent before, which this class never does.
            throw new IllegalStateException("Netty refused the GOAWAY: " + e.getMessage(), e);
        }
        frameWriter().writeGoAway(ctx, lastStreamId, fault.errorCode(), debug, ctx.newPromise());
        // Streams above the last-stream-id are not processed: forget the requests still arriving on them.
        pending.keySet().removeIf(id -> id > lastStreamId);
        flush(ctx);
        finishGoAwayWhenAnswered();
    }

    /** After a GOAWAY, ends the connection once every stream at or below its last-stream-id was answered. */
    private void finishGoAwayWhenAnswered() {
        if (goAwayLastStreamId < 0 || deferred > 0 || closing || !ctx.channel().isActive()) {
            return;
        }
        for (int id : pending.keySet()) {
            if (id <= goAwayLastStreamId) {
                return;
            }
        }
        flush(ctx);
        closing = true;
        lingeringClose();
    }

    /**
     * Ends the connection without a TCP reset: a TLS close_notify and a FIN after the frames already written, then
     * reading until the client closes, for at most {@link #LINGER_MILLIS}.
     *
     * <p>Closing the socket at once is answered with a reset by the kernel as soon as requests the client sent before
     * it read the GOAWAY arrive, or were waiting unread. The client's next write then fails on that reset, and a client
     * that closes on a failed write (Netty's channels do) never reads the GOAWAY and the answers already waiting in its
     * receive buffer. What the client still sends is thrown away before the HTTP/2 codec, which would answer frames of
     * streams above the GOAWAY's last-stream-id with RST_STREAM: after the close_notify that write fails, and the codec
     * closes the connection on the failure. The frames left in the buffer being decoded now still reach the codec, so
     * the close_notify waits for the event loop's next turn.
     */
    private void lingeringClose() {
        ctx.pipeline().addBefore(ctx.name(), "drain-after-goaway", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext drain, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
        ctx.executor().schedule(() -> {
            if (ctx.channel().isOpen()) {
                ctx.close();
            }
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ctx.executor().execute(() -> {
            flush(ctx);
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            ChannelFuture outputClosed = tls == null ? ctx.newSucceededFuture() : tls.closeOutbound();
            outputClosed.addListener(done -> {
                if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive() && !duplex.isOutputShutdown()) {
                    duplex.shutdownOutput();
                }
            });
        });
    }

    /** Closes the TCP connection at once with a reset: no GOAWAY, no TLS close_notify, streams left open. */
    void drop() {
        dropped = true;
        pending.clear();
        held.clear();
        if (ctx.channel().isActive()) { // SO_LINGER on a channel the client closed meanwhile throws
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        }
        ctx.pipeline().firstContext().close();
    }
}
