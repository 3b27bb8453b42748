package dev.apns.backend.blocking;

import dev.apns.Endpoint;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;
import dev.apns.spi.support.AbstractConnection;
import dev.apns.spi.support.Timeouts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
final class BlockingConnection extends AbstractConnection {
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
    private final ScheduledThreadPoolExecutor watchdog;

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
    private final AtomicBoolean socketsClosed = new AtomicBoolean();
    private volatile Thread reader;
    private byte[] writeChunk; // guarded by writeLock

    BlockingConnection(SocketTransport transport, Endpoint endpoint, Socket plain, SSLSocket tls, String protocol,
                       String applicationProtocol, Connection.Listener listener, Duration writeTimeout, ScheduledThreadPoolExecutor watchdog) {
        super(endpoint, listener, writeTimeout);
        this.transport = transport;
        this.endpoint = endpoint;
        this.plain = plain;
        this.tls = tls;
        negotiated(protocol, applicationProtocol);
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
            requireOpen(socketsClosed.get());
            if (!bytes.hasRemaining()) {
                return;
            }
            long number = writeNumbers.incrementAndGet();
            activeWrite.set(number);
            long deadline = System.nanoTime() + Timeouts.nanos(writeTimeout());
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
                IOException timeout = writeTimedOut();
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
        LOG.debug("{}", writeTimedOut().getMessage());
        SocketTransport.closeQuietly(plain, endpoint);
    }

    /**
     * Records a failed write and says what to throw. The socket stays open for
     * {@link #DRAIN_AFTER_WRITE_FAILURE} so the reader can deliver what the peer sent before the failure;
     * then it is closed, in case the reader does not notice the failure by itself.
     */
    private IOException writeFailed(IOException error) {
        if (isClosedLocally()) {
            return closedLocallyDuringWrite(error);
        }
        if (hasEnded() || socketsClosed.get()) {
            return endedDuringWrite(error);
        }
        IOException failed = new IOException("Write to " + endpoint + " failed: " + error.getMessage(), error);
        if (!recordWriteFailure(failed)) {
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
                    listener().onData(ByteBuffer.wrap(buffer, 0, count));
                }
            }
        } catch (IOException e) {
            reason = decide(e);
        } catch (RuntimeException e) {
            listenerThrew(e);
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
        CloseReason first = timeoutOrLocalClose();
        if (first != null) {
            return first;
        }
        if (readError == null) {
            return CloseReason.peer();
        }
        IOException failedWrite = writeFailure();
        return CloseReason.error(failedWrite != null ? failedWrite : readError);
    }

    /** Runs once, on the reader thread: releases the sockets, tells the listener, completes the future. */
    private void end(CloseReason reason) {
        markEnded();
        closeSockets();
        transport.forget(this);
        reportEnd(reason);
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
        if (markClosedLocally()) {
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
                        + "blocked.", thread.getName(), endpoint, Timeouts.describe(READER_JOIN_TIMEOUT));
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
        return "BlockingConnection[" + endpoint + ", " + tlsProtocol() + (isOpen() ? ", open" : ", closed") + "]";
    }
}
