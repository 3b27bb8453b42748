package dev.apns.internal.delivery;

import dev.apns.Confirmation;
import dev.apns.DeliveryError;
import dev.apns.InvalidNotificationException;
import dev.apns.NotDeliveredException;
import dev.apns.Notification;
import dev.apns.SenderOptions;
import dev.apns.internal.binary.AttemptOutcome;
import dev.apns.internal.binary.BinaryFrameCheck;
import dev.apns.internal.binary.GatewayConnection;
import dev.apns.internal.session.PoolKey;
import dev.apns.internal.session.SessionEngine;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.NotificationEncoder;
import dev.apns.spi.CloseReason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection of a {@link StreamSender} and the thread that feeds it: takes notifications from the
 * sender's queue, writes them, keeps the written ones in its window until they are confirmed (quiet period
 * or sentinel), and settles the window with {@link AttemptOutcome}'s rules when an error response or the
 * end of the connection arrives. Reconnects with exponential backoff and jitter.
 */
public final class StreamWorker implements SenderWorker, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamWorker.class);
    private static final int TAKE_AT_ONCE = 512;
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * A take smaller than this makes the worker pause {@link #COALESCE_NANOS} before the next, so that a
     * producer slower than the connection is written in batches, not a TLS record and a system call for
     * every few notifications (which costs more CPU than the notifications themselves).
     */
    private static final int SMALL_TAKE = 64;
    private static final long COALESCE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /**
     * How long the queue must stay empty before an unconfirmed window gets its sentinel: a momentary gap at
     * full speed is not idleness, and each sentinel costs a reconnect.
     */
    static final long SENTINEL_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How long {@link #stop()} waits for a thread that is connecting (and holds nothing) to end. */
    static final long CONNECTING_JOIN_MILLIS = 50;
    private static final byte[] SENTINEL_PAYLOAD = "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final StreamSender sender;
    private final PoolKey key;
    private final Thread thread;
    private final ArrayDeque<StreamEntry> window = new ArrayDeque<>();
    private final List<StreamEntry> batch = new ArrayList<>(TAKE_AT_ONCE);
    private final List<StreamEntry> leftovers = new ArrayList<>();
    private final boolean sentinelMode;
    private final long confirmNanos;
    private final int sentinelSpacing;

    private volatile GatewayConnection connection;
    /** True while the thread waits for the backend's connect (and holds no notification). */
    private volatile boolean connecting;
    private volatile int inFlight;
    private ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
    private long sentinelIdentifier = -1;
    private long sentinelDeadline;
    private int sinceSentinel;
    /** When the queue was first seen empty with an unconfirmed window; -1 while it is not. */
    private long dryFrom = -1;
    private boolean everConnected;
    private boolean progressOnConnection;
    private final Backoff backoff;

    public StreamWorker(StreamSender sender, PoolKey key, String name) {
        this.sender = sender;
        this.key = key;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
        Confirmation confirmation = sender.options.confirmation();
        this.sentinelMode = confirmation.kind() == Confirmation.Kind.SENTINEL;
        this.confirmNanos = confirmation.duration().toNanos();
        this.sentinelSpacing = sentinelSpacing(sender.options);
        this.backoff = new Backoff(sender.options.reconnectBackoff(), sender.options.maxReconnectBackoff());
    }

    @Override
    public void start() {
        sender.session.track(thread);
        thread.start();
    }

    @Override
    public long inFlight() {
        return inFlight;
    }

    @Override
    public boolean isConnected() {
        GatewayConnection c = connection;
        return c != null && c.isUsable();
    }

    /**
     * After the sender stopped: closes the connection, waits for the thread, returns what it still held. A
     * thread that is waiting for a connect holds nothing, so it is not waited for (a stalled handshake would
     * hold {@code shutdown(deadline)} for the whole connect timeout): it is interrupted, which ends the wait on
     * backends whose connect is interruptible, and otherwise ends when the connect does (the session's close
     * closes the backend it owns, which ends the connect, and waits for the thread).
     */
    @Override
    public List<StreamEntry> stop() {
        GatewayConnection c = connection;
        if (c != null) {
            c.close();
        }
        sender.wake();
        if (connecting) {
            thread.interrupt();
            try {
                thread.join(CONNECTING_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.debug("Sender thread {} is still connecting; it holds no notification and ends with the connect.",
                        thread.getName());
                return List.of();
            }
            return leftovers;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Sender thread {} did not stop within 5 s.", thread.getName());
            return List.of();
        }
        return leftovers;
    }

    @Override
    public void run() {
        try {
            while (!sender.isStopped()) {
                try {
                    step();
                } catch (RuntimeException e) {
                    recover(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            LOG.error("Sender thread {} failed; its notifications are handed back as unsent.", thread.getName(), e);
            for (StreamEntry entry : window) {
                sender.finishUnsent(entry, e);
            }
            window.clear();
        } finally {
            GatewayConnection c = connection;
            if (c != null) {
                c.close();
            }
            window.forEach(entry -> entry.fateUnknown = true); // written, never confirmed
            leftovers.addAll(window);
            leftovers.addAll(batch);
            window.clear();
            inFlight = 0;
            sender.session.untrack(thread);
        }
    }

    /**
     * A defect met while sending (nothing the network or the input should cause, as bad notifications are
     * refused at submit and written one by one): the connection and what it carried are given up, the
     * notifications of its window end UNSENT with the defect as the cause, and the worker goes on with a new
     * connection after a backoff, so that one bad thing never stops the sender.
     */
    private void recover(RuntimeException defect) throws InterruptedException {
        LOG.error("Sender thread {} met an unexpected failure; the {} notification(s) on its connection are handed "
                + "back as unsent and it reconnects.", thread.getName(), window.size(), defect);
        GatewayConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
        for (StreamEntry entry : window) {
            sender.finishUnsent(entry, defect);
        }
        window.clear();
        batch.clear();
        inFlight = 0;
        sentinelIdentifier = -1;
        backOff();
    }

    private void step() throws InterruptedException {
        GatewayConnection c = connection;
        if (c != null && c.signal().isDone()) {
            settle(c, null);
            return;
        }
        if (!sentinelMode) {
            confirmQuiet();
        }
        if (c == null) {
            if (!sender.hasQueued() || sender.permanentFailure() != null) {
                sender.take(0, IDLE_WAIT_NANOS, batch);
                return;
            }
            connect();
            return;
        }
        if (sentinelIdentifier >= 0) {
            awaitSentinel(c);
            return;
        }
        batch.clear();
        sender.take(TAKE_AT_ONCE, waitNanos(), batch);
        int taken = batch.size();
        if (taken > 0) {
            write(c, batch);
            batch.clear();
        }
        if (connection != c || c.signal().isDone() || window.isEmpty()) {
            dryFrom = -1;
            return;
        }
        if (sentinelMode && sinceSentinel >= sentinelSpacing) {
            writeSentinel(c);
            return;
        }
        if (taken > 0 || sender.hasQueued()) {
            dryFrom = -1;
        } else if (sentinelMode) {
            long now = System.nanoTime();
            if (dryFrom < 0) {
                dryFrom = now;
            } else if (now - dryFrom >= SENTINEL_LINGER_NANOS) {
                dryFrom = -1;
                writeSentinel(c);
                return;
            }
        }
        if (taken < SMALL_TAKE) {
            LockSupport.parkNanos(COALESCE_NANOS);
        }
    }

    /**
     * Notifications between two sentinels on one connection: {@code sentinelEvery}, but small enough that
     * the windows of all connections together leave room in {@code maxPending}, so that a full sender is
     * never waiting for confirmations that only a sentinel would bring.
     */
    static int sentinelSpacing(SenderOptions options) {
        return Math.max(1, Math.min(options.sentinelEvery(), options.maxPending() / (options.connections() + 1)));
    }

    private void connect() throws InterruptedException {
        connecting = true;
        try {
            GatewayConnection opened = sender.session.openStreamConnection(key);
            if (sender.isStopped()) {
                opened.close();
                return;
            }
            opened.signal().thenRun(sender::wake);
            if (everConnected) {
                sender.reconnects.increment();
            }
            everConnected = true;
            progressOnConnection = false;
            sinceSentinel = 0;
            connection = opened;
        } catch (IOException | RuntimeException e) {
            if (SessionEngine.isPermanent(e)) {
                sender.failPermanently(e);
                return;
            }
            LOG.debug("Connecting to {} failed: {}; retrying in {} ms.", key.endpoint(), e.toString(),
                    TimeUnit.NANOSECONDS.toMillis(backoff.stepNanos()));
            backOff();
        } finally {
            connecting = false;
        }
    }

    private void backOff() throws InterruptedException {
        long until = System.nanoTime() + backoff.nextWaitNanos();
        while (!sender.isStopped()) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                break;
            }
            List<StreamEntry> none = new ArrayList<>(0);
            sender.take(0, Math.min(left, IDLE_WAIT_NANOS), none);
        }
    }

    private long waitNanos() {
        if (window.isEmpty()) {
            return IDLE_WAIT_NANOS;
        }
        if (sentinelMode) {
            return 0;
        }
        long due = window.peekFirst().writtenAtNanos + confirmNanos - System.nanoTime();
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(due, IDLE_WAIT_NANOS));
    }

    private void write(GatewayConnection c, List<StreamEntry> entries) {
        buffer.clear();
        long now = System.nanoTime();
        int written = 0;
        for (int index = 0; index < entries.size(); index++) {
            StreamEntry entry = entries.get(index);
            Notification n = entry.notification;
            try {
                BinaryFrameCheck.check(n);
            } catch (InvalidNotificationException unwritable) {
                // Refused at submit by the sender's check; kept here so that no path can write half a frame.
                sender.finishUnsent(entry, unwritable);
                continue;
            }
            long expiry = n.expiry().map(java.time.Instant::getEpochSecond).orElse(NotificationEncoder.NO_EXPIRY);
            int priority = n.priority().orElse(NotificationEncoder.NO_PRIORITY);
            int size = NotificationEncoder.frameSize(n.token().length(), n.payload().size(),
                    expiry != NotificationEncoder.NO_EXPIRY, priority != NotificationEncoder.NO_PRIORITY);
            if (buffer.remaining() < size && !flush(c)) {
                // The connection failed; the entries not yet in the window go back to the queue.
                sender.requeueFront(entries.subList(index, entries.size()), false);
                return;
            }
            if (buffer.capacity() < size) {
                buffer = ByteBuffer.allocate(size);
            }
            entry.identifier = c.takeIdentifier();
            entry.writtenAtNanos = now;
            if (entry.writes++ > 0) {
                sender.resent.increment();
            }
            NotificationEncoder.writeFrame(buffer, entry.identifier, n.token(), n.payload(), expiry, priority);
            window.addLast(entry);
            sinceSentinel++;
            written++;
        }
        inFlight = window.size();
        sender.written.add(written);
        flush(c);
    }

    /** Writes the buffer; false when the connection failed (then it is settled). */
    private boolean flush(GatewayConnection c) {
        buffer.flip();
        try {
            if (buffer.hasRemaining()) {
                c.write(buffer);
            }
            buffer.clear();
            return true;
        } catch (IOException e) {
            buffer.clear();
            settle(c, e);
            return false;
        }
    }

    private void writeSentinel(GatewayConnection c) {
        long identifier = c.takeIdentifier();
        buffer.clear();
        NotificationEncoder.writeFrame(buffer, identifier, (byte[]) null, SENTINEL_PAYLOAD, NotificationEncoder.NO_EXPIRY,
                NotificationEncoder.NO_PRIORITY);
        // Known before the write: the server may answer it and close before the write call returns.
        sentinelIdentifier = identifier;
        if (flush(c)) {
            sentinelDeadline = System.nanoTime() + confirmNanos;
            sinceSentinel = 0;
        }
    }

    private void awaitSentinel(GatewayConnection c) throws InterruptedException {
        long left = sentinelDeadline - System.nanoTime();
        if (left > 0) {
            try {
                c.signal().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // handled below
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("The connection signal never fails", e);
            }
        }
        if (!c.signal().isDone()) {
            settle(c, new java.net.SocketTimeoutException("The server did not reject the sentinel notification within "
                    + sender.options.confirmation().duration() + "."));
        } else {
            settle(c, null);
        }
    }

    private void confirmQuiet() {
        long now = System.nanoTime();
        StreamEntry head;
        while ((head = window.peekFirst()) != null && now - head.writtenAtNanos >= confirmNanos) {
            window.pollFirst();
            sender.finishAccepted(head);
            progressOnConnection = true;
        }
        inFlight = window.size();
    }

    /** The connection answered with an error response or ended: decide every notification of the window. */
    private void settle(GatewayConnection c, Throwable failure) {
        c.close();
        if (failure != null && c.errorResponse() == null) {
            // A failed write: the reader may still deliver the error response that explains it.
            try {
                c.closedFuture().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debug("Connection to {} did not report its end after a failed write.", key.endpoint());
            }
        }
        connection = null;
        List<StreamEntry> entries = new ArrayList<>(window);
        window.clear();
        inFlight = 0;
        ErrorResponse response = c.errorResponse();
        String endpoint = key.endpoint().toString();
        List<StreamEntry> resend = new ArrayList<>();
        boolean healthy = response != null;
        boolean blind = response == null;
        Notification rejectedNotification = null;
        if (response != null && sentinelIdentifier >= 0 && response.identifier() == sentinelIdentifier) {
            sender.finishAccepted(entries);
        } else if (entries.isEmpty()) {
            if (response != null) {
                LOG.warn("Gateway {} sent {} for no notification still in flight (a late answer about one already "
                        + "confirmed by the quiet period).", endpoint, response);
            }
        } else {
            int[] positions = new int[entries.size()];
            java.util.Arrays.setAll(positions, i -> i);
            AttemptOutcome outcome = response != null
                    ? AttemptOutcome.decide(positions, positions.length, entries.get(0).identifier,
                    AttemptOutcome.Ending.ERROR_RESPONSE, response, null, endpoint)
                    : AttemptOutcome.decide(positions, positions.length, entries.get(0).identifier,
                    AttemptOutcome.Ending.DIED, null, failure != null ? failure : causeOf(c.closeReason()), endpoint);
            for (int i : outcome.accepted()) {
                sender.finishAccepted(entries.get(i));
            }
            if (outcome.rejected() >= 0) {
                rejectedNotification = entries.get(outcome.rejected()).notification;
                sender.finishRejected(entries.get(outcome.rejected()), outcome.rejectedStatus(), null);
            }
            DeliveryError error = outcome.error();
            for (int i : outcome.handBack()) {
                sender.finishUnsent(entries.get(i), new NotDeliveredException(error.description(),
                        error.status().orElse(null), error.cause().orElse(null)));
            }
            for (int i : outcome.resend()) {
                resend.add(entries.get(i));
            }
            if (response != null
                    && AttemptOutcome.positionOf(response.identifier(), entries.get(0).identifier, entries.size()) < 0) {
                blind = true;
                if (error != null) {
                    LOG.warn("{}", error.description());
                }
            }
            if (outcome.madeProgress()) {
                progressOnConnection = true;
            }
        }
        boolean sentinel = response != null && sentinelIdentifier >= 0 && response.identifier() == sentinelIdentifier;
        sentinelIdentifier = -1;
        sender.requeueFront(resend, blind);
        Throwable cause = failure != null ? failure : causeOf(c.closeReason());
        reportEnd(c, response, sentinel, cause, entries.size(), rejectedNotification);
        if (response == null && cause != null && SessionEngine.isPermanent(cause)) {
            sender.failPermanently(cause);
        }
        if (healthy || progressOnConnection) {
            backoff.reset();
        } else {
            try {
                backOff();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Tells the sender's listener how the connection ended, unless the sender ended it (its sentinel's answer, an
     * idle close).
     */
    private void reportEnd(GatewayConnection c, ErrorResponse response, boolean sentinel, Throwable cause,
                           int unanswered, Notification rejected) {
        CloseReason reason = c.closeReason();
        if (sentinel) {
            return;
        }
        if (response != null) {
            sender.connectionEnded(key.endpoint(), "ErrorResponse", "The gateway at " + key.endpoint() + " answered "
                    + response + " and closed the connection.", unanswered, rejected);
        } else if (cause != null) {
            sender.connectionEnded(key.endpoint(), "ConnectionError", "The connection to " + key.endpoint()
                    + " failed: " + cause, unanswered, null);
        } else if (reason != null && reason.kind() == CloseReason.Kind.PEER) {
            sender.connectionEnded(key.endpoint(), "ClosedByServer", "The gateway at " + key.endpoint()
                    + " closed the connection without an error response.", unanswered, null);
        }
    }

    private static Throwable causeOf(CloseReason reason) {
        return reason == null ? null : reason.cause().orElse(null);
    }
}
