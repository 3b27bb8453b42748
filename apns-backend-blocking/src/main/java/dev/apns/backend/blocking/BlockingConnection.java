package dev.apns.backend.blocking;

import dev.apns.Endpoint;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLSocket;

/**
 * One TLS connection of a {@link SocketTransport} (the {@link BlockingBackend}'s, or that of another
 * backend that reuses it): an {@link SSLSocket} layered over a plain socket, one reader thread that
 * delivers the peer's bytes, and writes serialised by a lock and bounded by a watchdog that closes the
 * plain socket when a write stays blocked too long.
 *
 * <p>Thread-safe. The listener is called only from the reader thread, in order, with no lock held.
 * Why the connection ended is decided in this order: a write timeout, then a local {@link #close()},
 * then the peer's end of stream, then a failed write, then the read error. A failed write (other than a
 * timeout) leaves the socket open for a short grace period so that the reader can still deliver what the
 * peer sent before it went away (an APNs error response, typically).
 */
final class BlockingConnection implements Connection {
    /** How long {@link #close()} waits for the reader thread to deliver {@code onClosed} and end. */
    static final Duration READER_JOIN_TIMEOUT = Duration.ofSeconds(1);
    /** How long a graceful TLS close (close_notify) may take before the plain socket is closed under it. */
    static final Duration GRACEFUL_CLOSE_TIMEOUT = Duration.ofMillis(250);
    /** How long the reader may go on after a failed write, to deliver the peer's last bytes, before the socket is closed. */
    static final Duration DRAIN_AFTER_WRITE_FAILURE = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(BlockingConnection.class);
    private static final int READ_BUFFER_SIZE = 16 * 1024;
    private static final int WRITE_CHUNK_SIZE = 16 * 1024;
    private static final long NO_WRITE = 0;
    private static final long TIMED_OUT = -1;

    private final SocketTransport transport;
    private final Endpoint endpoint;
    private final Socket plain;
    private final SSLSocket tls;
    private final String protocol;
    /** What the server selected with ALPN; null when nothing was offered or selected. */
    private final String applicationProtocol;
    private final Connection.Listener listener;
    private final Duration writeTimeout;
    private final ScheduledThreadPoolExecutor watchdog;
    private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();

    private final ReentrantLock writeLock = new ReentrantLock();
    /** The write in progress (its number), {@link #NO_WRITE}, or {@link #TIMED_OUT} once the watchdog fired. */
    private final AtomicLong activeWrite = new AtomicLong(NO_WRITE);
    /**
     * When the write in progress times out ({@link System#nanoTime()}), or 0 when none is: the transport's
     * watchdog sweeps these periodically, so that a write costs two field writes, not a scheduled task
     * (which woke the watchdog thread on every write, a tenth of the CPU at full speed).
     */
    private volatile long writeDeadline;
    private final AtomicLong writeNumbers = new AtomicLong();
    private final AtomicBoolean closedLocally = new AtomicBoolean();
    private final AtomicBoolean socketsClosed = new AtomicBoolean();
    /** The write timeout, once the watchdog fired. */
    private final AtomicReference<IOException> timeoutFailure = new AtomicReference<>();
    /** The first failed write other than a timeout. */
    private final AtomicReference<IOException> writeFailure = new AtomicReference<>();
    private volatile boolean ended;
    private volatile Thread reader;
    private byte[] writeChunk; // guarded by writeLock

    BlockingConnection(SocketTransport transport, Endpoint endpoint, Socket plain, SSLSocket tls, String protocol,
                       String applicationProtocol, Connection.Listener listener, Duration writeTimeout, ScheduledThreadPoolExecutor watchdog) {
        this.transport = transport;
        this.endpoint = endpoint;
        this.plain = plain;
        this.tls = tls;
        this.protocol = protocol;
        this.applicationProtocol = applicationProtocol;
        this.listener = listener;
        this.writeTimeout = writeTimeout;
        this.watchdog = watchdog;
    }

