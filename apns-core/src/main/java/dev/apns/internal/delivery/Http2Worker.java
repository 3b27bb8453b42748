package dev.apns.internal.delivery;

import dev.apns.Endpoint;
import dev.apns.Http2Reason;
import dev.apns.NotDeliveredException;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One HTTP/2 connection slot of a {@link StreamSender} and the thread that feeds it: takes notifications from
 * the sender's queue while the connection has streams to spare, starts a stream for each, writes what the
 * engine produces, and settles each notification when its answer arrives (on the backend's thread, through
 * {@link Http2Link}). After a GOAWAY the old connection drains while a new one takes over; a connection that
 * dies, breaks the protocol or leaves an answer overdue is closed and its unanswered notifications are sent
 * again. Reconnects back off exponentially with jitter, reset by any answered notification.
 */
public final class Http2Worker implements SenderWorker, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Http2Worker.class);
    private static final int TAKE_AT_ONCE = 256;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int SMALL_TAKE = 32;
    private static final long COALESCE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** How often a connection's round trip is measured with a PING (besides the engine's PING after idleness). */
    private static final long RTT_PROBE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final StreamSender sender;
    private final Http2Target target;
    private final Thread thread;
    private final List<StreamEntry> batch = new ArrayList<>(TAKE_AT_ONCE);
    private final List<Http2Link> draining = new ArrayList<>();
    private final List<StreamEntry> leftovers = new ArrayList<>();
    private final List<StreamEntry> refused = new ArrayList<>();
    private final List<RuntimeException> refusals = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private final long requestTimeoutNanos;
    private volatile Http2Link current;
    /** True while the thread waits for a connect: it holds no notification then. */
    private volatile boolean connecting;
    private boolean everConnected;
    private final Backoff backoff;
    private long nextTickNanos;
    private long nextProbeNanos;

    public Http2Worker(StreamSender sender, Http2Target target, String name) {
        this.sender = sender;
        this.target = target;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
        this.backoff = new Backoff(sender.options.reconnectBackoff(), sender.options.maxReconnectBackoff());
        this.requestTimeoutNanos = sender.options.requestTimeout().toNanos();
    }

    /** Reports a connection the server ended or that broke to the sender's listener. */
    void connectionEnded(String reason, String detail, int unanswered) {
        sender.connectionEnded(target.endpoint(), reason, detail, unanswered, null);
    }

    Endpoint endpoint() {
        return target.endpoint();
    }

    @Override
    public void start() {
        sender.session.track(thread);
        thread.start();
    }

    @Override
    public long inFlight() {
        Http2Link link = current;
        long count = link == null ? 0 : link.inFlight();
        for (Http2Link old : List.copyOf(draining)) {
            count += old.inFlight();
        }
        return count;
    }

    /** The last measured PING round trip of the current connection in nanoseconds, or -1. */
    @Override
    public long roundTripNanos() {
        Http2Link link = current;
        return link == null ? -1 : link.roundTripNanos();
    }

    @Override
    public boolean isConnected() {
        Http2Link link = current;
        return link != null && link.usable();
    }

    @Override
    public List<StreamEntry> stop() {
        List<Http2Link> links = new ArrayList<>(draining);
        Http2Link link = current;
        if (link != null) {
            links.add(link);
        }
        // Take what is in flight before closing, so that it comes back here rather than through onClosed.
        for (Http2Link l : links) {
            for (StreamEntry entry : l.abandon()) {
                entry.fateUnknown = true;
                leftovers.add(entry);
            }
            Connection c = l.connection();
            if (c != null) {
                c.close();
            }
        }
        sender.wake();
        if (connecting) {
            // Waiting for a connect, the thread holds nothing: do not let a stalled handshake hold the shutdown.
            thread.interrupt();
        }
        try {
            thread.join(connecting ? StreamWorker.CONNECTING_JOIN_MILLIS : TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive() && !connecting) {
            LOG.warn("Sender thread {} did not stop within 5 s.", thread.getName());
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
                    // A defect, not a network failure: replace the connection (its notifications go again) and go on,
                    // so that one bad moment never stops the sender for good.
                    LOG.error("Sender thread {} failed on {}; the connection is replaced.", thread.getName(),
                            target.endpoint(), e);
                    if (!batch.isEmpty()) {
                        sender.requeueFront(new ArrayList<>(batch), false);
                        batch.clear();
                    }
                    Http2Link link = current;
                    if (link != null) {
                        link.fail("The sender thread failed: " + e);
                    }
                    backOff();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            leftovers.addAll(batch);
            batch.clear();
            sender.session.untrack(thread);
        }
    }

    private void step() throws InterruptedException {
        long now = System.nanoTime();
        serviceDraining(now);
        Http2Link link = current;
        if (link != null && !link.usable()) {
            retire(link);
            return;
        }
        if (link == null) {
            if (sender.permanentFailure() != null || (!sender.hasQueued() && sender.nextRetryNanos() == Long.MAX_VALUE)) {
                sender.take(0, TICK_NANOS, batch);
                return;
            }
            connect();
            return;
        }
        if (now - nextTickNanos >= 0) {
            nextTickNanos = now + TICK_NANOS;
            tick(link, now);
        }
        if (link.outputHint() && !flush(link)) {
            return;
        }
        if (!link.roomHint()) {
            sender.awaitUntil(() -> link.roomHint() || link.outputHint() || !link.usable(), TICK_NANOS);
            return;
        }
        batch.clear();
        sender.take(TAKE_AT_ONCE, TICK_NANOS, batch);
        if (batch.isEmpty()) {
            return;
        }
        int taken = link.start(batch, target, sender.options.http2(), System.nanoTime(), refused, refusals);
        if (taken < batch.size()) {
            sender.requeueFront(new ArrayList<>(batch.subList(taken, batch.size())), false);
        }
        int started = taken - refused.size();
        for (int i = 0; i < taken; i++) {
            StreamEntry entry = batch.get(i);
            if (!refused.contains(entry) && entry.writes++ > 0) {
                sender.resent.increment();
            }
        }
        for (int i = 0; i < refused.size(); i++) {
            StreamEntry entry = refused.get(i);
            sender.finishUnsent(entry, new NotDeliveredException("This notification cannot be sent as an HTTP/2 request: "
                    + refusals.get(i).getMessage(), null, refusals.get(i)));
        }
        refused.clear();
        refusals.clear();
        sender.written.add(started);
        batch.clear();
        flush(link);
        if (started < SMALL_TAKE) {
            LockSupport.parkNanos(COALESCE_NANOS);
        }
    }

    /** Writes all the link's queued output; false when the write failed (the link is then failed). */
    private boolean flush(Http2Link link) {
        Connection connection = link.connection();
        boolean more = true;
        while (more) {
            buffer.clear();
            more = link.produce(buffer);
            buffer.flip();
            if (!buffer.hasRemaining()) {
                return true;
            }
            try {
                connection.write(buffer);
            } catch (IOException e) {
                link.fail("Writing to " + target.endpoint() + " failed: " + e.getMessage());
                return false;
            }
        }
        return true;
    }

    private void tick(Http2Link link, long now) {
        if (link == current && now - nextProbeNanos >= 0) {
            nextProbeNanos = now + RTT_PROBE_NANOS;
            link.ping(now);
        }
        long oldest = link.tick(now);
        if (oldest >= 0 && now - oldest > requestTimeoutNanos) {
            String why = "No answer from " + target.endpoint() + " within " + sender.options.requestTimeout()
                    + "; the connection is taken as stuck and replaced.";
            LOG.warn(why);
            link.fail(why);
        } else if (link.failure() != null) {
            link.fail(link.failure());
        }
    }

    /** Flushes and times the connections that are going away; closes each once it has nothing in flight. */
    private void serviceDraining(long now) {
        for (int i = draining.size() - 1; i >= 0; i--) {
            Http2Link old = draining.get(i);
            if (old.isClosed()) {
                draining.remove(i);
                continue;
            }
            if (old.outputHint()) {
                flush(old);
            }
            tick(old, now);
            if (old.drained()) {
                old.connection().close();
            }
        }
    }

    /** The current connection can take no more streams: let it drain (GOAWAY) or close it, and back off if it made no progress. */
    private void retire(Http2Link link) throws InterruptedException {
        current = null;
        if (link.failure() != null) {
            flush(link); // a GOAWAY the engine queued for a protocol error
            if (link.isProtocolFailure()) {
                connectionEnded("ProtocolError", "The server at " + target.endpoint() + " broke the HTTP/2 protocol ("
                        + link.failure() + "); the connection was closed.", link.inFlight());
            } else {
                connectionEnded("ConnectionError", "The connection to " + target.endpoint() + " failed ("
                        + link.failure() + "); it was closed.", link.inFlight());
            }
            link.fail(link.failure());
        } else if (!link.isClosed()) {
            draining.add(link);
        }
        if (link.answered() > 0) {
            backoff.reset();
        } else if (!link.isGoneAway() || link.isClosed()) {
            backOff();
        }
    }

    private void connect() throws InterruptedException {
        Http2Link link = new Http2Link(this, target.engine());
        connecting = true;
        try {
            Connection connection = sender.session.connectHttp2(target, link);
            if (sender.isStopped()) {
                connection.close();
                return;
            }
            link.attach(connection);
            if (everConnected) {
                sender.reconnects.increment();
            }
            everConnected = true;
            current = link;
            nextTickNanos = System.nanoTime() + TICK_NANOS;
            nextProbeNanos = System.nanoTime();
            flush(link);
        } catch (IOException | RuntimeException e) {
            if (!sender.connectFailed(target.endpoint(), e, backoff.stepNanos())) {
                backOff();
            }
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
            sender.awaitUntil(() -> false, Math.min(left, TICK_NANOS));
            serviceDraining(System.nanoTime());
        }
    }

    void wakeIfWaiting() {
        sender.wakeIfWaiting();
    }

    // ---- the backend's threads ----

    /** Gives each answered notification its outcome, or puts it back as Apple's rules say. */
    void settle(List<Http2Link.Answer> answers) {
        for (Http2Link.Answer answer : answers) {
            StreamEntry entry = answer.entry();
            if (answer.failure() != null) {
                if (answer.processed()) {
                    entry.fateUnknown = true;
                }
                sender.requeueFront(List.of(entry), answer.processed());
            } else if (answer.status() == 200) {
                sender.finishAccepted(entry, Http2Exchange.header(answer.headers(), "apns-id"),
                        Http2Exchange.header(answer.headers(), "apns-unique-id"));
            } else {
                refused(entry, Http2Exchange.reason(answer.status(), answer.body()),
                        Http2Exchange.header(answer.headers(), "apns-id"));
            }
        }
    }

    private void refused(StreamEntry entry, Http2Reason reason, String apnsId) {
        Http2Reason.Code code = reason.code();
        if (code == Http2Reason.Code.EXPIRED_PROVIDER_TOKEN && target.tokens() != null && !entry.tokenRenewed) {
            entry.tokenRenewed = true;
            target.tokens().expired(entry.token);
            sender.requeueFront(List.of(entry), false);
        } else if (reason.isRetryable() || code == Http2Reason.Code.TOO_MANY_PROVIDER_TOKEN_UPDATES) {
            long wait = Backoff.retryWaitNanos(sender.options.serverRetryBackoff(), sender.options.maxReconnectBackoff(),
                    entry.serverRetries + 1);
            if (entry.serverRetries < sender.options.maxServerRetries()
                    && sender.retryLater(entry, System.nanoTime() + wait)) {
                entry.serverRetries++;
            } else if (entry.serverRetries < sender.options.maxServerRetries()) {
                sender.finishUnsent(entry, new NotDeliveredException("The server answered " + reason.description()
                        + " and the next retry would come after the notification's deadline.", null, null), reason);
            } else {
                sender.finishUnsent(entry, new NotDeliveredException("The server answered " + reason.description()
                        + " " + (entry.serverRetries + 1) + " times; given up after " + entry.serverRetries
                        + " retries. Send it again later.", null, null), reason);
            }
        } else {
            sender.finishRejected(entry, reason, apnsId);
        }
    }

    /** The link's connection ended: whatever was in flight on it goes again, its fate unknown. */
    void linkClosed(Http2Link link, List<StreamEntry> left) {
        if (!left.isEmpty()) {
            for (StreamEntry entry : left) {
                entry.fateUnknown = true;
            }
            CloseReason reason = link.closeReason();
            LOG.debug("Connection to {} ended ({}) with {} notifications unanswered; they go again.", target.endpoint(),
                    reason, left.size());
            sender.requeueFront(left, true);
        }
        sender.wake();
    }
}
