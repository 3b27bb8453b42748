package dev.apns.internal.binary;

import dev.apns.internal.session.PoolKey;


import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The idle gateway connections of a session, per {@link PoolKey}, most recently used first, plus the set
 * of every open one. Thread-safe; the lock is never held while doing I/O (connections are closed after
 * it is released).
 */
public final class ConnectionPool {
    private final Map<PoolKey, Deque<GatewayConnection<Integer>>> idle = new HashMap<>();
    private final Set<GatewayConnection<Integer>> open = ConcurrentHashMap.newKeySet();
    private boolean closed;

    /** An idle usable connection for the key, marked in use, or {@code null}; stale ones met are closed. */
    public GatewayConnection<Integer> borrow(PoolKey key) {
        List<GatewayConnection<Integer>> stale = new ArrayList<>();
        GatewayConnection<Integer> found = null;
        synchronized (this) {
            Deque<GatewayConnection<Integer>> connections = idle.get(key);
            while (connections != null && !connections.isEmpty()) {
                GatewayConnection<Integer> candidate = connections.pollFirst();
                if (candidate.isUsable()) {
                    found = candidate;
                    found.markInUse(true);
                    break;
                }
                stale.add(candidate);
            }
        }
        stale.forEach(this::discard);
        return found;
    }

    /** Registers a newly opened connection, in use. Returns false (and the caller closes it) when the pool is closed. */
    public boolean register(GatewayConnection<Integer> connection) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            connection.markInUse(true);
            open.add(connection);
            return true;
        }
    }

    /** Gives a connection back; an unusable one is closed instead of kept. */
    public void release(GatewayConnection<Integer> connection) {
        boolean keep;
        synchronized (this) {
            keep = !closed && connection.isUsable();
            connection.markInUse(false);
            if (keep) {
                idle.computeIfAbsent(connection.key(), k -> new ArrayDeque<>()).addFirst(connection);
            }
        }
        if (!keep) {
            discard(connection);
        }
    }

    /** Closes a connection and forgets it. */
    public void discard(GatewayConnection<Integer> connection) {
        open.remove(connection);
        connection.close();
    }

    /** Closes idle connections unused for at least {@code idleFor}; returns how many. */
    public int outdate(Duration idleFor) {
        long now = System.nanoTime();
        long limit = idleFor.toNanos();
        List<GatewayConnection<Integer>> expired = new ArrayList<>();
        synchronized (this) {
            for (Deque<GatewayConnection<Integer>> connections : idle.values()) {
                for (Iterator<GatewayConnection<Integer>> it = connections.iterator(); it.hasNext(); ) {
                    GatewayConnection<Integer> connection = it.next();
                    if (now - connection.lastUsedNanos() >= limit) {
                        it.remove();
                        expired.add(connection);
                    }
                }
            }
            idle.values().removeIf(Deque::isEmpty);
        }
        expired.forEach(this::discard);
        return expired.size();
    }

    /** How many connections are open (idle or in use). */
    public int openCount() {
        open.removeIf(connection -> connection.closeReason() != null);
        return open.size();
    }

    /** Closes every connection, idle or in use; later registrations are refused. */
    public void close() {
        List<GatewayConnection<Integer>> all;
        synchronized (this) {
            closed = true;
            idle.clear();
            all = new ArrayList<>(open);
        }
        all.forEach(this::discard);
    }

    synchronized boolean isClosed() {
        return closed;
    }
}
