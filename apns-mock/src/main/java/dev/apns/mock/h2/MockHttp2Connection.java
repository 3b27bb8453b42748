package dev.apns.mock.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection of the mock server: has each request evaluated, answers (at once, later, or when answering
 * resumes) and applies the faults scheduled for request numbers. The HTTP/2 side is {@link Http2ServerCodec}.
 * Everything runs on the connection's event loop; the server reaches in only through {@link #execute(Runnable)}.
 */
final class MockHttp2Connection extends Http2ServerCodec {
    /** Apple's value, seen in the field. */
    static final long MAX_HEADER_LIST_SIZE = 8000;
    private static final byte[] NO_DEBUG_DATA = new byte[0];
    /** How long a connection that sent its GOAWAY and last answers waits for the client to close, at most. */
    private static final long LINGER_MILLIS = 1_000;

    private final MockApnsHttp2Server server;
    private final int number;
    private final RequestEvaluator evaluator;
    private final List<Runnable> held = new ArrayList<>();
    /** Whether SETTINGS_MAX_CONCURRENT_STREAMS is past the first-request limit of 1. */
    private boolean raised;
    /** The last-stream-id of the GOAWAY this server sent, or -1. */
    private int goAwayLastStreamId = -1;
    /** Responses scheduled for later or held back, not yet written. */
    private int deferred;
    /** The highest stream id whose request was processed (answered, held or reset) here. */
    private int highestProcessedStreamId;
    private boolean dropped;
    /** The connection sent its GOAWAY and last answers and now waits for the client to close. */
    private boolean lingering;

    MockHttp2Connection(MockApnsHttp2Server server, int number, Authenticator authenticator) {
        super(MAX_HEADER_LIST_SIZE, limited(server, authenticator) ? 1 : server.maxConcurrentStreams());
        this.server = server;
        this.number = number;
        this.evaluator = new RequestEvaluator(server, authenticator, number);
        this.raised = !limited(server, authenticator);
    }

    /** Whether the connection starts with the first-request limit of one stream. */
    private static boolean limited(MockApnsHttp2Server server, Authenticator authenticator) {
        return authenticator.tokenMode() && server.firstRequestLimit();
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
        super.handlerAdded(ctx);
        server.observations().connectionOpened(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        held.clear();
        server.observations().connectionClosed(this);
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        server.observations().connectionClosed(this);
        super.handlerRemoved(ctx);
    }

    @Override
    protected void requestReceived(int streamId, Http2Headers headers, byte[] body, int bodyLength) {
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
            resetStream(streamId, fault.errorCode());
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
                flushFrames();
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
        flushFrames();
        finishGoAwayWhenAnswered();
    }

    private void write(int streamId, Outcome outcome) {
        if (dropped || !ctx.channel().isActive() || !streamOpen(streamId)) {
            return; // the client reset the stream, or the connection is gone
        }
        if (outcome.isAccepted()) {
            respond(streamId, outcome.status(), outcome.apnsId(), Uuids.random(), null);
        } else {
            respond(streamId, outcome.status(), outcome.apnsId(), null, ByteBufUtil.writeUtf8(ctx.alloc(), outcome.body()));
        }
        if (!raised && outcome.authenticated()) {
            raised = true;
            sendMaxConcurrentStreams(server.maxConcurrentStreams());
        }
    }

    /** Announces a new SETTINGS_MAX_CONCURRENT_STREAMS, unless the first-request limit still holds; on the event loop. */
    void maxConcurrentStreamsChanged(int streams) {
        if (raised && ctx.channel().isActive() && goAwayLastStreamId < 0) {
            sendMaxConcurrentStreams(streams);
            flushFrames();
        }
    }

    private void goAway(int lastStreamId, FaultScript.NumberedFault fault) {
        if (goAwayLastStreamId >= 0) {
            return;
        }
        goAwayLastStreamId = lastStreamId;
        byte[] debug = fault.debugReason() == null ? NO_DEBUG_DATA
                : ("{\"reason\":\"" + fault.debugReason() + "\"}").getBytes(StandardCharsets.UTF_8);
        // Streams above the last-stream-id are not processed: the requests still arriving on them are forgotten.
        goAway(lastStreamId, fault.errorCode(), debug);
        flushFrames();
        finishGoAwayWhenAnswered();
    }

    /** After a GOAWAY, closes the connection once every stream at or below its last-stream-id was answered. */
    private void finishGoAwayWhenAnswered() {
        if (goAwayLastStreamId < 0 || deferred > 0 || !ctx.channel().isActive()
                || requestArrivingAtOrBelow(goAwayLastStreamId)) {
            return;
        }
        flushFrames();
        lingeringClose();
    }

    /**
     * Ends the connection without a TCP reset: a TLS close_notify and a FIN after the frames already written, then
     * reading until the client closes, for at most {@link #LINGER_MILLIS}.
     *
     * <p>Closing the socket at once is answered with a reset by the kernel as soon as requests the client sent before
     * it read the GOAWAY arrive, or were waiting unread. The client's next write then fails on that reset, and a client
     * that closes on a failed write (Netty's channels do) never reads the GOAWAY and the answers already waiting in its
     * receive buffer. What the client still sends is thrown away before this codec, which would answer frames of
     * streams above the GOAWAY's last-stream-id with RST_STREAM, a write that fails after the close_notify. The frames
     * left in the buffer being decoded now still reach the codec, so the close_notify waits for the event loop's next
     * turn. The closes below start at this handler's context: past its own {@code close} (which would send a
     * GOAWAY(NO_ERROR)), straight to TLS.
     */
    private void lingeringClose() {
        if (lingering) {
            return;
        }
        lingering = true;
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
            flushFrames();
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
        held.clear();
        forgetStreams();
        if (ctx.channel().isActive()) { // SO_LINGER on a channel the client closed meanwhile throws
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        }
        ctx.pipeline().firstContext().close();
    }
}
