package dev.apns.internal.h2.hpack;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte buffer that the encoder appends to and the framer reads from. Reuse one per connection:
 * {@link #clear()} keeps the array, so a warm sink does not allocate.
 *
 * <p>Not thread-safe.
 */
public final class ByteSink {
    private byte[] bytes;
    private int size;

    /** An empty sink with room for {@code initialCapacity} bytes before it grows. */
    public ByteSink(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initial capacity must not be negative, got " + initialCapacity);
        }
        this.bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** An empty sink with room for 256 bytes before it grows. */
    public ByteSink() {
        this(256);
    }

    /** Appends the low eight bits of {@code b}. */
    public void put(int b) {
        if (size == bytes.length) {
            grow(1);
        }
        bytes[size++] = (byte) b;
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset}. */
    public void put(byte[] src, int offset, int length) {
        ensureRoom(length);
        System.arraycopy(src, offset, bytes, size, length);
        size += length;
    }

    /** Appends the remaining bytes of {@code src}, consuming them. */
    public void put(ByteBuffer src) {
        int length = src.remaining();
        ensureRoom(length);
        src.get(bytes, size, length);
        size += length;
    }

    /** The number of bytes written since the last {@link #clear()}. */
    public int size() {
        return size;
    }

    /** Forgets the content and keeps the array. */
    public void clear() {
        size = 0;
    }

    /**
     * The content as a buffer from position 0 to {@link #size()} over this sink's array (no copy). The view is
     * valid until the next write or {@link #clear()}.
     */
    public ByteBuffer flip() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    /** The byte at {@code index}, which must be below {@link #size()}. */
    public byte get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (size - 1));
        }
        return bytes[index];
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** Makes room for {@code length} more bytes. */
    void ensureRoom(int length) {
        if (length > bytes.length - size) {
            grow(length);
        }
    }

    /** The backing array, for the encoder's own writes after {@link #ensureRoom(int)}. */
    byte[] array() {
        return bytes;
    }

    /** Moves the write position after the encoder wrote {@code length} bytes into {@link #array()}. */
    void advance(int length) {
        size += length;
    }

    private void grow(int needed) {
        long wanted = Math.max((long) bytes.length * 2, (long) size + needed);
        if (wanted > Integer.MAX_VALUE - 8) {
            if ((long) size + needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a byte sink cannot hold more than 2 GiB");
            }
            wanted = Integer.MAX_VALUE - 8;
        }
        bytes = Arrays.copyOf(bytes, (int) wanted);
    }
}
