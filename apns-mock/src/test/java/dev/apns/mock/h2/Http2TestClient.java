package dev.apns.mock.h2;

import dev.apns.mock.credentials.IssuedCertificate;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/2 client on Netty's codec for the mock server's tests (the SDK's own client is written
 * elsewhere): real TLS with ALPN h2 on 127.0.0.1, optionally with a client certificate. Records every
 * SETTINGS and GOAWAY frame it receives; each request's future completes with its response, its RST_STREAM,
 * or "unanswered" when the connection closes first. Public for the tests of apns-testkit's extensions.
 */
public final class Http2TestClient implements AutoCloseable {
    /** How one request ended. */
    public record Response(int streamId, int status, Http2Headers headers, String body, long resetCode) {
        static final int UNANSWERED = -1;

        boolean answered() {
            return status != UNANSWERED;
        }

        String header(String name) {
            CharSequence value = headers == null ? null : headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    /** A GOAWAY frame received. */
    record GoAway(int lastStreamId, long errorCode, String debugData) {
    }

    /** One event loop for every test client: starting a group per connection costs more than the test. */
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
            new io.netty.util.concurrent.DefaultThreadFactory("h2-test-client", true), NioIoHandler.newFactory());

    private final Channel channel;
    private final Handler handler;
    final List<Http2Settings> settingsReceived = new CopyOnWriteArrayList<>();
    final CompletableFuture<GoAway> goAway = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    final CompletableFuture<Long> pingAck = new CompletableFuture<>();
    /** The flow-controlled length of every DATA frame received, in order. */
    final List<Integer> dataFrameLengths = new CopyOnWriteArrayList<>();
    private final Map<Integer, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
    private final Map<Integer, Http2Headers> responseHeaders = new ConcurrentHashMap<>();
    private final Map<Integer, StringBuilder> bodies = new ConcurrentHashMap<>();

    private Http2TestClient(int port, X509Certificate authority, IssuedCertificate clientCertificate, boolean alpn)
            throws Exception {
        this(port, authority, clientCertificate, alpn, null);
    }

