package dev.apns.internal.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the engine writes with Netty's frame reader and HPACK decoder (independent implementations), checking
 * the connection preface first. Each frame becomes a {@link Frame}.
 */
final class ClientFrames {

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One frame the engine wrote; fields that do not apply to its type are 0 or null. */
    record Frame(String type, int streamId, boolean endStream, boolean ack, Http2Headers headers, byte[] data,
                 Http2Settings settings, long code, long ping, int increment, String debug) {

        String dataText() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** Netty's reader asks the context only for an allocator; the rest of a channel is not needed. */
    private static final ChannelHandlerContext CONTEXT = (ChannelHandlerContext) Proxy.newProxyInstance(
            ClientFrames.class.getClassLoader(), new Class<?>[] {ChannelHandlerContext.class}, (proxy, method, args) -> {
                if (method.getName().equals("alloc")) {
                    return UnpooledByteBufAllocator.DEFAULT;
                }
                throw new UnsupportedOperationException("ChannelHandlerContext." + method.getName());
            });

    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(true, 1_000_000L));
    private final ByteBuf pending = Unpooled.buffer();
    private final List<Frame> frames = new ArrayList<>();
    private boolean prefaceRead;

    /** Feeds bytes the engine produced; returns the frames they completed. */
    List<Frame> feed(byte[] bytes) {
        pending.writeBytes(bytes);
        if (!prefaceRead) {
            if (pending.readableBytes() < PREFACE.length) {
                return List.of();
            }
            byte[] preface = new byte[PREFACE.length];
            pending.readBytes(preface);
            if (!java.util.Arrays.equals(preface, PREFACE)) {
                throw new AssertionError("the output does not start with the HTTP/2 client preface");
            }
            prefaceRead = true;
        }
        try {
            reader.readFrame(CONTEXT, pending, new Recorder());
        } catch (io.netty.handler.codec.http2.Http2Exception e) {
            throw new AssertionError("Netty rejects the engine's output: " + e.getMessage(), e);
        }
        pending.discardReadBytes();
        List<Frame> done = List.copyOf(frames);
        frames.clear();
        return done;
    }

    /** Lets the reader accept frames up to {@code size}, as the engine may send after a larger peer MAX_FRAME_SIZE. */
    void maxFrameSize(int size) {
        try {
            reader.maxFrameSize(size);
        } catch (io.netty.handler.codec.http2.Http2Exception e) {
            throw new AssertionError(e);
        }
    }

    private final class Recorder extends Http2FrameAdapter {
        private void add(String type, int stream, boolean end, boolean ack, Http2Headers headers, byte[] data,
                         Http2Settings settings, long code, long ping, int increment, String debug) {
            frames.add(new Frame(type, stream, end, ack, headers, data, settings, code, ping, increment, debug));
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean end) {
            byte[] bytes = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), bytes);
            add("DATA", streamId, end, false, null, bytes, null, 0, 0, 0, null);
            return bytes.length + padding;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean end) {
            add("HEADERS", streamId, end, false, headers, null, null, 0, 0, 0, null);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int dependency,
                                  short weight, boolean exclusive, int padding, boolean end) {
            add("HEADERS+PRIORITY", streamId, end, false, headers, null, null, 0, 0, 0, null);
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            add("SETTINGS", 0, false, false, null, null, settings, 0, 0, 0, null);
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) {
            add("SETTINGS", 0, false, true, null, null, null, 0, 0, 0, null);
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            add("PING", 0, false, false, null, null, null, 0, data, 0, null);
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            add("PING", 0, false, true, null, null, null, 0, data, 0, null);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            add("RST_STREAM", streamId, false, false, null, null, null, errorCode, 0, 0, null);
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            add("GOAWAY", lastStreamId, false, false, null, null, null, errorCode, 0, 0,
                    debugData.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
            add("WINDOW_UPDATE", streamId, false, false, null, null, null, 0, 0, windowSizeIncrement, null);
        }

        @Override
        public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int dependency, short weight,
                                   boolean exclusive) {
            add("PRIORITY", streamId, false, false, null, null, null, 0, 0, 0, null);
        }
    }
}
