package dev.apns.internal.binary;

import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.ErrorResponseDecoder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * The inbound half of a {@link BinaryEngine}: what the gateway sent on one connection, read by the backend's
 * reader thread. Keeps the first error response (the server closes after it; later ones are ignored, the first
 * of them logged at WARN and the rest counted), or the first bytes that cannot be one, and publishes both
 * through volatile fields for the driver's thread. Fed by one thread at a time, in order.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private final String endpoint;
    private final ErrorResponseDecoder decoder = new ErrorResponseDecoder(new ErrorResponseDecoder.Listener() {
        @Override
        public void onErrorResponse(ErrorResponse read) {
            record(read);
        }

        @Override
        public void onMalformed(String description) {
            malformed = new MalformedResponseException(inputOffset + decoding.position() - 1 - decodingStart,
                    description);
        }
    });
    private volatile ErrorResponse response;
    private volatile MalformedResponseException malformed;
    /** Bytes read before the current call. */
    private long inputOffset;
    private ByteBuffer decoding;
    private int decodingStart;
    /** Error responses after the first; only the first of them is logged at WARN. */
    private int extraResponses;

    ErrorResponses(String endpoint) {
        this.endpoint = endpoint;
    }

    /** See {@link BinaryEngine#receive}. */
    boolean receive(ByteBuffer bytes) throws MalformedResponseException {
        if (malformed != null) {
            inputOffset += bytes.remaining();
            bytes.position(bytes.limit());
            return response != null;
        }
        decoding = bytes;
        decodingStart = bytes.position();
        try {
            decoder.decode(bytes);
        } finally {
            inputOffset += bytes.position() - decodingStart;
            decoding = null;
        }
        if (malformed != null) {
            throw malformed;
        }
        return response != null;
    }

    /** See {@link BinaryEngine#inputEnded}. */
    void inputEnded() {
        if (decoder.pendingBytes() > 0) {
            LOG.warn("Gateway {} closed in the middle of an error response ({} of {} bytes read).", endpoint,
                    decoder.pendingBytes(), ErrorResponse.SIZE);
        }
        if (extraResponses > 1) {
            LOG.debug("Gateway {} sent {} error responses after the first on this connection.", endpoint,
                    extraResponses);
        }
    }

    ErrorResponse response() {
        return response;
    }

    MalformedResponseException malformed() {
        return malformed;
    }

    private void record(ErrorResponse read) {
        ErrorResponse first = response;
        if (first != null) {
            // A server that keeps answering would otherwise log a line per answer: the first extra one is worth a
            // WARN, the rest are counted and summed up when the input ends.
            if (++extraResponses == 1) {
                LOG.warn("Gateway {} sent another error response {} after {}; ignored, as are any further ones on "
                        + "this connection.", endpoint, read, first);
            } else {
                LOG.debug("Gateway {} sent error response {} (extra number {}); ignored.", endpoint, read,
                        extraResponses);
            }
            return;
        }
        response = read;
    }
}