    void start(String threadName) {
        Thread thread = new Thread(this::readLoop, threadName);
        thread.setDaemon(true);
        reader = thread;
        thread.start();
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        try {
            writeLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SocketTransport.withCause(new InterruptedIOException(
                    "Interrupted while waiting to write to " + endpoint + "."), e);
        }
        try {
            requireOpen();
            if (!bytes.hasRemaining()) {
                return;
            }
            long number = writeNumbers.incrementAndGet();
            activeWrite.set(number);
            long deadline = System.nanoTime() + SocketTransport.nanos(writeTimeout);
            writeDeadline = deadline == 0 ? 1 : deadline;
            IOException error = null;
            try {
                writeFully(tls.getOutputStream(), bytes);
            } catch (IOException e) {
                error = e;
            } finally {
                writeDeadline = 0;
            }
            boolean timedOut = !activeWrite.compareAndSet(number, NO_WRITE);
            if (timedOut) {
                IOException timeout = writeTimeoutFailure();
                if (error != null && timeout != error) {
                    timeout.addSuppressed(error);
                }
                throw timeout;
            }
            if (error != null) {
                throw writeFailed(error);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void writeFully(OutputStream out, ByteBuffer bytes) throws IOException {
        if (bytes.hasArray()) {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            bytes.position(bytes.limit());
        } else {
            if (writeChunk == null) {
                writeChunk = new byte[WRITE_CHUNK_SIZE];
            }
            while (bytes.hasRemaining()) {
                int length = Math.min(writeChunk.length, bytes.remaining());
                bytes.get(writeChunk, 0, length);
                out.write(writeChunk, 0, length);
            }
        }
        out.flush();
    }

    /**
     * Called by the transport's watchdog sweep: fails the write in progress if its deadline has passed. A
     * write that ends meanwhile is left alone: the compare-and-set names the write that was read first.
     */
    void enforceWriteTimeout(long now) {
        long number = activeWrite.get();
        long deadline = writeDeadline;
        if (number > 0 && deadline != 0 && now - deadline >= 0) {
            writeTimedOut(number);
        }
    }

    private void writeTimedOut(long number) {
        if (!activeWrite.compareAndSet(number, TIMED_OUT)) {
            return; // that write finished in time
        }
        LOG.debug("{}", writeTimeoutFailure().getMessage());
        SocketTransport.closeQuietly(plain, endpoint);
    }

    /** The one write-timeout exception of this connection, made by whichever of watchdog and writer asks first. */
    private IOException writeTimeoutFailure() {
        return timeoutFailure.updateAndGet(existing -> existing != null ? existing
                : new SocketTimeoutException("Write to " + endpoint + " blocked for more than "
                        + SocketTransport.describe(writeTimeout) + "; the peer stopped reading. The connection is closed."));
    }

    /**
     * Records a failed write and says what to throw. The socket stays open for
     * {@link #DRAIN_AFTER_WRITE_FAILURE} so the reader can deliver what the peer sent before the failure;
     * then it is closed, in case the reader does not notice the failure by itself.
     */
    private IOException writeFailed(IOException error) {
        if (closedLocally.get()) {
            return new IOException("The connection to " + endpoint + " was closed locally during a write.", error);
        }
        if (ended || socketsClosed.get()) {
            CloseReason reason = closeFuture.getNow(null);
            return new IOException("The connection to " + endpoint + " ended during a write"
                    + (reason != null ? " (" + reason + ")." : "."), error);
        }
        IOException failed = new IOException("Write to " + endpoint + " failed: " + error.getMessage(), error);
        if (!writeFailure.compareAndSet(null, failed)) {
            return failed;
        }
        try {
            watchdog.schedule(() -> SocketTransport.closeQuietly(plain, endpoint),
                    DRAIN_AFTER_WRITE_FAILURE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            SocketTransport.closeQuietly(plain, endpoint);
        }
        return failed;
    }

    private void requireOpen() throws IOException {
        IOException failed = timeoutFailure.get() != null ? timeoutFailure.get() : writeFailure.get();
        if (failed != null) {
            throw new IOException("The connection to " + endpoint + " has failed: " + failed.getMessage(), failed);
        }
        if (closedLocally.get() || ended || socketsClosed.get()) {
            throw new IOException("The connection to " + endpoint + " is closed.");
        }
    }

    private void readLoop() {
        CloseReason reason = null;
        try {
            byte[] buffer = new byte[READ_BUFFER_SIZE];
            InputStream in = tls.getInputStream();
            while (true) {
                int count = in.read(buffer);
                if (count < 0) {
                    reason = decide(null);
                    break;
                }
                if (count > 0) {
                    listener.onData(ByteBuffer.wrap(buffer, 0, count));
                }
            }
        } catch (IOException e) {
            reason = decide(e);
        } catch (RuntimeException e) {
            LOG.warn("The listener of the connection to {} threw; closing the connection.", endpoint, e);
            reason = CloseReason.error(e);
        } catch (Error e) {
            reason = CloseReason.error(e);
            throw e;
        } finally {
            end(reason != null ? reason
                    : CloseReason.error(new IllegalStateException("The reader of " + endpoint + " ended unexpectedly.")));
        }
    }

    /** Why the connection ended, given the read error or {@code null} for end of stream. */
    private CloseReason decide(IOException readError) {
        IOException timeout = timeoutFailure.get();
        if (timeout != null) {
            return CloseReason.error(timeout);
        }
        if (closedLocally.get()) {
            return CloseReason.local();
        }
        if (readError == null) {
            return CloseReason.peer();
        }
        IOException failedWrite = writeFailure.get();
        return CloseReason.error(failedWrite != null ? failedWrite : readError);
    }

    /** Runs once, on the reader thread: releases the sockets, tells the listener, completes the future. */
    private void end(CloseReason reason) {
        ended = true;
        closeSockets();
        transport.forget(this);
        LOG.debug("Connection to {} ended: {}.", endpoint, reason);
        try {
            listener.onClosed(reason);
        } catch (RuntimeException e) {
            LOG.warn("The listener of the connection to {} threw from onClosed.", endpoint, e);
        } finally {
            closeFuture.complete(reason);
        }
    }

    @Override
    public boolean isOpen() {
        return !ended && !closedLocally.get() && timeoutFailure.get() == null && writeFailure.get() == null;
    }

    @Override
    public CompletionStage<CloseReason> closeFuture() {
        return closeFuture.minimalCompletionStage();
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public String tlsProtocol() {
        return protocol;
    }

    @Override
    public Optional<String> applicationProtocol() {
        return Optional.ofNullable(applicationProtocol);
    }

    /**
     * Closes the connection and waits a bounded time ({@link #READER_JOIN_TIMEOUT}) for the reader thread
     * to report it, unless called from that thread (for example from a listener callback).
     */
    @Override
    public void close() {
        closeWithoutWaiting();
        awaitReader(System.nanoTime() + READER_JOIN_TIMEOUT.toNanos());
    }

    void closeWithoutWaiting() {
        if (closedLocally.compareAndSet(false, true)) {
            closeSockets();
        }
    }

    /** Waits until {@code deadline} (a {@link System#nanoTime()} value) for the reader thread to end. */
    void awaitReader(long deadline) {
        Thread thread = reader;
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            long remaining = deadline - System.nanoTime();
            if (remaining > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
            }
            if (thread.isAlive()) {
                LOG.warn("The reader thread {} of the connection to {} did not end within {}; its listener may be "
                        + "blocked.", thread.getName(), endpoint, SocketTransport.describe(READER_JOIN_TIMEOUT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debug("Interrupted while waiting for the reader thread of the connection to {}.", endpoint, e);
        }
    }

    /**
     * Closes the TLS socket, sending close_notify when that is quick. A write in progress holds JSSE's
     * record lock, so then the plain socket is closed first; otherwise a watchdog closes it if the graceful
     * close does not return within {@link #GRACEFUL_CLOSE_TIMEOUT}.
     */
    private void closeSockets() {
        if (!socketsClosed.compareAndSet(false, true)) {
            return;
        }
        if (writeLock.isLocked()) {
            SocketTransport.closeQuietly(plain, endpoint);
        }
        ScheduledFuture<?> guard = null;
        if (!plain.isClosed()) {
            try {
                guard = watchdog.schedule(() -> SocketTransport.closeQuietly(plain, endpoint),
                        GRACEFUL_CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("The watchdog is stopped; closing the connection to {} without close_notify.", endpoint);
                SocketTransport.closeQuietly(plain, endpoint);
            }
        }
        try {
            tls.close();
        } catch (IOException e) {
            LOG.debug("Closing TLS to {} failed; closing the socket under it.", endpoint, e);
        } finally {
            if (guard != null) {
                guard.cancel(false);
            }
            SocketTransport.closeQuietly(plain, endpoint);
        }
    }

    /** True while a write holds the write lock; for tests. */
    boolean writeInProgress() {
        return writeLock.isLocked();
    }

    @Override
    public String toString() {
        return "BlockingConnection[" + endpoint + ", " + protocol + (isOpen() ? ", open" : ", closed") + "]";
    }
}
