package dev.apns.internal.delivery;

import dev.apns.Confirmation;
import dev.apns.DeliveryError;
import dev.apns.InvalidNotificationException;
import dev.apns.NotDeliveredException;
import dev.apns.Notification;
import dev.apns.SenderOptions;
import dev.apns.Status;
import dev.apns.internal.binary.BinaryEngine;
import dev.apns.internal.binary.BinaryFates;
import dev.apns.internal.binary.BinarySettlement;
import dev.apns.internal.binary.GatewayConnection;
import dev.apns.internal.binary.SentinelSpacing;
import dev.apns.internal.binary.UnconfirmedWindow;
import dev.apns.internal.session.PoolKey;
import dev.apns.internal.session.SessionEngine;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.spi.CloseReason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One binary connection of a {@link StreamSender} and the thread that feeds it: takes notifications from the
 * sender's queue and hands them to the connection's {@link BinaryEngine}, writes what the engine encodes, writes
 * the sentinel when the engine says it is due and waits for its answer, and turns the fates the engine reports
 * (when the quiet period passes, or when an error response or the end of the connection arrives) into the
 * sender's outcomes and resends. The wire format and the window's rules are the engine's; the thread, the
 * connection, its end and the reconnects with exponential backoff and jitter are this class's.
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

    private final StreamSender sender;
    private final PoolKey key;
    private final Thread thread;
    private final List<StreamEntry> batch = new ArrayList<>(TAKE_AT_ONCE);
    private final List<StreamEntry> leftovers = new ArrayList<>();
    private final BinaryEngine.Settings settings;
    /** Outlives the connections: it learns from how they ended. */
    private final SentinelSpacing spacing;
    /** The unconfirmed notifications, kept in one ring for all the worker's connections (one at a time). */
    private final UnconfirmedWindow<StreamEntry> window;
    private final Fates fates = new Fates();

    private volatile GatewayConnection<StreamEntry> connection;
    /** True while the thread waits for the backend's connect (and holds no notification). */
    private volatile boolean connecting;
    private volatile int inFlight;
    private boolean everConnected;
    private boolean progressOnConnection;
    private final Backoff backoff;

    public StreamWorker(StreamSender sender, PoolKey key, String name) {
        this.sender = sender;
        this.key = key;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
        this.settings = new BinaryEngine.Settings(sender.options.confirmation(), SENTINEL_LINGER_NANOS, CHUNK_BYTES);
        this.spacing = SentinelSpacing.adaptive(sentinelSpacing(sender.options));
        this.window = new UnconfirmedWindow<>(sender.options.confirmation().kind() != Confirmation.Kind.SENTINEL);
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
        GatewayConnection<StreamEntry> c = connection;
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
        GatewayConnection<StreamEntry> c = connection;
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
            GatewayConnection<StreamEntry> c = connection;
            if (c != null) {
                for (StreamEntry entry : c.engine().abandon()) {
                    sender.finishUnsent(entry, e);
                }
            }
        } finally {
            GatewayConnection<StreamEntry> c = connection;
            if (c != null) {
                c.close();
                List<StreamEntry> unconfirmed = c.engine().abandon();
                unconfirmed.forEach(entry -> entry.fateUnknown = true); // written, never confirmed
                leftovers.addAll(unconfirmed);
            }
            leftovers.addAll(batch);
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
        GatewayConnection<StreamEntry> c = connection;
        connection = null;
        List<StreamEntry> unconfirmed = List.of();
        if (c != null) {
            c.close();
            unconfirmed = c.engine().abandon();
        }
        LOG.error("Sender thread {} met an unexpected failure; the {} notification(s) on its connection are handed "
                + "back as unsent and it reconnects.", thread.getName(), unconfirmed.size(), defect);
        for (StreamEntry entry : unconfirmed) {
            sender.finishUnsent(entry, defect);
        }
        batch.clear();
        inFlight = 0;
        backOff();
    }

    private void step() throws InterruptedException {
        GatewayConnection<StreamEntry> c = connection;
        if (c != null && c.signal().isDone()) {
            settle(c, null);
            return;
        }
        if (c == null) {
            if (!sender.hasQueued() || sender.permanentFailure() != null) {
                sender.take(0, IDLE_WAIT_NANOS, batch);
                return;
            }
            connect();
            return;
        }
        BinaryEngine<StreamEntry> engine = c.engine();
        engine.confirmQuiet(System.nanoTime(), fates);
        if (engine.awaitingSentinel()) {
            awaitSentinel(c);
            return;
        }
        inFlight = engine.unconfirmed();
        batch.clear();
        sender.take(TAKE_AT_ONCE, engine.waitNanos(System.nanoTime(), IDLE_WAIT_NANOS), batch);
        int taken = batch.size();
        if (taken > 0) {
            write(c, batch);
            batch.clear();
        }
        if (connection != c || c.signal().isDone()) {
            return;
        }
        if (engine.sentinelDue(System.nanoTime(), taken > 0 || sender.hasQueued())) {
            writeSentinel(c);
            return;
        }
        if (engine.unconfirmed() > 0 && taken < SMALL_TAKE) {
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
            GatewayConnection<StreamEntry> opened = sender.session.openStreamConnection(key, settings, spacing, window);
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
            connection = opened;
        } catch (IOException | RuntimeException e) {
            if (!sender.connectFailed(key.endpoint(), e, backoff.stepNanos())) {
                backOff();
            }
        } finally {
            connecting = false;
        }
    }

    private void backOff() throws InterruptedException {
        backOff(backoff.nextWaitNanos());
    }

    private void backOff(long waitNanos) throws InterruptedException {
        long until = System.nanoTime() + waitNanos;
        while (!sender.isStopped()) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                break;
            }
            List<StreamEntry> none = new ArrayList<>(0);
            sender.take(0, Math.min(left, IDLE_WAIT_NANOS), none);
        }
    }

    private void write(GatewayConnection<StreamEntry> c, List<StreamEntry> entries) {
        BinaryEngine<StreamEntry> engine = c.engine();
        long now = System.nanoTime();
        int written = 0;
        for (int index = 0; index < entries.size(); index++) {
            StreamEntry entry = entries.get(index);
            try {
                if (!engine.offer(entry, entry.notification, now)) {
                    if (!flush(c)) {
                        // The connection failed; the entries not yet in the window go back to the queue.
                        sender.written.add(written);
                        sender.requeueFront(entries.subList(index, entries.size()), false);
                        return;
                    }
                    if (!engine.offer(entry, entry.notification, now)) {
                        throw new IllegalStateException("The engine refused a frame with an empty output.");
                    }
                }
            } catch (InvalidNotificationException unwritable) {
                // Refused at submit by the sender's check; kept here so that no path can write half a frame.
                sender.finishUnsent(entry, unwritable);
                continue;
            }
            if (entry.writes++ > 0) {
                sender.resent.increment();
            }
            written++;
        }
        inFlight = engine.unconfirmed();
        sender.written.add(written);
        flush(c);
    }

    /** Writes the engine's output; false when the connection failed (then it is settled). */
    private boolean flush(GatewayConnection<StreamEntry> c) {
        try {
            c.engine().flushTo(c::write);
            return true;
        } catch (IOException e) {
            settle(c, e);
            return false;
        }
    }

    private void writeSentinel(GatewayConnection<StreamEntry> c) {
        // Its identifier is known before the write: the server may answer it and close before the write returns.
        c.engine().writeSentinel();
        if (flush(c)) {
            c.engine().sentinelFlushed(System.nanoTime());
        }
    }

    private void awaitSentinel(GatewayConnection<StreamEntry> c) throws InterruptedException {
        long left = c.engine().sentinelDeadline() - System.nanoTime();
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
            settle(c, c.engine().sentinelTimeout());
        } else {
            settle(c, null);
        }
    }

    /** The sender's side of the engine's fates. */
    private final class Fates implements BinaryFates<StreamEntry> {
        /** The notification an error response refused on the connection being settled, for its end's report. */
        Notification rejected;

        @Override
        public void accepted(List<StreamEntry> entries) {
            sender.finishAccepted(entries);
            progressOnConnection = true;
        }

        @Override
        public void rejected(StreamEntry entry, Status status) {
            rejected = entry.notification;
            sender.finishRejected(entry, status, null);
            progressOnConnection = true;
        }

        @Override
        public void resend(List<StreamEntry> entries, boolean fateUnknown) {
            sender.requeueFront(entries, fateUnknown);
        }

        @Override
        public void handedBack(List<StreamEntry> entries, DeliveryError error) {
            for (StreamEntry entry : entries) {
                sender.finishUnsent(entry, new NotDeliveredException(error.description(), error.status().orElse(null),
                        error.cause().orElse(null)));
            }
        }
    }

    /** The connection answered with an error response or ended: the engine decides every notification of the window. */
    private void settle(GatewayConnection<StreamEntry> c, Throwable failure) {
        c.close();
        if (failure != null && c.engine().errorResponse() == null) {
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
        inFlight = 0;
        Throwable cause = failure != null ? failure : causeOf(c.closeReason());
        fates.rejected = null;
        BinarySettlement end = c.engine().end(cause, List.of(), fates);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Connection to {} settled: {} unconfirmed, error response {}, sentinel answered {}; {}.",
                    key.endpoint(), end.unanswered(), end.response(), end.sentinelAnswered(), spacing);
        }
        if (end.unattributed() && end.error() != null) {
            LOG.warn("{}", end.error().description());
        }
        reportEnd(c, end.response(), end.sentinelAnswered(), cause, end.unanswered(), fates.rejected);
        if (end.response() == null && cause != null && SessionEngine.isPermanent(cause)) {
            sender.failPermanently(cause);
        }
        if (end.response() != null || progressOnConnection) {
            backoff.reset();
        } else {
            try {
                backOff(backoff.afterUnansweredEnd(end.unanswered() > 0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Tells the sender's listener how the connection ended, unless the sender ended it (its sentinel's answer, an
     * idle close).
     */
    private void reportEnd(GatewayConnection<StreamEntry> c, ErrorResponse response, boolean sentinel, Throwable cause,
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
