package dev.apns.internal;

import dev.apns.ApnsSender;
import dev.apns.NotDeliveredException;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.SenderFullException;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.Status;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
final class StreamSender implements ApnsSender {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSender.class);

    private enum State { RUNNING, DRAINING, STOPPED }

    final SessionEngine session;
    final PoolKey key;
    final SenderOptions options;

    /** Notifications given a place so far; the latest one's number. */
    private final AtomicLong submittedCount = new AtomicLong();
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
    /** Workers waiting on {@link #changed} for work; producers signal only when there are some. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final List<StreamWorker> workers = new ArrayList<>();
    private volatile State state = State.RUNNING;
    private volatile Throwable permanentFailure;

    final LongAdder written = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder unsent = new LongAdder();
    final LongAdder resent = new LongAdder();
    final LongAdder duplicatesPossible = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    private final Map<Integer, LongAdder> rejected = new ConcurrentHashMap<>();

    StreamSender(SessionEngine session, PoolKey key, SenderOptions options) {
        this.session = session;
        this.key = key;
        this.options = options;
        for (int i = 1; i <= options.connections(); i++) {
            StreamWorker worker = new StreamWorker(this, "apns-sender-" + key.endpoint() + "-" + i);
            workers.add(worker);
        }
        workers.forEach(StreamWorker::start);
    }

    @Override
    public CompletableFuture<Outcome> submit(Notification notification) throws InterruptedException {
        return submitEntry(new StreamEntry(Objects.requireNonNull(notification, "notification"), null));
    }

    @Override
    public void submit(Notification notification, Consumer<? super Outcome> listener) throws InterruptedException {
        submitEntry(new StreamEntry(Objects.requireNonNull(notification, "notification"),
                Objects.requireNonNull(listener, "listener")));
    }

    @Override
    public Optional<CompletableFuture<Outcome>> offer(Notification notification) {
        StreamEntry entry = new StreamEntry(Objects.requireNonNull(notification, "notification"), null);
        return offerEntry(entry) ? Optional.of(entry) : Optional.empty();
    }

    @Override
    public boolean offer(Notification notification, Consumer<? super Outcome> listener) {
        return offerEntry(new StreamEntry(Objects.requireNonNull(notification, "notification"),
                Objects.requireNonNull(listener, "listener")));
    }

    private StreamEntry submitEntry(StreamEntry entry) throws InterruptedException {
        requireRunning();
        if (!tryReserve(entry) && !awaitRoom(entry, options.submitTimeout().toNanos())) {
            throw new SenderFullException("The sender for " + key.endpoint() + " stayed full (" + options.maxPending()
                    + " notifications queued or in flight) for " + options.submitTimeout() + ".");
        }
        enqueue(entry);
        return entry;
    }

    private boolean offerEntry(StreamEntry entry) {
        requireRunning();
        if (!tryReserve(entry)) {
            return false;
        }
        enqueue(entry);
        return true;
    }

    /** Takes a place for {@code entry} and numbers it, if fewer than {@code maxPending} are pending. */
    private boolean tryReserve(StreamEntry entry) {
        long max = options.maxPending();
        while (true) {
            long submitted = submittedCount.get();
            if (submitted - finishedCount.get() >= max) {
                return false;
            }
            if (submittedCount.compareAndSet(submitted, submitted + 1)) {
                entry.sequence = submitted + 1;
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
        Map<Integer, Long> byStatus = new java.util.TreeMap<>();
        rejected.forEach((code, count) -> byStatus.put(code, count.sum()));
        long inFlight = workers.stream().mapToLong(StreamWorker::inFlight).sum();
        int open = (int) workers.stream().filter(StreamWorker::isConnected).count();
        return new SenderMetrics(submittedCount.get(), written.sum(), accepted.sum(), byStatus, unsent.sum(), resent.sum(),
                duplicatesPossible.sum(), pending(), inFlight, open,
                reconnects.sum());
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
        for (StreamWorker worker : workers) {
            left.addAll(worker.stop());
        }
        left.addAll(drainQueues());
        left.sort(Comparator.comparingLong(entry -> entry.sequence));
        List<Notification> unsentNotifications = new ArrayList<>(left.size());
        for (StreamEntry entry : left) {
            if (finishUnsent(entry, new NotDeliveredException("The sender was shut down before this notification was "
                    + "confirmed; it may or may not have been delivered.", null, null))) {
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
        return into;
    }

    boolean hasQueued() {
        return resendCount > 0 || !fresh.isEmpty();
    }

    /** Everything queued, resends first; the queues are empty afterwards. */
    private List<StreamEntry> drainQueues() {
        List<StreamEntry> drained = new ArrayList<>();
        lock.lock();
        try {
            drained.addAll(resends);
            resends.clear();
            resendCount = 0;
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
        lock.lock();
        try {
            for (int i = entries.size() - 1; i >= 0; i--) {
                StreamEntry entry = entries.get(i);
                if (blind && ++entry.blindResends > options.maxBlindResends()) {
                    giveUp.add(entry);
                } else {
                    resends.addFirst(entry);
                }
            }
            resendCount = resends.size();
            changed.signalAll();
        } finally {
            lock.unlock();
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

    /** A failure reconnecting cannot heal: every queued notification ends unsent with it, and so do later ones. */
    void failPermanently(Throwable cause) {
        if (permanentFailure == null) {
            permanentFailure = cause;
            LOG.error("The sender for {} stops: {}", key.endpoint(), cause.toString());
        }
        List<StreamEntry> drained = drainQueues();
        wake();
        for (StreamEntry entry : drained) {
            finishUnsent(entry, cause);
        }
    }

    Throwable permanentFailure() {
        return permanentFailure;
    }

    void finishAccepted(StreamEntry entry) {
        if (entry.claim()) {
            accepted.increment();
            release(1);
            entry.deliver(Outcome.accepted(entry.notification));
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
        release(claimed.size());
        for (StreamEntry entry : claimed) {
            entry.deliver(Outcome.accepted(entry.notification));
        }
    }

    void finishRejected(StreamEntry entry, Status status) {
        if (entry.claim()) {
            rejected.computeIfAbsent(status.code(), c -> new LongAdder()).increment();
            release(1);
            entry.deliver(Outcome.rejected(entry.notification, status));
        }
    }

    boolean finishUnsent(StreamEntry entry, Throwable cause) {
        if (entry.claim()) {
            unsent.increment();
            release(1);
            entry.deliver(Outcome.unsent(entry.notification, cause));
            return true;
        }
        return false;
    }

    private void release(int count) {
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
