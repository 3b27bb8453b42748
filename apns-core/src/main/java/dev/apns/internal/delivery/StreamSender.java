package dev.apns.internal.delivery;

import dev.apns.ApnsSender;
import dev.apns.ConnectionEnded;
import dev.apns.Endpoint;
import dev.apns.Http2Reason;
import dev.apns.NotDeliveredException;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Rejection;
import dev.apns.RejectionReason;
import dev.apns.SenderFullException;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.Status;
import dev.apns.internal.session.SessionEngine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.PriorityQueue;
import java.util.function.BiFunction;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The {@link ApnsSender} behind {@code ApnsSession.sender(...)}: a bounded queue shared by one
 * {@link StreamWorker} per connection. New notifications go to a lock-free queue, so producers and workers
 * do not contend; resends go to a small deque that workers drain first, in their original order, so
 * they are written before newer notifications. Two counters bound what is queued or in flight: a
 * producer takes a place by advancing {@link #submittedCount} (one compare-and-set, which also numbers the
 * notification) while it is less than {@code maxPending} ahead of {@link #finishedCount}, which advances when
 * notifications reach their outcome, in bulk when a sentinel confirms a window. A producer that finds no
 * room waits on {@link #roomFreed}; those that finish notifications signal it only when a producer waits.
 */
public final class StreamSender implements ApnsSender {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSender.class);

    private enum State { RUNNING, DRAINING, STOPPED }

    final SessionEngine session;
    /** Where the notifications go, for messages. */
    final Endpoint endpoint;
    final SenderOptions options;
    private final Consumer<Notification> check;

    /** Notifications given a place so far; the latest one's number. */
    private final AtomicLong submittedCount = new AtomicLong();
    /** Payload bytes of the notifications queued or in flight. */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** Notifications that reached their outcome so far. */
    private final AtomicLong finishedCount = new AtomicLong();
    /** Producers waiting on {@link #roomFreed}; whoever frees room signals only when there are some. */
    private final AtomicInteger waitingProducers = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition roomFreed = lock.newCondition();
    /** New notifications, lock-free. */
    private final ConcurrentLinkedQueue<StreamEntry> fresh = new ConcurrentLinkedQueue<>();
    /** Notifications to write again, before any new one; guarded by {@link #lock}. */
    private final ArrayDeque<StreamEntry> resends = new ArrayDeque<>();
    private volatile int resendCount;
    /** Set once a shutdown has drained the queues for good; guarded by {@link #lock}. */
    private boolean queuesClosed;
    /** Workers waiting on {@link #changed} for work; producers signal only when there are some. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final List<SenderWorker> workers = new ArrayList<>();
    /** Notifications waiting for a retry after a server error, by due time; guarded by {@link #lock}. */
    private final PriorityQueue<StreamEntry> retries = new PriorityQueue<>(Comparator.comparingLong(e -> e.retryAtNanos));
    private volatile int retryCount;
    private volatile State state = State.RUNNING;
    private volatile Throwable permanentFailure;

    final LongAdder written = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder unsent = new LongAdder();
    final LongAdder resent = new LongAdder();
    final LongAdder duplicatesPossible = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder retried = new LongAdder();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

    /**
     * A sender with one worker per connection, made by {@code workers} from this sender and a thread name.
     */
    StreamSender(SessionEngine session, Endpoint endpoint, SenderOptions options,
                 BiFunction<StreamSender, String, SenderWorker> workers) {
        this(session, endpoint, options, workers, notification -> { });
    }

    /**
     * A sender as above that passes each notification to {@code check} before taking it; {@code check} throws to
     * refuse one (nothing is queued then).
     */
    public StreamSender(SessionEngine session, Endpoint endpoint, SenderOptions options,
                        BiFunction<StreamSender, String, SenderWorker> workers, Consumer<Notification> check) {
        this.check = check;
        this.session = session;
        this.endpoint = endpoint;
        this.options = options;
        for (int i = 1; i <= options.connections(); i++) {
            this.workers.add(workers.apply(this, "apns-sender-" + endpoint + "-" + i));
        }
        this.workers.forEach(SenderWorker::start);
    }

    @Override
    public CompletionStage<Outcome> submit(Notification notification) throws InterruptedException {
        // A view: the caller can neither complete nor cancel the entry, which stays the sender's to complete.
        return submitEntry(new StreamEntry(Objects.requireNonNull(notification, "notification")))
                .minimalCompletionStage();
    }

    @Override
    public void submit(Notification notification, Consumer<? super Outcome> listener) throws InterruptedException {
        submitEntry(new StreamEntry(Objects.requireNonNull(notification, "notification"),
                Objects.requireNonNull(listener, "listener"), StreamEntry.TELL_CONSUMER));
    }

    @Override
    public <C> void submit(Notification notification, C context, BiConsumer<? super Outcome, ? super C> listener)
            throws InterruptedException {
        submitEntry(new StreamEntry(Objects.requireNonNull(notification, "notification"), context,
                Objects.requireNonNull(listener, "listener")));
    }

    @Override
    public Optional<CompletionStage<Outcome>> offer(Notification notification) {
        StreamEntry entry = new StreamEntry(Objects.requireNonNull(notification, "notification"));
        return offerEntry(entry) ? Optional.of(entry.minimalCompletionStage()) : Optional.empty();
    }

    @Override
    public boolean offer(Notification notification, Consumer<? super Outcome> listener) {
        return offerEntry(new StreamEntry(Objects.requireNonNull(notification, "notification"),
                Objects.requireNonNull(listener, "listener"), StreamEntry.TELL_CONSUMER));
    }

    @Override
    public <C> boolean offer(Notification notification, C context, BiConsumer<? super Outcome, ? super C> listener) {
        return offerEntry(new StreamEntry(Objects.requireNonNull(notification, "notification"), context,
                Objects.requireNonNull(listener, "listener")));
    }

    private StreamEntry submitEntry(StreamEntry entry) throws InterruptedException {
        requireRunning();
        check.accept(entry.notification);
        if (!tryReserve(entry) && !awaitRoom(entry, options.submitTimeout().toNanos())) {
            throw new SenderFullException("The sender for " + endpoint + " stayed full (" + options.maxPending()
                    + " notifications or " + options.maxPendingBytes() + " payload bytes queued or in flight) for "
                    + options.submitTimeout() + ".");
        }
        enqueue(entry);
        return entry;
    }

    private boolean offerEntry(StreamEntry entry) {
        requireRunning();
        check.accept(entry.notification);
        if (!tryReserve(entry)) {
            return false;
        }
        enqueue(entry);
        return true;
    }

    /** Takes a place for {@code entry} and numbers it, if fewer than {@code maxPending} are pending. */
    private boolean tryReserve(StreamEntry entry) {
        long max = options.maxPending();
        int size = entry.notification.payload().size();
        while (true) {
            long submitted = submittedCount.get();
            if (submitted - finishedCount.get() >= max) {
                return false;
            }
            long bytes = pendingBytes.get();
            if (bytes > 0 && bytes + size > options.maxPendingBytes()) {
                return false;
            }
            if (submittedCount.compareAndSet(submitted, submitted + 1)) {
                entry.sequence = submitted + 1;
                pendingBytes.addAndGet(size);
                return true;
            }
        }
    }

    /** {@link #tryReserve} again and again until it succeeds, at most {@code timeoutNanos}. */
    private boolean awaitRoom(StreamEntry entry, long timeoutNanos) throws InterruptedException {
        long left = timeoutNanos;
        lock.lockInterruptibly();
        try {
            waitingProducers.incrementAndGet();
            try {
                while (!tryReserve(entry)) {
                    requireRunning();
                    if (left <= 0) {
                        return false;
                    }
                    left = roomFreed.awaitNanos(left);
                }
                return true;
            } finally {
                waitingProducers.decrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    private long pending() {
        return submittedCount.get() - finishedCount.get();
    }

    private void enqueue(StreamEntry entry) {
        if (!options.deadline().isZero()) {
            entry.hasDeadline = true;
            entry.deadlineNanos = System.nanoTime() + options.deadline().toNanos();
        }
        boolean queued = state == State.RUNNING && permanentFailure == null;
        if (queued) {
            fresh.add(entry);
            if (waiting.get() > 0) {
                wake();
            }
            if (state != State.RUNNING || permanentFailure != null) {
                // Raced with a shutdown or a permanent failure: whoever drains the queue now may have missed it.
                queued = !fresh.remove(entry);
            }
        }
        if (!queued) {
            // Raced with a shutdown or a permanent failure: finish it at once, never strand it.
            Throwable failure = permanentFailure;
            finishUnsent(entry, failure != null ? failure
                    : new NotDeliveredException("The sender was shut down before this notification was sent.", null, null));
        }
    }

    @Override
    public SenderMetrics metrics() {
        Map<String, Long> byReason = new java.util.TreeMap<>();
        rejected.forEach((reason, count) -> byReason.put(reason, count.sum()));
        long inFlight = workers.stream().mapToLong(SenderWorker::inFlight).sum();
        int open = (int) workers.stream().filter(SenderWorker::isConnected).count();
        return new SenderMetrics(submittedCount.get(), written.sum(), accepted.sum(), byReason, unsent.sum(), resent.sum(),
                duplicatesPossible.sum(), pending(), inFlight, open, reconnects.sum(), retried.sum(),
                workers.stream().mapToLong(SenderWorker::roundTripNanos).filter(rtt -> rtt >= 0).max().orElse(-1));
    }

    @Override
    public List<Notification> shutdown(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        lock.lock();
        try {
            if (state == State.RUNNING) {
                state = State.DRAINING;
                changed.signalAll();
                roomFreed.signalAll(); // producers waiting for room give up: the sender takes no more
            }
            while (state == State.DRAINING && pending() > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            state = State.STOPPED;
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = State.STOPPED;
        } finally {
            lock.unlock();
        }
        List<StreamEntry> left = new ArrayList<>();
        for (SenderWorker worker : workers) {
            left.addAll(worker.stop());
        }
        left.addAll(drainQueuesForGood());
        left.sort(Comparator.comparingLong(entry -> entry.sequence));
        List<Notification> unsentNotifications = new ArrayList<>(left.size());
        for (StreamEntry entry : left) {
            String why = entry.fateUnknown
                    ? "The sender was shut down before this notification was answered; it was written, so it may or "
                    + "may not have been delivered."
                    : "The sender was shut down before this notification was written.";
            if (finishUnsent(entry, new NotDeliveredException(why, null, null))) {
                unsentNotifications.add(entry.notification);
            }
        }
        session.forget(this);
        return unsentNotifications;
    }

    // ---- for workers ----

    boolean isStopped() {
        return state == State.STOPPED;
    }

    /**
     * Up to {@code max} entries, resends first, waiting at most {@code waitNanos} while there are none.
     */
    List<StreamEntry> take(int max, long waitNanos, List<StreamEntry> into) throws InterruptedException {
        if (waitNanos > 0 && !hasQueued() && state != State.STOPPED) {
            lock.lock();
            try {
                waiting.incrementAndGet();
                try {
                    if (!hasQueued() && state != State.STOPPED) {
                        changed.awaitNanos(waitNanos);
                    }
                } finally {
                    waiting.decrementAndGet();
                }
            } finally {
                lock.unlock();
            }
        }
        if (state == State.STOPPED) {
            return into;
        }
        if (retryCount > 0) {
            moveDueRetries(System.nanoTime());
        }
        if (resendCount > 0) {
            lock.lock();
            try {
                while (into.size() < max && !resends.isEmpty()) {
                    into.add(resends.pollFirst());
                }
                resendCount = resends.size();
            } finally {
                lock.unlock();
            }
        }
        StreamEntry entry;
        while (into.size() < max && (entry = fresh.poll()) != null) {
            into.add(entry);
        }
        if (!options.deadline().isZero() && !into.isEmpty()) {
            dropPastDeadline(into, System.nanoTime());
        }
        return into;
    }

    boolean hasQueued() {
        return resendCount > 0 || !fresh.isEmpty();
    }

    /**
     * Waits until {@code ready} holds or {@link #wake()} is called, at most {@code nanos}; {@code ready} is tested
     * under the lock that {@link #wakeIfWaiting()} signals under, so no wake-up is lost between test and wait.
     */
    void awaitUntil(java.util.function.BooleanSupplier ready, long nanos) throws InterruptedException {
        lock.lock();
        try {
            waiting.incrementAndGet();
            try {
                long left = nanos;
                while (left > 0 && state != State.STOPPED && !ready.getAsBoolean()) {
                    left = changed.awaitNanos(left);
                }
            } finally {
                waiting.decrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #wake()}, but only when a worker waits: one volatile read on the hot path otherwise. */
    void wakeIfWaiting() {
        if (waiting.get() > 0) {
            wake();
        }
    }

    /** Ends the entries whose deadline has passed, and removes them from {@code entries}. */
    private void dropPastDeadline(List<StreamEntry> entries, long now) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            StreamEntry entry = entries.get(i);
            if (entry.hasDeadline && now - entry.deadlineNanos > 0) {
                entries.remove(i);
                finishUnsent(entry, new NotDeliveredException("Not sent within its deadline of " + options.deadline()
                        + " after submission.", null, null));
            }
        }
    }

    /**
     * Puts an entry aside until {@code atNanos}, then in front of new notifications (a retry after a server error);
     * returns false, and puts nothing aside, when its deadline comes first.
     */
    boolean retryLater(StreamEntry entry, long atNanos) {
        if (entry.hasDeadline && atNanos - entry.deadlineNanos > 0) {
            return false;
        }
        retried.increment();
        lock.lock();
        try {
            entry.retryAtNanos = atNanos;
            retries.add(entry);
            retryCount = retries.size();
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** When the earliest retry is due, or {@link Long#MAX_VALUE} when none waits. */
    long nextRetryNanos() {
        if (retryCount == 0) {
            return Long.MAX_VALUE;
        }
        lock.lock();
        try {
            StreamEntry first = retries.peek();
            return first == null ? Long.MAX_VALUE : first.retryAtNanos;
        } finally {
            lock.unlock();
        }
    }

    private void moveDueRetries(long now) {
        lock.lock();
        try {
            List<StreamEntry> due = new ArrayList<>();
            while (!retries.isEmpty() && retries.peek().retryAtNanos - now <= 0) {
                due.add(retries.poll());
            }
            for (int i = due.size() - 1; i >= 0; i--) {
                resends.addFirst(due.get(i));
            }
            retryCount = retries.size();
            resendCount = resends.size();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #drainQueues()} at the end of a shutdown: what is put back later is finished at once, not queued. */
    private List<StreamEntry> drainQueuesForGood() {
        lock.lock();
        try {
            queuesClosed = true;
            return drainQueues();
        } finally {
            lock.unlock();
        }
    }

    /** Everything queued, resends first; the queues are empty afterwards. */
    private List<StreamEntry> drainQueues() {
        List<StreamEntry> drained = new ArrayList<>();
        lock.lock();
        try {
            drained.addAll(resends);
            resends.clear();
            resendCount = 0;
            drained.addAll(retries);
            retries.clear();
            retryCount = 0;
        } finally {
            lock.unlock();
        }
        StreamEntry entry;
        while ((entry = fresh.poll()) != null) {
            drained.add(entry);
        }
        return drained;
    }

    /**
     * Puts entries back at the front, keeping their order, for a new connection to write first. With
     * {@code blind}, the server may or may not have had them; an entry resent blindly too often ends unsent.
     */
    void requeueFront(List<StreamEntry> entries, boolean blind) {
        if (entries.isEmpty()) {
            return;
        }
        List<StreamEntry> giveUp = new ArrayList<>();
        boolean stopped;
        lock.lock();
        try {
            stopped = queuesClosed;
            for (int i = entries.size() - 1; i >= 0 && !stopped; i--) {
                StreamEntry entry = entries.get(i);
                if (blind) {
                    entry.fateUnknown = true;
                }
                if (blind && ++entry.blindResends > options.maxBlindResends()) {
                    giveUp.add(entry);
                } else {
                    resends.addFirst(entry);
                    if (blind) {
                        duplicatesPossible.increment();
                    }
                }
            }
            resendCount = resends.size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (stopped) {
            // The shutdown drained the queues for good already: nobody would write or return these.
            for (StreamEntry entry : entries) {
                finishUnsent(entry, new NotDeliveredException("The sender was shut down before this notification was "
                        + "answered.", null, null));
            }
            return;
        }
        for (StreamEntry entry : giveUp) {
            finishUnsent(entry, new NotDeliveredException("Resent " + options.maxBlindResends() + " times after "
                    + "connections ended without saying what became of it; given up.", null, null));
        }
    }

    /** Wakes workers and a draining shutdown. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A worker's connect failed: when no reconnect can heal it, fails the sender for good and returns true;
     * otherwise logs it and returns false, and the worker backs off ({@code retryNanos}, for the message) and tries
     * again.
     */
    boolean connectFailed(Endpoint endpoint, Exception failure, long retryNanos) {
        if (SessionEngine.isPermanent(failure)) {
            failPermanently(failure);
            return true;
        }
        LOG.debug("Connecting to {} failed: {}; retrying in {} ms.", endpoint, failure.toString(),
                TimeUnit.NANOSECONDS.toMillis(retryNanos));
        return false;
    }

    /** A failure reconnecting cannot heal: every queued notification ends unsent with it, and so do later ones. */
    void failPermanently(Throwable cause) {
        if (permanentFailure == null) {
            permanentFailure = new NotDeliveredException("Not sent: the connection to " + endpoint + " was refused in "
                    + "a way that retrying cannot heal (" + cause.getMessage() + "); the sender takes nothing more.",
                    null, cause);
            LOG.error("The sender for {} stops: {}", endpoint, cause.toString());
        }
        List<StreamEntry> drained = drainQueues();
        wake();
        for (StreamEntry entry : drained) {
            finishUnsent(entry, permanentFailure);
        }
    }

    Throwable permanentFailure() {
        return permanentFailure;
    }

    void finishAccepted(StreamEntry entry) {
        if (entry.claim()) {
            accepted.increment();
            release(1, entry.notification.payload().size());
            entry.deliver(Outcome.accepted(entry.notification));
        }
    }

    /** Accepted with the server's answer (HTTP/2). */
    void finishAccepted(StreamEntry entry, String apnsId, String uniqueId) {
        if (entry.claim()) {
            accepted.increment();
            release(1, entry.notification.payload().size());
            entry.deliver(Outcome.accepted(entry.notification, apnsId, uniqueId));
        }
    }

    /** {@link #finishAccepted} for many at once: one count and one release for all of them. */
    void finishAccepted(Collection<StreamEntry> entries) {
        List<StreamEntry> claimed = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            if (entry.claim()) {
                claimed.add(entry);
            }
        }
        if (claimed.isEmpty()) {
            return;
        }
        accepted.add(claimed.size());
        long bytes = 0;
        for (StreamEntry entry : claimed) {
            bytes += entry.notification.payload().size();
        }
        release(claimed.size(), bytes);
        for (StreamEntry entry : claimed) {
            entry.deliver(Outcome.accepted(entry.notification));
        }
    }

    /** Tells the user's listener that a connection ended (see {@link SenderOptions#connectionsEnded()}). */
    void connectionEnded(Endpoint endpoint, String reason, String detail, int unanswered, Notification cause) {
        ConnectionEnded event = new ConnectionEnded(endpoint, Instant.now(), reason, detail, unanswered,
                Optional.ofNullable(cause));
        try {
            options.connectionsEnded().accept(event);
        } catch (RuntimeException e) {
            LOG.warn("The connection-ended listener threw when told of {}; nothing else changes.", event, e);
        }
    }

    void finishRejected(StreamEntry entry, RejectionReason reason, String apnsId) {
        if (entry.claim()) {
            rejected.computeIfAbsent(metricKey(reason), c -> new LongAdder()).increment();
            release(1, entry.notification.payload().size());
            if (reason.tokenIsInvalid()) {
                Rejection rejection = new Rejection(entry.notification.token(), reason);
                try {
                    options.invalidTokens().accept(rejection);
                } catch (RuntimeException e) {
                    LOG.warn("The invalid-token listener threw when told '{}'; the outcome stands.",
                            rejection.explanation(), e);
                }
            }
            entry.deliver(Outcome.rejected(entry.notification, reason, apnsId));
        }
    }

    /**
     * The key of a rejection in {@link SenderMetrics#rejected()}: a binary status's code in decimal, an HTTP/2
     * reason's string (or its HTTP status when the server gave none).
     */
    static String metricKey(RejectionReason reason) {
        if (reason instanceof Status status) {
            return Integer.toString(status.code());
        }
        Http2Reason http2 = (Http2Reason) reason;
        return http2.reason().isEmpty() ? Integer.toString(http2.status()) : http2.reason();
    }

    /** Unsent; {@code possiblyDelivered} is taken from the entry (it was written once with no answer). */
    boolean finishUnsent(StreamEntry entry, Throwable cause) {
        return finishUnsent(entry, cause, null);
    }

    /** Unsent after the server's last refusal {@code reason} (may be null). */
    boolean finishUnsent(StreamEntry entry, Throwable cause, RejectionReason reason) {
        if (entry.claim()) {
            unsent.increment();
            release(1, entry.notification.payload().size());
            entry.deliver(Outcome.unsent(entry.notification, cause, reason, entry.fateUnknown));
            return true;
        }
        return false;
    }

    private void release(int count, long bytes) {
        pendingBytes.addAndGet(-bytes);
        finishedCount.addAndGet(count);
        if (waitingProducers.get() > 0) {
            lock.lock();
            try {
                roomFreed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        if (state == State.DRAINING) {
            wake();
        }
    }

    private void requireRunning() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("This ApnsSender is shut down.");
        }
    }
}
