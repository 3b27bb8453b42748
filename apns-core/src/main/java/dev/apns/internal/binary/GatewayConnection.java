package dev.apns.internal.binary;

import dev.apns.Endpoint;
import dev.apns.internal.session.PoolKey;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.ErrorResponseDecoder;
import dev.apns.protocol.binary.Identifiers;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One pooled gateway connection as core sees it: the backend's byte pipe, the identifier counter of the
 * connection, and the error-response decoder fed by the backend's reader. Only one send uses a
 * connection at a time (the pool lends it out); the reader thread signals through {@link #signal()}.
 */
public final class GatewayConnection implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayConnection.class);

    private final PoolKey key;
    private final ErrorResponseDecoder decoder = new ErrorResponseDecoder(new ErrorResponseDecoder.Listener() {
        @Override
        public void onErrorResponse(ErrorResponse response) {
            recordErrorResponse(response);
        }

        @Override
        public void onMalformed(String description) {
            untrusted = true;
            LOG.warn("Gateway {} sent bytes that are not an error response: {} The connection can no longer report "
                    + "errors, so it is closed and not reused.", key.endpoint(), description);
            close(); // allowed from the listener; the send using it settles as for a dead connection
            signal.complete(null);
        }
    });
    /** Completes with the first error response or close, whichever comes first. */
    private final CompletableFuture<Void> signal = new CompletableFuture<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

    private volatile Connection connection;
    private volatile ErrorResponse errorResponse;
    /** The peer sent bytes the decoder cannot trust: nothing it says afterwards can be attributed. */
    private volatile boolean untrusted;
    /** Error responses after the first; only the first of them is logged at WARN. */
    private int extraResponses;
    private volatile boolean inUse;
    private volatile long lastUsedNanos = System.nanoTime();
    private long nextIdentifier;

    public GatewayConnection(PoolKey key, long firstIdentifier) {
        this.key = key;
        this.nextIdentifier = firstIdentifier;
    }

    /** Called once, right after the backend returned the connection. */
    public void attach(Connection connection) {
        this.connection = connection;
    }

    PoolKey key() {
        return key;
    }

    Endpoint endpoint() {
        return key.endpoint();
    }

    Certificate certificate() {
        return key.certificate();
    }

    /** Takes the next identifier of this connection (1, 2, ..., 2^32-1, 1, ...). */
    public long takeIdentifier() {
        long identifier = nextIdentifier;
        nextIdentifier = Identifiers.next(identifier);
        return identifier;
    }

    /** The identifier the next notification will get. */
    long peekIdentifier() {
        return nextIdentifier;
    }

    public void write(ByteBuffer bytes) throws IOException {
        connection.write(bytes);
    }

    /** Completes with the first error response or close. */
    public CompletableFuture<Void> signal() {
        return signal;
    }

    public CompletableFuture<CloseReason> closedFuture() {
        return closed;
    }

    /** The error response received, if any. */
    public ErrorResponse errorResponse() {
        return errorResponse;
    }

    /** Why the connection ended, or {@code null} while open. */
    public CloseReason closeReason() {
        return closed.getNow(null);
    }

    /** True once the peer sent bytes that are not an error response. */
    boolean isUntrusted() {
        return untrusted;
    }

    /** Open, with no error response and nothing untrustworthy read: fit for another send. */
    public boolean isUsable() {
        Connection c = connection;
        return c != null && c.isOpen() && errorResponse == null && !untrusted && !signal.isDone();
    }

    public void markInUse(boolean inUse) {
        this.inUse = inUse;
        this.lastUsedNanos = System.nanoTime();
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    public void close() {
        Connection c = connection;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void onData(ByteBuffer bytes) {
        decoder.decode(bytes);
    }

    @Override
    public void onClosed(CloseReason reason) {
        if (decoder.pendingBytes() > 0) {
            LOG.warn("Gateway {} closed in the middle of an error response ({} of {} bytes read).", key.endpoint(),
                    decoder.pendingBytes(), ErrorResponse.SIZE);
        }
        if (extraResponses > 1) {
            LOG.debug("Gateway {} sent {} error responses after the first on this connection.", key.endpoint(),
                    extraResponses);
        }
        LOG.debug("Gateway connection to {} {}.", key.endpoint(), reason);
        closed.complete(reason);
        signal.complete(null);
    }

    private void recordErrorResponse(ErrorResponse response) {
        if (errorResponse != null) {
            // A server that keeps answering would otherwise log a line per answer: the first extra one is worth a
            // WARN, the rest are counted and summed up when the connection closes.
            if (++extraResponses == 1) {
                LOG.warn("Gateway {} sent another error response {} after {}; ignored, as are any further ones on "
                        + "this connection.", key.endpoint(), response, errorResponse);
            } else {
                LOG.debug("Gateway {} sent error response {} (extra number {}); ignored.", key.endpoint(), response,
                        extraResponses);
            }
            return;
        }
        errorResponse = response;
        if (!inUse) {
            LOG.warn("Gateway {} sent {} while the connection was idle: it concerns a send that was already reported"
                    + " (the confirmation quiet period was shorter than the server's answer).", key.endpoint(), response);
        }
        signal.complete(null);
    }
}
