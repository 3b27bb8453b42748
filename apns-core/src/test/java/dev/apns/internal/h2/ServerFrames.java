package dev.apns.internal.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes what a server sends, frame by frame, for the engine's tests. Header blocks come from Netty's HPACK
 * encoder (an implementation independent of ours), or are written by hand as literals when a test needs a block
 * Netty would refuse to make.
 */
final class ServerFrames {

    private final DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Takes the bytes written so far and starts over. */
    byte[] take() {
        byte[] bytes = out.toByteArray();
        out.reset();
        return bytes;
    }

    /** Any frame. */
    ServerFrames frame(int type, int flags, int streamId, byte[] payload) {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        writeInt(streamId);
        out.writeBytes(payload);
        return this;
    }

    /** SETTINGS with (id, value) pairs. */
    ServerFrames settings(long... idValuePairs) {
        byte[] payload = new byte[idValuePairs.length * 3];
        for (int i = 0, at = 0; i < idValuePairs.length; i += 2, at += 6) {
            payload[at] = (byte) (idValuePairs[i] >>> 8);
            payload[at + 1] = (byte) idValuePairs[i];
            putInt(payload, at + 2, (int) idValuePairs[i + 1]);
        }
        return frame(FrameType.SETTINGS, 0, 0, payload);
    }

    ServerFrames settingsAck() {
        return frame(FrameType.SETTINGS, FrameType.FLAG_ACK, 0, new byte[0]);
    }

    /** HEADERS with END_HEADERS and a block Netty encodes from name/value pairs. */
    ServerFrames headers(int streamId, boolean endStream, String... nameValues) {
        return frame(FrameType.HEADERS, FrameType.FLAG_END_HEADERS | (endStream ? FrameType.FLAG_END_STREAM : 0),
                streamId, block(nameValues));
    }

    /** A header block from Netty's encoder (which keeps its dynamic table across blocks, like a server's). */
    byte[] block(String... nameValues) {
        Http2Headers headers = new DefaultHttp2Headers(false);
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(nameValues[i], nameValues[i + 1]);
        }
        ByteBuf buf = Unpooled.buffer();
        try {
            hpack.encodeHeaders(1, headers, buf);
        } catch (io.netty.handler.codec.http2.Http2Exception e) {
            throw new AssertionError(e);
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    /** A header block of literals without indexing, in exactly the given order (short names and values). */
    static byte[] literalBlock(String... nameValues) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            block.write(0x00);
            for (int j = 0; j < 2; j++) {
                byte[] s = nameValues[i + j].getBytes(StandardCharsets.ISO_8859_1);
                if (s.length > 126) {
                    throw new IllegalArgumentException("literalBlock takes strings up to 126 bytes");
                }
                block.write(s.length);
                block.writeBytes(s);
            }
        }
        return block.toByteArray();
    }

    ServerFrames data(int streamId, boolean endStream, byte[] data) {
        return frame(FrameType.DATA, endStream ? FrameType.FLAG_END_STREAM : 0, streamId, data);
    }

    ServerFrames data(int streamId, boolean endStream, String text) {
        return data(streamId, endStream, text.getBytes(StandardCharsets.UTF_8));
    }

    ServerFrames rst(int streamId, long code) {
        return frame(FrameType.RST_STREAM, 0, streamId, intBytes((int) code));
    }

    ServerFrames ping(boolean ack, long payload) {
        byte[] p = new byte[8];
        putInt(p, 0, (int) (payload >>> 32));
        putInt(p, 4, (int) payload);
        return frame(FrameType.PING, ack ? FrameType.FLAG_ACK : 0, 0, p);
    }

    ServerFrames goAway(int lastStreamId, long code, String debug) {
        byte[] d = debug.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[8 + d.length];
        putInt(p, 0, lastStreamId);
        putInt(p, 4, (int) code);
        System.arraycopy(d, 0, p, 8, d.length);
        return frame(FrameType.GOAWAY, 0, 0, p);
    }

    ServerFrames windowUpdate(int streamId, int increment) {
        return frame(FrameType.WINDOW_UPDATE, 0, streamId, intBytes(increment));
    }

    static byte[] intBytes(int value) {
        byte[] b = new byte[4];
        putInt(b, 0, value);
        return b;
    }

    private void writeInt(int value) {
        out.writeBytes(intBytes(value));
    }

    private static void putInt(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }
}
