package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine against Netty's HTTP/2 server codec, in memory (an {@code EmbeddedChannel}: bytes are handed across,
 * no socket). Two independent implementations must agree on HPACK in both directions, flow control under a small
 * server window, settings and concurrency limits, over many requests.
 */
class Http2ClientEngineNettyServerTest {

    /** Answers each complete request: 400 with a JSON reason for paths ending in "/bad", else 200 echoing apns-id. */
    private static final class ApnsLikeHandler extends ChannelDuplexHandler {
        private final Map<Http2FrameStream, Http2Headers> requests = new HashMap<>();
        private final Map<Http2FrameStream, Integer> bodyBytes = new HashMap<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    requests.put(h.stream(), h.headers());
                    bodyBytes.put(h.stream(), 0);
                    if (h.isEndStream()) {
                        respond(ctx, h.stream());
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    bodyBytes.merge(d.stream(), d.content().readableBytes(), Integer::sum);
                    if (d.initialFlowControlledBytes() > 0) {
                        ctx.write(new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()));
                    }
                    if (d.isEndStream()) {
                        respond(ctx, d.stream());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx, Http2FrameStream stream) {
            Http2Headers request = requests.remove(stream);
            int received = bodyBytes.remove(stream);
            boolean bad = request.path().toString().endsWith("/bad");
            Http2Headers response = new DefaultHttp2Headers().status(bad ? "400" : "200")
                    .add("apns-id", request.get("apns-id")).add("x-body-bytes", String.valueOf(received));
            if (bad) {
                ctx.write(new DefaultHttp2HeadersFrame(response).stream(stream));
                ctx.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("{\"reason\":\"BadDeviceToken\"}",
                        StandardCharsets.UTF_8), true).stream(stream));
            } else {
                ctx.write(new DefaultHttp2HeadersFrame(response, true).stream(stream));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    @Test
    void manyRequestsUnderSmallWindowsAndAStreamLimitAllGetTheirAnswers() throws Http2Exception {
        io.netty.handler.codec.http2.Http2Settings serverSettings = io.netty.handler.codec.http2.Http2Settings
                .defaultSettings().maxConcurrentStreams(20).initialWindowSize(1500).headerTableSize(4096);
        EmbeddedChannel server = new EmbeddedChannel(
                Http2FrameCodecBuilder.forServer().initialSettings(serverSettings).build(), new ApnsLikeHandler());
        RecordingListener listener = new RecordingListener();
        Http2ClientEngine engine = new Http2ClientEngine(Http2Options.builder().initialWindowSize(1000).build(),
                listener, 0);

        int total = 600;
        int started = 0;
        ByteBuffer out = ByteBuffer.allocate(8192);
        for (int round = 0; round < 100_000 && listener.responses.size() + listener.failures.size() < total; round++) {
            while (started < total && engine.canStartStream() && !listener.settings.isEmpty()) {
                int n = started++;
                byte[] body = new byte[(n * 37) % 4000];
                engine.startStream(Http2Request.post("api.push.apple.com", "/3/device/" + n + (n % 7 == 0 ? "/bad" : ""),
                        List.of(new Header("apns-id", "id-" + n), new Header("apns-topic", "com.example")), body), n);
            }
            while (engine.hasOutput()) {
                out.clear();
                engine.produce(out);
                out.flip();
                server.writeInbound(Unpooled.copiedBuffer(out));
            }
            server.runPendingTasks();
            for (Object o = server.readOutbound(); o != null; o = server.readOutbound()) {
                ByteBuf buf = (ByteBuf) o;
                engine.receive(buf.nioBuffer(), 0);
                buf.release();
            }
        }

        assertThat(listener.failures).isEmpty();
        assertThat(listener.responses).hasSize(total);
        for (RecordingListener.Response r : listener.responses) {
            int n = (Integer) r.attachment();
            assertThat(r.header("apns-id")).isEqualTo("id-" + n);
            assertThat(r.header("x-body-bytes")).isEqualTo(String.valueOf((n * 37) % 4000));
            if (n % 7 == 0) {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.bodyText()).isEqualTo("{\"reason\":\"BadDeviceToken\"}");
            } else {
                assertThat(r.status()).isEqualTo(200);
            }
        }
        assertThat(engine.peerSettings().maxConcurrentStreams()).isEqualTo(20);
        assertThat(engine.openStreams()).isZero();
        server.finishAndReleaseAll();
    }
}
