package dev.apns.backend.netty;

import dev.apns.Endpoint;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;
import dev.apns.spi.support.AbstractConnection;
import dev.apns.spi.support.Timeouts;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One TLS connection of the {@link NettyBackend}: a channel whose pipeline is Netty's {@code SslHandler}
 * followed by this connection's {@link #handler()}.
 *
 * <p>Reading: decrypted bytes reach the listener on the channel's event-loop thread, as a view of Netty's
 * buffer (no copy), which is released when the call returns; in order, one call at a time, with no lock held.
 * Before {@link #start()} (while {@code connect} is still deciding) they are held back, and a connection that
 * is {@linkplain #abandon() abandoned} never calls its listener at all.
 *
 * <p>Writing: each {@link #write} copies the caller's bytes into pooled buffers (so the caller may reuse its
 * buffer as soon as the call returns) in chunks of at most {@link #WRITE_CHUNK_SIZE}, and before each chunk
 * waits until the channel is writable, which Netty signals through {@code channelWritabilityChanged}: pending
 * outbound bytes stay below the high water mark, so a peer that does not read blocks the writer instead of
 * growing memory. The call returns once its last chunk is queued in the channel, without waiting for the
 * event loop to write it: the caller prepares its next bytes while the event loop encrypts and writes these
 * (waiting for each write cost a thread hand-off per call and halved throughput). At most the high water mark
 * (128 KiB) waits in Netty, as the SPI allows; a chunk that fails is reported by the next call, and the
 * connection is closed. A writer blocked longer than the write timeout closes the connection with a
 * {@link SocketTimeoutException}. Writes are serialised by a lock, so each call's bytes go out contiguously.
 *
 * <p>Why the connection ended is decided, in this order: a write timeout, a local {@link #close()}, a
 * listener that threw, the peer's TLS close_notify, a failure seen by the pipeline (I/O or TLS error, a TLS
 * alert), a failed or interrupted write after which this side closed the channel, and otherwise the peer's end
 * of stream (TCP closed without close_notify included).
 * A failed write does not close the channel at once: it goes on reading for {@link #DRAIN_AFTER_WRITE_FAILURE}
 * so that the peer's last bytes (an APNs error response, typically) still reach the listener.
 *
 * <p>Thread-safe: {@link #write} from any thread but the backend's event loops, {@link #close()} from any thread.
 */
final class NettyConnection extends AbstractConnection {
    /** How long a connection whose write failed goes on reading before it is closed. */
    static final Duration DRAIN_AFTER_WRITE_FAILURE = Duration.ofSeconds(1);
    /** The most bytes copied into one outbound buffer; a larger write waits for writability between chunks. */
    static final int WRITE_CHUNK_SIZE = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(NettyConnection.class);

    private final NettyBackend backend;
    private final NettyRuntime runtime;
    private final Endpoint endpoint;
    private final Handler handler = new Handler();

    /** Serialises writers, so that each call's bytes are contiguous. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guards nothing but the writability wait; taken briefly by the event loop to signal. */
    private final ReentrantLock writabilityLock = new ReentrantLock();
    private final Condition writabilityChanged = writabilityLock.newCondition();

    private volatile Channel channel;
    /** Set on the event loop when the channel went inactive. */
    private volatile boolean inactive;
    /** Set when this side closed the channel because of {@link #writeFailure()}. */
    private volatile boolean closedForWriteFailure;

    NettyConnection(NettyBackend backend, NettyRuntime runtime, Endpoint endpoint, Connection.Listener listener,
                    Duration writeTimeout) {
        super(endpoint, listener, writeTimeout);
        this.backend = backend;
        this.runtime = runtime;
        this.endpoint = endpoint;
    }

    /** The pipeline handler that feeds the listener; one per connection. */
    Handler handler() {
        return handler;
    }

    /** Called by connect once the TLS handshake succeeded, before the connection is handed out. */
    void established(Channel channel, String protocol, String applicationProtocol) {
        this.channel = channel;
        negotiated(protocol, applicationProtocol);
    }

    /** Lets the listener hear what arrived since the handshake, and all that follows. */
    void start() {
        runOnEventLoop(handler::start);
    }

    /** Closes a connection whose connect failed late; its listener hears nothing. */
    void abandon() {
        markClosedLocally();
        runOnEventLoop(handler::abandon);
        channel.close();
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        Channel channel = this.channel;
        if (runtime.inEventLoop()) {
            throw new IllegalStateException("Connection.write was called on an event-loop thread of the Netty backend ("
                    + Thread.currentThread().getName() + "), for example from a Listener callback, writing to " + endpoint
                    + ". A write may block until the peer reads, and blocking an event loop stalls every connection on "
                    + "it (its own included); write from another thread.");
        }
        try {
            writeLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NettyRuntime.withCause(new InterruptedIOException("Interrupted while waiting to write to "
                    + endpoint + "."), e);
        }
        try {
            requireOpen(inactive || !channel.isActive());
            if (!bytes.hasRemaining()) {
                return;
            }
            long deadline = System.nanoTime() + Timeouts.nanos(writeTimeout());
            ChannelFuture last = null;
            while (bytes.hasRemaining()) {
                try {
                    awaitWritable(channel, deadline);
                } catch (InterruptedIOException interrupted) {
                    throw interruptedDuringWrite(channel, interrupted, last != null);
                }
                int length = Math.min(bytes.remaining(), WRITE_CHUNK_SIZE);
                ByteBuf chunk = channel.alloc().buffer(length);
                ByteBuffer part = bytes.duplicate();
                part.limit(part.position() + length);
                chunk.writeBytes(part);
                bytes.position(bytes.position() + length);
                last = channel.writeAndFlush(chunk);
                last.addListener(this::written);
            }
            // Not waiting for the last chunk to reach the socket: the event loop encrypts and writes it while the
            // caller prepares the next (at most the high water mark waits in Netty), and a failure of it is
            // recorded by written() and reported by the next call or the connection's end.
        } finally {
            writeLock.unlock();
        }
    }

    /** An interrupted writer; when part of its bytes are out, what follows would no longer line up, so it closes. */
    private InterruptedIOException interruptedDuringWrite(Channel channel, InterruptedIOException interrupted,
                                                         boolean partlyWritten) {
        if (partlyWritten) {
            IOException failed = new IOException("A write to " + endpoint + " was interrupted half way; the "
                    + "connection is closed.", interrupted);
            recordWriteFailure(failed);
            closedForWriteFailure = true;
            signalWriters();
            channel.close();
        }
        return interrupted;
    }

    /** Blocks until the channel is writable, failing when the connection ends or the deadline passes. */
    private void awaitWritable(Channel channel, long deadline) throws IOException {
        if (channel.isWritable()) {
            return;
        }
        writabilityLock.lock();
        try {
            while (!channel.isWritable()) {
                failIfEnded();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw writeTimedOut(channel);
                }
                try {
                    writabilityChanged.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw NettyRuntime.withCause(new InterruptedIOException("Interrupted while waiting to write to "
                            + endpoint + "."), e);
                }
            }
        } finally {
            writabilityLock.unlock();
        }
        failIfEnded();
    }

    private IOException writeTimedOut(Channel channel) {
        IOException timeout = writeTimedOut();
        LOG.debug("{}", timeout.getMessage());
        channel.close();
        return timeout;
    }

    /** Why a write waiting for writability must give up, if it must. */
    private void failIfEnded() throws IOException {
        if (isClosedLocally()) {
            throw closedLocallyDuringWrite(null);
        }
        IOException failed = failure();
        if (failed != null) {
            throw failedConnection(failed);
        }
        if (inactive || hasEnded()) {
            throw endedDuringWrite(null);
        }
    }

    /** Runs on the event loop when a chunk was written or failed. */
    private void written(io.netty.util.concurrent.Future<? super Void> future) {
        if (future.isSuccess() || isClosedLocally() || timeoutFailure() != null || inactive) {
            return;
        }
        Throwable cause = future.cause();
        IOException failed = new IOException("Write to " + endpoint + " failed: " + NettyRuntime.reason(cause), cause);
        if (!recordWriteFailure(failed)) {
            return;
        }
        LOG.debug("{}; reading on for at most {} before closing.", failed.getMessage(),
                Timeouts.describe(DRAIN_AFTER_WRITE_FAILURE));
        signalWriters();
        Channel channel = this.channel;
        channel.eventLoop().schedule(() -> {
            if (channel.isActive()) {
                closedForWriteFailure = true;
                channel.close();
            }
        }, DRAIN_AFTER_WRITE_FAILURE.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void signalWriters() {
        writabilityLock.lock();
        try {
            writabilityChanged.signalAll();
        } finally {
            writabilityLock.unlock();
        }
    }

    @Override
    protected boolean transportOpen() {
        Channel channel = this.channel;
        return !inactive && channel != null && channel.isActive();
    }

    /**
     * Closes the connection: sends the TLS close_notify (giving up on it after
     * {@link NettyRuntime#CLOSE_NOTIFY_FLUSH_TIMEOUT} when the peer does not read) and closes the socket. Returns
     * at once; the listener hears {@link CloseReason#local()} on the event loop.
     */
    @Override
    public void close() {
        if (markClosedLocally()) {
            signalWriters();
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "NettyConnection[" + endpoint + ", " + tlsProtocol() + (isOpen() ? ", open" : ", closed") + "]";
    }

    /** True while a writer is inside {@link #write}; for tests. */
    boolean writeInProgress() {
        return writeLock.isLocked();
    }

    /** Whether the channel accepts writes now (pending outbound bytes below the high water mark); for tests. */
    boolean channelWritable() {
        return channel.isWritable();
    }

    /** Outbound bytes queued in Netty and not yet written to the socket; for tests. */
    long pendingOutboundBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** Netty wraps what a decoder (the SslHandler) threw; the cause is what happened. */
    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while (current instanceof DecoderException && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private void runOnEventLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            // The event loop is shut down, so nothing else runs for this channel: run it here.
            task.run();
        }
    }

    /** The last handler of the pipeline. All its state is confined to the channel's event loop. */
    final class Handler extends ChannelInboundHandlerAdapter {
        private boolean started;
        private boolean abandoned;
        private boolean peerClosedTls;
        private Throwable failure;
        private RuntimeException listenerFailure;
        private ArrayDeque<ByteBuf> heldBack;

        private Handler() {
        }

        void start() {
            if (abandoned || started) {
                return;
            }
            started = true;
            ArrayDeque<ByteBuf> held = heldBack;
            heldBack = null;
            if (held != null) {
                for (ByteBuf buf = held.poll(); buf != null; buf = held.poll()) {
                    deliver(buf);
                }
            }
            if (inactive) {
                end();
            }
        }

        void abandon() {
            abandoned = true;
            releaseHeldBack();
            if (markEnded()) {
                endSilently(CloseReason.local());
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (!(message instanceof ByteBuf buf)) {
                LOG.debug("Dropping an unexpected {} read from {}.", message.getClass().getName(), endpoint);
                ReferenceCountUtil.release(message);
                return;
            }
            if (abandoned || hasEnded()) {
                buf.release();
            } else if (!started) {
                if (heldBack == null) {
                    heldBack = new ArrayDeque<>();
                }
                heldBack.add(buf);
            } else {
                deliver(buf);
            }
        }

        private void deliver(ByteBuf buf) {
            try {
                if (listenerFailure != null || !buf.isReadable()) {
                    return;
                }
                // A view of Netty's memory when it is one region (the usual case); Netty copies otherwise.
                listener().onData(buf.nioBuffer());
            } catch (RuntimeException e) {
                listenerThrew(e);
                listenerFailure = e;
                channel.close();
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event instanceof SslCloseCompletionEvent closing) {
                // The peer ended TLS: in order (close_notify) or with a fatal alert. Nothing more will come.
                Throwable cause = closing.isSuccess() ? null : unwrap(closing.cause());
                if (cause == null) {
                    peerClosedTls = true;
                } else if (!(cause instanceof ClosedChannelException) && failure == null) {
                    // A fatal alert. (A closed channel is TCP ending without close_notify: the peer's end too.)
                    failure = cause;
                }
                context.close();
            }
            ReferenceCountUtil.release(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            Throwable failed = unwrap(cause);
            if (failure == null) {
                failure = failed;
            } else if (failure != failed) {
                LOG.debug("A further failure on the connection to {}.", endpoint, failed);
            }
            context.close();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) {
            signalWriters();
            context.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            inactive = true;
            signalWriters();
            if (started) {
                end();
            } else if (abandoned) {
                releaseHeldBack();
            }
        }

        private void releaseHeldBack() {
            if (heldBack != null) {
                heldBack.forEach(ByteBuf::release);
                heldBack = null;
            }
        }

        /** Runs once, on the event loop: tells the listener, completes the future. */
        private void end() {
            if (!markEnded()) {
                return;
            }
            CloseReason reason = decide();
            backend.forget(NettyConnection.this);
            reportEnd(reason);
        }

        private CloseReason decide() {
            CloseReason first = timeoutOrLocalClose();
            if (first != null) {
                return first;
            }
            if (listenerFailure != null) {
                return CloseReason.error(listenerFailure);
            }
            if (peerClosedTls) {
                return CloseReason.peer();
            }
            if (failure != null) {
                return CloseReason.error(failure);
            }
            IOException failedWrite = writeFailure();
            if (closedForWriteFailure && failedWrite != null) {
                return CloseReason.error(failedWrite);
            }
            return CloseReason.peer();
        }
    }
}
