package dev.apns.internal.binary;

import dev.apns.Endpoint;
import dev.apns.internal.session.PoolKey;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One gateway connection as core sees it: the backend's byte pipe and the connection's {@link BinaryEngine},
 * whose inbound half the backend's reader feeds. One driver uses a connection at a time (a sender's worker, or
 * the send that borrowed it from the pool); the reader signals through {@link #signal()}.
 *
 * @param <T> the driver's item, as in {@link BinaryEngine}
 */
public final class GatewayConnection<T> implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayConnection.class);

    private final PoolKey key;
    private final BinaryEngine<T> engine;
    /** Completes with the first error response, malformed input or close, whichever comes first. */
    private final CompletableFuture<Void> signal = new CompletableFuture<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

    private volatile Connection connection;
    private volatile boolean inUse;
    private volatile long lastUsedNanos = System.nanoTime();

    public GatewayConnection(PoolKey key, long firstIdentifier, BinaryEngine.Settings settings,
                             SentinelSpacing spacing) {
        this.key = key;
        this.engine = new BinaryEngine<>(key.endpoint().toString(), firstIdentifier, settings, spacing);
    }

    /** As the other constructor, the engine keeping its window in {@code window} (see {@link BinaryEngine}). */
    public GatewayConnection(PoolKey key, long firstIdentifier, BinaryEngine.Settings settings,
                             SentinelSpacing spacing, UnconfirmedWindow<T> window) {
        this.key = key;
        this.engine = new BinaryEngine<>(key.endpoint().toString(), firstIdentifier, settings, spacing, window);
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

    /** The connection's protocol state; its outbound half belongs to the driver using the connection. */
    public BinaryEngine<T> engine() {
        return engine;
    }

    public void write(ByteBuffer bytes) throws IOException {
        connection.write(bytes);
    }

    /** Completes with the first error response, malformed input or close. */
    public CompletableFuture<Void> signal() {
        return signal;
    }

    public CompletableFuture<CloseReason> closedFuture() {
        return closed;
    }

    /** Why the connection ended, or {@code null} while open. */
    public CloseReason closeReason() {
        return closed.getNow(null);
    }

    /** Open, with no error response and nothing untrustworthy read: fit for another send. */
    public boolean isUsable() {
        Connection c = connection;
        return c != null && c.isOpen() && engine.errorResponse() == null && engine.malformed() == null
                && !signal.isDone();
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
        boolean answered;
        try {
            answered = engine.receive(bytes);
        } catch (MalformedResponseException e) {
            LOG.warn("Gateway {} sent bytes that are not an error response: {} The connection can no longer report "
                    + "errors, so it is closed and not reused.", key.endpoint(), e.getMessage());
            close(); // allowed from the listener; the driver using it settles as for a dead connection
            signal.complete(null);
            return;
        }
        if (answered && !signal.isDone()) {
            if (!inUse) {
                LOG.warn("Gateway {} sent {} while the connection was idle: it concerns a send that was already "
                        + "reported (the confirmation quiet period was shorter than the server's answer).",
                        key.endpoint(), engine.errorResponse());
            }
            signal.complete(null);
        }
    }

    @Override
    public void onClosed(CloseReason reason) {
        engine.inputEnded();
        LOG.debug("Gateway connection to {} {}.", key.endpoint(), reason);
        closed.complete(reason);
        signal.complete(null);
    }
}
