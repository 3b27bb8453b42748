package dev.apns.protocol.binary;

import dev.apns.DeviceToken;
import dev.apns.FeedbackEntry;
import dev.apns.InvalidTokenException;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Reassembles feedback tuples, {@code u32 time | u16 tokenLength | token}, from the feedback service's
 * bytes however they are split across reads. Times are unsigned seconds since the epoch. Not
 * thread-safe: one instance per connection, fed in order.
 */
public final class FeedbackDecoder {
    /** What the decoder found. */
    public interface Listener {
        /** A whole tuple. */
        void onEntry(FeedbackEntry entry);

        /** A tuple that cannot be an entry (a zero-length token); decoding continues after it. */
        default void onMalformed(String description) {
        }
    }

    private static final int HEADER = 6;

    private final Listener listener;
    private final byte[] header = new byte[HEADER];
    private int headerLength;
    private byte[] token;
    private int tokenLength;

    public FeedbackDecoder(Listener listener) {
        this.listener = listener;
    }

    /** Consumes all remaining bytes of {@code bytes}. */
    public void decode(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            if (headerLength < HEADER) {
                int n = Math.min(HEADER - headerLength, bytes.remaining());
                bytes.get(header, headerLength, n);
                headerLength += n;
                if (headerLength == HEADER) {
                    token = new byte[((header[4] & 0xFF) << 8) | (header[5] & 0xFF)];
                    tokenLength = 0;
                } else {
                    return;
                }
            }
            int n = Math.min(token.length - tokenLength, bytes.remaining());
            bytes.get(token, tokenLength, n);
            tokenLength += n;
            if (tokenLength == token.length) {
                emit();
            }
        }
    }

    /** How many bytes of an incomplete tuple are held (non-zero at end of stream means truncation). */
    public int pendingBytes() {
        return headerLength + (headerLength == HEADER ? tokenLength : 0);
    }

    private void emit() {
        long seconds = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFFL) << 16) | ((header[2] & 0xFFL) << 8)
                | (header[3] & 0xFFL);
        byte[] bytes = token;
        headerLength = 0;
        token = null;
        tokenLength = 0;
        try {
            listener.onEntry(new FeedbackEntry(DeviceToken.fromBytes(bytes), Instant.ofEpochSecond(seconds)));
        } catch (InvalidTokenException e) {
            listener.onMalformed("A feedback tuple with time " + seconds + " has an unusable token: " + e.getMessage());
        }
    }
}
