package dev.apns.internal.h2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes frames (RFC 9113 §4.1, §6) into a growable output buffer that {@link #produce} drains. The buffer keeps its
 * array once grown, so a warm writer does not allocate. Not thread-safe.
 */
final class FrameWriter {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private byte[] buffer = new byte[4096];
    private int readIndex;
    private int writeIndex;

    /** The bytes queued and not yet produced. */
    int size() {
        return writeIndex - readIndex;
    }

    /** Moves as many queued bytes as fit into {@code out}. */
    void produce(ByteBuffer out) {
        int n = Math.min(out.remaining(), writeIndex - readIndex);
        out.put(buffer, readIndex, n);
        readIndex += n;
        if (readIndex == writeIndex) {
            readIndex = 0;
            writeIndex = 0;
        }
    }

    /** The client connection preface (§3.4). */
    void preface() {
        ensureRoom(PREFACE.length);
        System.arraycopy(PREFACE, 0, buffer, writeIndex, PREFACE.length);
        writeIndex += PREFACE.length;
    }

    /** A SETTINGS frame with {@code ids.length} entries. */
    void settings(int[] ids, int[] values) {
        header(ids.length * 6, FrameType.SETTINGS, 0, 0);
        for (int i = 0; i < ids.length; i++) {
            putShort(ids[i]);
            putInt(values[i]);
        }
    }

    /** An empty SETTINGS frame with ACK. */
    void settingsAck() {
        header(0, FrameType.SETTINGS, FrameType.FLAG_ACK, 0);
    }

    /**
     * A header block: one HEADERS frame, followed by CONTINUATION frames when the block exceeds
     * {@code maxFrameSize}; END_HEADERS on the last, END_STREAM on HEADERS when asked.
     */
    void headers(int streamId, ByteBuffer block, boolean endStream, int maxFrameSize) {
        int length = block.remaining();
        int first = Math.min(length, maxFrameSize);
        int flags = (endStream ? FrameType.FLAG_END_STREAM : 0) | (first == length ? FrameType.FLAG_END_HEADERS : 0);
        ensureRoom(length + FrameType.HEADER_LENGTH * (1 + length / maxFrameSize));
        header(first, FrameType.HEADERS, flags, streamId);
        copy(block, first);
        int left = length - first;
        while (left > 0) {
            int n = Math.min(left, maxFrameSize);
            left -= n;
            header(n, FrameType.CONTINUATION, left == 0 ? FrameType.FLAG_END_HEADERS : 0, streamId);
            copy(block, n);
        }
    }

    /** A DATA frame carrying {@code length} bytes of {@code src} from absolute index {@code offset}. */
    void data(int streamId, ByteBuffer src, int offset, int length, boolean endStream) {
        header(length, FrameType.DATA, endStream ? FrameType.FLAG_END_STREAM : 0, streamId);
        ensureRoom(length);
        src.get(offset, buffer, writeIndex, length);
        writeIndex += length;
    }

    /** A WINDOW_UPDATE. */
    void windowUpdate(int streamId, int increment) {
        header(4, FrameType.WINDOW_UPDATE, 0, streamId);
        putInt(increment);
    }

    /** A RST_STREAM. */
    void rstStream(int streamId, Http2ErrorCode code) {
        header(4, FrameType.RST_STREAM, 0, streamId);
        putInt(code.code());
    }

    /** A PING, or its acknowledgement. */
    void ping(boolean ack, long payload) {
        header(8, FrameType.PING, ack ? FrameType.FLAG_ACK : 0, 0);
        putInt((int) (payload >>> 32));
        putInt((int) payload);
    }

    /** A GOAWAY with debug data. */
    void goAway(int lastStreamId, Http2ErrorCode code, byte[] debugData) {
        header(8 + debugData.length, FrameType.GOAWAY, 0, 0);
        putInt(lastStreamId);
        putInt(code.code());
        ensureRoom(debugData.length);
        System.arraycopy(debugData, 0, buffer, writeIndex, debugData.length);
        writeIndex += debugData.length;
    }

    private void header(int length, int type, int flags, int streamId) {
        ensureRoom(FrameType.HEADER_LENGTH);
        byte[] b = buffer;
        int i = writeIndex;
        b[i] = (byte) (length >>> 16);
        b[i + 1] = (byte) (length >>> 8);
        b[i + 2] = (byte) length;
        b[i + 3] = (byte) type;
        b[i + 4] = (byte) flags;
        b[i + 5] = (byte) (streamId >>> 24);
        b[i + 6] = (byte) (streamId >>> 16);
        b[i + 7] = (byte) (streamId >>> 8);
        b[i + 8] = (byte) streamId;
        writeIndex = i + FrameType.HEADER_LENGTH;
    }

    private void copy(ByteBuffer block, int length) {
        ensureRoom(length);
        block.get(buffer, writeIndex, length);
        writeIndex += length;
    }

    private void putShort(int value) {
        ensureRoom(2);
        buffer[writeIndex++] = (byte) (value >>> 8);
        buffer[writeIndex++] = (byte) value;
    }

    private void putInt(int value) {
        ensureRoom(4);
        buffer[writeIndex++] = (byte) (value >>> 24);
        buffer[writeIndex++] = (byte) (value >>> 16);
        buffer[writeIndex++] = (byte) (value >>> 8);
        buffer[writeIndex++] = (byte) value;
    }

    private void ensureRoom(int length) {
        if (buffer.length - writeIndex >= length) {
            return;
        }
        int queued = writeIndex - readIndex;
        if (buffer.length - queued >= length && readIndex >= buffer.length / 2) {
            System.arraycopy(buffer, readIndex, buffer, 0, queued);
        } else {
            long wanted = Math.max((long) buffer.length * 2, (long) queued + length);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("more than 2 GiB of output queued; the connection is not drained");
            }
            byte[] grown = new byte[(int) wanted];
            System.arraycopy(buffer, readIndex, grown, 0, queued);
            buffer = grown;
        }
        readIndex = 0;
        writeIndex = queued;
    }
}
