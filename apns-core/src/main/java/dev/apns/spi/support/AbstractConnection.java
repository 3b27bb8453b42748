package dev.apns.spi.support;

import dev.apns.Endpoint;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The close-once state machine of a {@link Connection}, for a backend to extend with its I/O: a local close
 * recorded once, the write timeout and the first other write failure recorded once each, the end marked once,
 * then the listener told {@code onClosed} exactly once (a listener that throws is logged) and
 * {@link #closeFuture()} completed with the same {@link CloseReason}. It also holds what the handshake
 * negotiated and answers {@link #endpoint()}, {@link #tlsProtocol()}, {@link #applicationProtocol()} and
 * {@link #isOpen()}.
 *
 * <p>The subclass does the I/O and decides why the connection ended; {@link #timeoutOrLocalClose()} gives
 * the first two answers every backend gives (a write timeout, then a local close), in that order. The usual
 * end: {@link #markEnded()}, release the transport, {@link #reportEnd(CloseReason)}. All state is atomic or
 * volatile: every method may be called from any thread.
 */
public abstract class AbstractConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractConnection.class);

    private final Endpoint endpoint;
    private final Connection.Listener listener;
    private final Duration writeTimeout;
    private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();
    private final AtomicBoolean closedLocally = new AtomicBoolean();
    /** The write timeout, once it fired. */
    private final AtomicReference<IOException> timeoutFailure = new AtomicReference<>();
    /** The first failed write other than a timeout. */
    private final AtomicReference<IOException> writeFailure = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile String tlsProtocol;
    /** What the server selected with ALPN; null when nothing was offered or selected. */
    private volatile String applicationProtocol;

    /**
     * A connection to {@code endpoint} whose peer's bytes and end go to {@code listener}, and whose writes may
     * block at most {@code writeTimeout}.
     */
    protected AbstractConnection(Endpoint endpoint, Connection.Listener listener, Duration writeTimeout) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.writeTimeout = Objects.requireNonNull(writeTimeout, "writeTimeout");
    }

    /** The listener core registered at connect. */
    protected final Connection.Listener listener() {
        return listener;
    }

    /** How long a write may block. */
    protected final Duration writeTimeout() {
        return writeTimeout;
    }

    /**
     * Records what the handshake negotiated: the TLS version ({@code TLSv1.3}) and the ALPN protocol, or
     * {@code null} when none was offered or selected.
     */
    protected final void negotiated(String tlsProtocol, String applicationProtocol) {
        this.tlsProtocol = tlsProtocol;
        this.applicationProtocol = applicationProtocol;
    }

    /** Records a local close; true for the first call only, which is the one that must close the transport. */
    protected final boolean markClosedLocally() {
        return closedLocally.compareAndSet(false, true);
    }

    /** Whether this side closed the connection. */
    protected final boolean isClosedLocally() {
        return closedLocally.get();
    }

    /**
     * The connection's one write-timeout exception, a {@link SocketTimeoutException} made by whichever caller
     * (the writer or a watchdog) asks first; from then on the connection is failed.
     */
    protected final IOException writeTimedOut() {
        return timeoutFailure.updateAndGet(existing -> existing != null ? existing
                : new SocketTimeoutException("Write to " + endpoint + " blocked for more than "
                        + Timeouts.describe(writeTimeout) + "; the peer stopped reading. The connection is closed."));
    }

    /** The write timeout, once it fired; else null. */
    protected final IOException timeoutFailure() {
        return timeoutFailure.get();
    }

    /** Records a failed write other than a timeout; true when it is the first, which the end then reports. */
    protected final boolean recordWriteFailure(IOException failure) {
        return writeFailure.compareAndSet(null, Objects.requireNonNull(failure, "failure"));
    }

    /** The first failed write other than a timeout; else null. */
    protected final IOException writeFailure() {
        return writeFailure.get();
    }

    /**
     * Throws unless a write may start: not after a write timeout or a failed write ({@code has failed}, with
     * that failure as the cause), nor after a local close, the end, or {@code transportClosed} ({@code is closed}).
     */
    protected final void requireOpen(boolean transportClosed) throws IOException {
        IOException failed = failure();
        if (failed != null) {
            throw failedConnection(failed);
        }
        if (closedLocally.get() || ended.get() || transportClosed) {
            throw new IOException("The connection to " + endpoint + " is closed.");
        }
    }

    /** The write timeout, else the first failed write, else null. */
    protected final IOException failure() {
        IOException timeout = timeoutFailure.get();
        return timeout != null ? timeout : writeFailure.get();
    }

    /** What a write throws on a connection that has failed with {@code failed}. */
    protected final IOException failedConnection(IOException failed) {
        return new IOException("The connection to " + endpoint + " has failed: " + failed.getMessage(), failed);
    }

    /** What a write throws when a local close interrupted it; {@code cause} may be null. */
    protected final IOException closedLocallyDuringWrite(Throwable cause) {
        return withCause(new IOException("The connection to " + endpoint + " was closed locally during a write."),
                cause);
    }

    /** What a write throws when the connection ended under it, naming why if known; {@code cause} may be null. */
    protected final IOException endedDuringWrite(Throwable cause) {
        CloseReason reason = closeFuture.getNow(null);
        return withCause(new IOException("The connection to " + endpoint + " ended during a write"
                + (reason != null ? " (" + reason + ")." : ".")), cause);
    }

    /**
     * The first two reasons of every end, in order: the write timeout (an {@code ERROR} with it), then a
     * local close ({@code LOCAL}); null when neither happened and the subclass decides.
     */
    protected final CloseReason timeoutOrLocalClose() {
        IOException timeout = timeoutFailure.get();
        if (timeout != null) {
            return CloseReason.error(timeout);
        }
        return closedLocally.get() ? CloseReason.local() : null;
    }

    /** Marks the end; true for the first call only, which must then report it. */
    protected final boolean markEnded() {
        return ended.compareAndSet(false, true);
    }

    /** Whether the end was marked. */
    protected final boolean hasEnded() {
        return ended.get();
    }

    /**
     * Tells the listener {@code onClosed(reason)} (a {@link RuntimeException} it throws is logged), then
     * completes {@link #closeFuture()}. Called once, by whoever {@link #markEnded()} first, holding no lock.
     */
    protected final void reportEnd(CloseReason reason) {
        LOG.debug("Connection to {} ended: {}.", endpoint, reason);
        try {
            listener.onClosed(reason);
        } catch (RuntimeException e) {
            LOG.warn("The listener of the connection to {} threw from onClosed.", endpoint, e);
        } finally {
            closeFuture.complete(reason);
        }
    }

    /** Completes {@link #closeFuture()} without telling the listener: for a connection never handed out. */
    protected final void endSilently(CloseReason reason) {
        closeFuture.complete(reason);
    }

    /** Logs a listener's {@code onData} that threw; the subclass then closes the connection. */
    protected final void listenerThrew(RuntimeException e) {
        LOG.warn("The listener of the connection to {} threw; closing the connection.", endpoint, e);
    }

    /**
     * Open until the end, a local close or a failure, and while {@link #transportOpen()}.
     */
    @Override
    public boolean isOpen() {
        return !ended.get() && !closedLocally.get() && timeoutFailure.get() == null && writeFailure.get() == null
                && transportOpen();
    }

    /** Whether the transport under the connection is still usable; true unless overridden. */
    protected boolean transportOpen() {
        return true;
    }

    @Override
    public final CompletionStage<CloseReason> closeFuture() {
        return closeFuture.minimalCompletionStage();
    }

    @Override
    public final Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public final String tlsProtocol() {
        return tlsProtocol;
    }

    @Override
    public final Optional<String> applicationProtocol() {
        return Optional.ofNullable(applicationProtocol);
    }

    private static IOException withCause(IOException exception, Throwable cause) {
        if (cause != null) {
            exception.initCause(cause);
        }
        return exception;
    }
}
