package dev.apns.mock.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes the frames the mock server sends into one buffer, which the connection hands to the channel once per read
 * batch (or once per scheduled answer). Response header blocks are encoded here by hand: the server never adds to
 * its HPACK dynamic table, so a block is {@code :status} (a static-table index, or a literal with the static name)
 * and literal fields with new names, never indexed and not Huffman-coded (RFC 7541 sections 6.1, 6.2.2 and 6.2.3).
 * One thread (the connection's event loop) uses an instance.
 */
final class ServerFrameWriter {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    private static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    private static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;
    private static final byte[] APNS_ID = ascii("apns-id");
    private static final byte[] APNS_UNIQUE_ID = ascii("apns-unique-id");
    private static final byte[] APPLICATION_JSON = ascii("application/json");
    /** RFC 7541 Appendix A: {@code content-type} is entry 31 of the static table. */
    private static final int CONTENT_TYPE_INDEX = 31;
    /** RFC 7541 Appendix A: {@code :status} is entry 8 (with the value 200). */
    private static final int STATUS_INDEX = 8;

    private final ByteBufAllocator allocator;
    private ByteBuf out;
    /** Where a response header block is put together before it is copied into {@link #out} at once. */
    private byte[] block = new byte[256];
    /** Whether the next header block starts with a dynamic table size update (to 0). */
    private boolean tableSizeUpdate;

    ServerFrameWriter(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    private static byte[] ascii(String text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        return bytes;
    }

    /** The frames written since the last call, or null if there are none; the caller owns the buffer. */
    ByteBuf take() {
        ByteBuf written = out;
        out = null;
        return written;
    }

    /** Drops what was written and not taken. */
    void discard() {
        if (out != null) {
            out.release();
            out = null;
        }
    }

    private ByteBuf out(int room) {
        if (out == null) {
            out = allocator.buffer(Math.max(256, room));
        }
        return out;
    }

    private static void frameHeader(ByteBuf buf, int length, int type, int flags, int streamId) {
        buf.writeMedium(length);
        buf.writeByte(type);
        buf.writeByte(flags);
        buf.writeInt(streamId);
    }

    /** The client lowered or set SETTINGS_HEADER_TABLE_SIZE: the next block says that this encoder's table is 0. */
    void headerTableSizeChanged() {
        tableSizeUpdate = true;
    }

    /** A SETTINGS frame with MAX_CONCURRENT_STREAMS and, when positive, MAX_HEADER_LIST_SIZE. */
    void settings(long maxConcurrentStreams, long maxHeaderListSize) {
        int entries = maxHeaderListSize > 0 ? 2 : 1;
        ByteBuf buf = out(9 + 6 * entries);
        frameHeader(buf, 6 * entries, SETTINGS, 0, 0);
        buf.writeShort(SETTINGS_MAX_CONCURRENT_STREAMS);
        buf.writeInt((int) maxConcurrentStreams);
        if (maxHeaderListSize > 0) {
            buf.writeShort(SETTINGS_MAX_HEADER_LIST_SIZE);
            buf.writeInt((int) maxHeaderListSize);
        }
    }

    void settingsAck() {
        frameHeader(out(9), 0, SETTINGS, FLAG_ACK, 0);
    }

    void pingAck(long data) {
        ByteBuf buf = out(17);
        frameHeader(buf, 8, PING, FLAG_ACK, 0);
        buf.writeLong(data);
    }

    void windowUpdate(int streamId, int increment) {
        ByteBuf buf = out(13);
        frameHeader(buf, 4, WINDOW_UPDATE, 0, streamId);
        buf.writeInt(increment);
    }

    void rstStream(int streamId, long errorCode) {
        ByteBuf buf = out(13);
        frameHeader(buf, 4, RST_STREAM, 0, streamId);
        buf.writeInt((int) errorCode);
    }

    void goAway(int lastStreamId, long errorCode, byte[] debugData) {
        ByteBuf buf = out(17 + debugData.length);
        frameHeader(buf, 8 + debugData.length, GOAWAY, 0, 0);
        buf.writeInt(lastStreamId);
        buf.writeInt((int) errorCode);
        buf.writeBytes(debugData);
    }

    void data(int streamId, ByteBuf source, int length, boolean endStream) {
        ByteBuf buf = out(9 + length);
        frameHeader(buf, length, DATA, endStream ? FLAG_END_STREAM : 0, streamId);
        buf.writeBytes(source, length);
    }

    /**
     * A HEADERS frame with one whole response block: {@code :status}, then {@code apns-id} when not null, then
     * {@code apns-unique-id} when not null, then {@code content-type: application/json} when {@code json}. The
     * block is far below the smallest frame size a peer may set (16,384), so it never needs CONTINUATION frames.
     */
    void responseHeaders(int streamId, int status, CharSequence apnsId, CharSequence uniqueId, boolean json,
                         boolean endStream) {
        int room = 16 + (apnsId == null ? 0 : 32 + apnsId.length()) + (uniqueId == null ? 0 : 32 + uniqueId.length())
                + 32;
        if (block.length < room) {
            block = new byte[room];
        }
        byte[] b = block;
        int at = 0;
        if (tableSizeUpdate) {
            b[at++] = 0x20; // dynamic table size update to 0: this encoder never uses the table
            tableSizeUpdate = false;
        }
        int index = staticStatusIndex(status);
        if (index > 0) {
            b[at++] = (byte) (0x80 | index); // indexed header field
        } else {
            b[at++] = STATUS_INDEX; // literal without indexing, indexed name (4-bit prefix)
            b[at++] = 3;
            b[at++] = (byte) ('0' + status / 100 % 10);
            b[at++] = (byte) ('0' + status / 10 % 10);
            b[at++] = (byte) ('0' + status % 10);
        }
        if (apnsId != null) {
            at = neverIndexed(b, at, APNS_ID, apnsId);
        }
        if (uniqueId != null) {
            at = neverIndexed(b, at, APNS_UNIQUE_ID, uniqueId);
        }
        if (json) {
            at = writeInteger(b, at, 0x00, 4, CONTENT_TYPE_INDEX); // literal without indexing, indexed name
            at = writeInteger(b, at, 0, 7, APPLICATION_JSON.length);
            System.arraycopy(APPLICATION_JSON, 0, b, at, APPLICATION_JSON.length);
            at += APPLICATION_JSON.length;
        }
        ByteBuf buf = out(9 + at);
        frameHeader(buf, at, HEADERS, FLAG_END_HEADERS | (endStream ? FLAG_END_STREAM : 0), streamId);
        buf.writeBytes(b, 0, at);
    }

    /** The static table's index for {@code :status} with this value (RFC 7541 Appendix A), or 0. */
    private static int staticStatusIndex(int status) {
        return switch (status) {
            case 200 -> 8;
            case 204 -> 9;
            case 206 -> 10;
            case 304 -> 11;
            case 400 -> 12;
            case 404 -> 13;
            case 500 -> 14;
            default -> 0;
        };
    }

    /** A literal never-indexed field with a new name, both as raw octets (RFC 7541 section 6.2.3). */
    private static int neverIndexed(byte[] b, int at, byte[] name, CharSequence value) {
        b[at++] = 0x10;
        at = writeInteger(b, at, 0, 7, name.length);
        System.arraycopy(name, 0, b, at, name.length);
        at += name.length;
        int length = value.length();
        at = writeInteger(b, at, 0, 7, length);
        for (int i = 0; i < length; i++) {
            b[at++] = (byte) value.charAt(i);
        }
        return at;
    }

    /** An HPACK integer with an N-bit prefix after the bits in {@code mask} (RFC 7541 section 5.1); the new end. */
    static int writeInteger(byte[] b, int at, int mask, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            b[at++] = (byte) (mask | value);
            return at;
        }
        b[at++] = (byte) (mask | max);
        int rest = value - max;
        while (rest >= 0x80) {
            b[at++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        b[at++] = (byte) rest;
        return at;
    }
}
