package dev.apns.mock.binary;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Hand-built notification bytes for the tests, written from the protocol page, not with the SDK's encoder. Public
 * for the tests of apns-testkit's extensions ({@link #notifications}).
 */
public final class TestFrames {
    private TestFrames() {
    }

    static byte[] token(int seed) {
        byte[] token = new byte[32];
        for (int i = 0; i < token.length; i++) {
            token[i] = (byte) (seed + i);
        }
        return token;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] u32(long value) {
        return ByteBuffer.allocate(4).putInt((int) value).array();
    }

    static byte[] simple(byte[] token, String payload) {
        byte[] body = utf8(payload);
        return ByteBuffer.allocate(1 + 2 + token.length + 2 + body.length)
                .put((byte) 0).putShort((short) token.length).put(token).putShort((short) body.length).put(body).array();
    }

    static byte[] enhanced(long identifier, long expiry, byte[] token, String payload) {
        byte[] body = utf8(payload);
        return ByteBuffer.allocate(1 + 4 + 4 + 2 + token.length + 2 + body.length)
                .put((byte) 1).putInt((int) identifier).putInt((int) expiry)
                .putShort((short) token.length).put(token).putShort((short) body.length).put(body).array();
    }

    static byte[] item(int id, byte[] data) {
        return ByteBuffer.allocate(3 + data.length).put((byte) id).putShort((short) data.length).put(data).array();
    }

    static byte[] frame(byte[]... items) {
        return concatFrame(concat(items));
    }

    static byte[] concatFrame(byte[] items) {
        return ByteBuffer.allocate(5 + items.length).put((byte) 2).putInt(items.length).put(items).array();
    }

    /** A frame with token, payload, identifier, expiry and priority, in the usual order. */
    static byte[] notification(long identifier, byte[] token, byte[] payload) {
        return frame(item(1, token), item(2, payload), item(3, u32(identifier)), item(4, u32(0)), item(5, new byte[] {10}));
    }

    static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    /** Frames with identifiers {@code first} to {@code first + count - 1}, written back to back. */
    public static byte[] notifications(long first, int count) {
        byte[][] frames = new byte[count][];
        for (int i = 0; i < count; i++) {
            frames[i] = notification(first + i, token(0xA0), utf8("{}"));
        }
        return concat(frames);
    }
}
