package dev.apns.mock.h2;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * What a {@link MockApnsHttp2Server} saw: counters (atomic, cheap enough for a benchmark's every request), the
 * recordings when recording is on, the open connections, and waiting for any of them without polling (waiters are
 * woken only when someone waits). Thread-safe.
 */
final class Observations {
    private final boolean recording;
    private final Set<MockHttp2Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong acceptedCount = new AtomicLong();
    private final AtomicLong rejectedCount = new AtomicLong();
    private final AtomicLong resetCount = new AtomicLong();
    private final AtomicInteger connectionSerial = new AtomicInteger();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private final AtomicInteger refusedConnections = new AtomicInteger();
    private final AtomicInteger handshakeFailures = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile int waiters;
    private final List<AcceptedNotification> accepted = new ArrayList<>(); // guarded by lock
    private final List<RejectedRequest> rejected = new ArrayList<>(); // guarded by lock

    Observations(boolean recording) {
        this.recording = recording;
    }

    boolean recording() {
        return recording;
    }

    Set<MockHttp2Connection> connections() {
        return connections;
    }

    long requests() {
        return requests.get();
    }

    long nextRequestNumber() {
        return requests.incrementAndGet();
    }

    int nextConnectionNumber() {
        return connectionSerial.incrementAndGet();
    }

    List<AcceptedNotification> accepted() {
        lock.lock();
        try {
            return List.copyOf(accepted);
        } finally {
            lock.unlock();
        }
    }

    List<RejectedRequest> rejected() {
        lock.lock();
        try {
            return List.copyOf(rejected);
        } finally {
            lock.unlock();
        }
    }

    long acceptedCount() {
        return acceptedCount.get();
    }

    long rejectedCount() {
        return rejectedCount.get();
    }

    long resetCount() {
        return resetCount.get();
    }

    int connectionsAccepted() {
        return connectionsAccepted.get();
    }

    int refusedConnections() {
        return refusedConnections.get();
    }

    int handshakeFailures() {
        return handshakeFailures.get();
    }

    /** Counts and records an accepted notification. */
    void accepted(AcceptedNotification notification) {
        if (recording) {
            lock.lock();
            try {
                accepted.add(notification);
            } finally {
                lock.unlock();
            }
        }
        countAccepted();
    }

    void countAccepted() {
        acceptedCount.incrementAndGet();
        wakeWaiters();
    }

    void countRejected(RejectedRequest request) {
        rejectedCount.incrementAndGet();
        if (recording) {
            lock.lock();
            try {
                rejected.add(request);
            } finally {
                lock.unlock();
            }
        }
        wakeWaiters();
    }

    void countReset() {
        resetCount.incrementAndGet();
        wakeWaiters();
    }

    void countRefused() {
        refusedConnections.incrementAndGet();
        wakeWaiters();
    }

    void countHandshakeFailure() {
        handshakeFailures.incrementAndGet();
        wakeWaiters();
    }

    void connectionOpened(MockHttp2Connection connection) {
        connections.add(connection);
        connectionsAccepted.incrementAndGet();
        wakeWaiters();
    }

    void connectionClosed(MockHttp2Connection connection) {
        if (connections.remove(connection)) {
            wakeWaiters();
        }
    }

    /** Forgets every count and recording; request numbers start from 1 again. */
    void clear() {
        lock.lock();
        try {
            requests.set(0);
            acceptedCount.set(0);
            rejectedCount.set(0);
            resetCount.set(0);
            connectionsAccepted.set(0);
            refusedConnections.set(0);
            handshakeFailures.set(0);
            accepted.clear();
            rejected.clear();
        } finally {
            lock.unlock();
        }
    }

    boolean awaitUntil(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            waiters++;
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return condition.getAsBoolean();
        } finally {
            waiters--;
            lock.unlock();
        }
    }

    private void wakeWaiters() {
        if (waiters > 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