    private Http2TestClient(int port, X509Certificate authority, IssuedCertificate clientCertificate, boolean alpn,
                            Integer initialWindowSize) throws Exception {
        SslContextBuilder tls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(authority);
        if (alpn) {
            tls.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2));
        }
        if (clientCertificate != null) {
            tls.keyManager(clientCertificate.privateKey(), clientCertificate.chain().toArray(X509Certificate[]::new));
        }
        SslContext context = tls.build();
        handler = new HandlerBuilder(initialWindowSize).build();
        Bootstrap bootstrap = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(context.newHandler(ch.alloc(), "127.0.0.1", port),
                                handler, new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        connectionClosed();
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                    }
                });
        channel = bootstrap.connect("127.0.0.1", port).sync().channel();
    }

    public static Http2TestClient connect(MockApnsHttp2Server server) throws Exception {
        return connect(server, null);
    }

    static Http2TestClient connect(MockApnsHttp2Server server, IssuedCertificate clientCertificate) throws Exception {
        return new Http2TestClient(server.address().port(), server.certificates().authority().certificate(),
                clientCertificate, true);
    }

    /** Sends a PING; {@link #pingAck} completes with the data of the answer. */
    void ping(long data) {
        channel.eventLoop().execute(() -> {
            ChannelHandlerContext ctx = channel.pipeline().context(handler);
            handler.encoder().writePing(ctx, false, data, ctx.newPromise());
            handler.flush(ctx);
        });
    }

    /**
     * Sends bytes as they are, past this client's HTTP/2 state (but inside TLS): for frames a correct client
     * never sends.
     */
    void writeRaw(byte[] frames) {
        channel.eventLoop().execute(() -> channel.pipeline().context(handler).writeAndFlush(Unpooled.wrappedBuffer(frames)));
    }

    /** One frame: the 9-byte header and the payload. */
    static byte[] frame(int type, int flags, int streamId, byte... payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (streamId >>> 24);
        frame[6] = (byte) (streamId >>> 16);
        frame[7] = (byte) (streamId >>> 8);
        frame[8] = (byte) streamId;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    /** A client that offers no ALPN and speaks HTTP/2 with prior knowledge on TLS. */
    static Http2TestClient connectWithoutAlpn(MockApnsHttp2Server server) throws Exception {
        return new Http2TestClient(server.address().port(), server.certificates().authority().certificate(), null,
                false);
    }

    /** A client whose SETTINGS_INITIAL_WINDOW_SIZE is {@code window}: the server may send only so much DATA. */
    static Http2TestClient connectWithWindow(MockApnsHttp2Server server, int window) throws Exception {
        return new Http2TestClient(server.address().port(), server.certificates().authority().certificate(), null,
                true, window);
    }

    /** A client of a server on 127.0.0.1:{@code port} whose certificate {@code authority} issued. */
    static Http2TestClient connect(int port, X509Certificate authority) throws Exception {
        return new Http2TestClient(port, authority, null, true);
    }

    /** A POST to {@code /3/device/<token>} with the given extra headers (name, value, name, value, ...). */
    public CompletableFuture<Response> post(String token, String payload, String... headerPairs) {
        Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("https").authority("127.0.0.1")
                .path("/3/device/" + token);
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            headers.add(headerPairs[i], headerPairs[i + 1]);
        }
        return send(headers, payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request; its future completes with the response, a reset, or "unanswered". */
    CompletableFuture<Response> send(Http2Headers headers, byte[] body) {
        CompletableFuture<Response> response = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            int streamId = 0;
            try {
                ChannelHandlerContext ctx = channel.pipeline().context(handler);
                streamId = handler.connection().local().incrementAndGetNextStreamId();
                int id = streamId;
                pending.put(streamId, response);
                boolean endStream = body == null || body.length == 0;
                handler.encoder().writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise())
                        .addListener(f -> failOnError(f, id, response));
                if (!endStream) {
                    handler.encoder().writeData(ctx, streamId, Unpooled.wrappedBuffer(body), 0, true, ctx.newPromise())
                            .addListener(f -> failOnError(f, id, response));
                }
                handler.flush(ctx);
            } catch (RuntimeException e) {
                // The connection went away (a GOAWAY arrived, the channel closed) before this request could start:
                // it was not answered, and the future must say so rather than never complete.
                response.complete(new Response(streamId, Response.UNANSWERED, null, String.valueOf(e), -1));
            }
        });
        return response;
    }

    /**
     * A request that could not be written (the connection went away first, or a GOAWAY forbade its stream) was not
     * answered either; it keeps the stream id it was given.
     */
    private static void failOnError(io.netty.util.concurrent.Future<?> future, int streamId,
                                    CompletableFuture<Response> response) {
        if (!future.isSuccess()) {
            response.complete(new Response(streamId, Response.UNANSWERED, null, String.valueOf(future.cause()), -1));
        }
    }

    /** The SETTINGS_MAX_CONCURRENT_STREAMS values received, in order (frames without it are left out). */
    List<Long> maxConcurrentStreamsSeen() {
        List<Long> values = new ArrayList<>();
        for (Http2Settings settings : settingsReceived) {
            if (settings.maxConcurrentStreams() != null) {
                values.add(settings.maxConcurrentStreams());
            }
        }
        return values;
    }

    /** Waits until a SETTINGS frame with this SETTINGS_MAX_CONCURRENT_STREAMS arrived. */
    boolean awaitMaxConcurrentStreams(long value, Duration timeout) throws InterruptedException {
        return awaitSettings(() -> maxConcurrentStreamsSeen().contains(value), timeout);
    }

    /** Waits until {@code count} SETTINGS frames with SETTINGS_MAX_CONCURRENT_STREAMS arrived. */
    boolean awaitMaxConcurrentStreamsCount(int count, Duration timeout) throws InterruptedException {
        return awaitSettings(() -> maxConcurrentStreamsSeen().size() >= count, timeout);
    }

    private static boolean awaitSettings(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    private void connectionClosed() {
        pending.forEach((id, future) -> future.complete(new Response(id, Response.UNANSWERED, null, null, -1)));
        closed.complete(null);
    }

    private final class HandlerBuilder extends AbstractHttp2ConnectionHandlerBuilder<Handler, HandlerBuilder> {
        HandlerBuilder(Integer initialWindowSize) {
            server(false);
            Http2Settings settings = new Http2Settings().pushEnabled(false);
            if (initialWindowSize != null) {
                settings.initialWindowSize(initialWindowSize);
            }
            initialSettings(settings);
            // Tests send header lists above the server's limit on purpose: the server, not this client, refuses them.
            encoderIgnoreMaxHeaderListSize(true);
            frameListener(new Listener());
            if (Boolean.getBoolean("h2.debug")) frameLogger(new io.netty.handler.codec.http2.Http2FrameLogger(io.netty.handler.logging.LogLevel.WARN, "client"));
        }

        @Override
        public Handler build() {
            return super.build();
        }

        @Override
        protected Handler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            return new Handler(decoder, encoder, settings);
        }
    }

    private static final class Handler extends Http2ConnectionHandler {
        Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            super(decoder, encoder, settings);
        }
    }

    private final class Listener extends Http2FrameAdapter {
        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) {
            responseHeaders.putIfAbsent(streamId, headers);
            if (endOfStream) {
                finish(streamId);
            }
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int dependency,
                                  short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            dataFrameLengths.add(data.readableBytes() + padding);
            bodies.computeIfAbsent(streamId, id -> new StringBuilder()).append(data.toString(StandardCharsets.UTF_8));
            if (endOfStream) {
                finish(streamId);
            }
            return data.readableBytes() + padding;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            CompletableFuture<Response> future = pending.remove(streamId);
            if (future != null) {
                future.complete(new Response(streamId, Response.UNANSWERED, null, null, errorCode));
            }
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            pingAck.complete(data);
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            settingsReceived.add(settings);
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            goAway.complete(new GoAway(lastStreamId, errorCode, debugData.toString(StandardCharsets.UTF_8)));
        }

        private void finish(int streamId) {
            CompletableFuture<Response> future = pending.remove(streamId);
            Http2Headers headers = responseHeaders.remove(streamId);
            StringBuilder body = bodies.remove(streamId);
            if (future != null && headers != null) {
                future.complete(new Response(streamId, Integer.parseInt(headers.status().toString()), headers,
                        body == null ? "" : body.toString(), -1));
            }
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
