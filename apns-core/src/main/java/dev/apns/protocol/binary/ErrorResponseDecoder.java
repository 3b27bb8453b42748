package dev.apns.protocol.binary;

import dev.apns.Status;

import java.nio.ByteBuffer;

/**
 * Reassembles error responses from the gateway's bytes, however they are split across reads. Not
 * thread-safe: one instance per connection, fed in order. Bytes that cannot be an error response (a
 * command other than 8) are reported once through {@link Listener#onMalformed} and everything after them
 * is ignored, because the stream can no longer be trusted.
 */
public final class ErrorResponseDecoder {
    /** What the decoder found. */
    public interface Listener {
        /** A whole error response. */
        void onErrorResponse(ErrorResponse response);

        /** Bytes that are not an error response; decoding stops. */
        default void onMalformed(String description) {
        }
    }

    private final Listener listener;
    private final byte[] pending = new byte[ErrorResponse.SIZE];
    private int pendingLength;
    private boolean failed;

    public ErrorResponseDecoder(Listener listener) {
        this.listener = listener;
    }

    /** Consumes all remaining bytes of {@code bytes}. */
    public void decode(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            if (failed) {
                bytes.position(bytes.limit());
                return;
            }
            pending[pendingLength++] = bytes.get();
            if (pendingLength == 1 && pending[0] != ErrorResponse.COMMAND) {
                failed = true;
                listener.onMalformed("Expected an error response (command 8) from the gateway but read command "
                        + (pending[0] & 0xFF) + ".");
                continue;
            }
            if (pendingLength == ErrorResponse.SIZE) {
                pendingLength = 0;
                long identifier = ((pending[2] & 0xFFL) << 24) | ((pending[3] & 0xFFL) << 16)
                        | ((pending[4] & 0xFFL) << 8) | (pending[5] & 0xFFL);
                listener.onErrorResponse(new ErrorResponse(Status.of(pending[1] & 0xFF), identifier));
            }
        }
    }

    /** How many bytes of an incomplete error response are held (non-zero at end of stream means truncation). */
    public int pendingBytes() {
        return pendingLength;
    }
}
