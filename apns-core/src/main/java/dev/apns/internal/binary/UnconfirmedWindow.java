package dev.apns.internal.binary;

import dev.apns.protocol.binary.Identifiers;

import java.util.ArrayList;
import java.util.List;

/**
 * The notifications written on one binary connection and not yet confirmed, oldest first, with the time each was
 * written (kept only when asked for: a quiet period needs them, a sentinel does not). Their identifiers are
 * consecutive ({@link Identifiers#next}), so the window keeps only the first. A ring of arrays, so that a window
 * of 100,000 costs no object per notification beyond the caller's own (at that size the arrays are humongous
 * objects for G1, which is why the times are not kept when not needed, and why a driver that opens connection
 * after connection hands each new {@link BinaryEngine} the window the previous one emptied). Not thread-safe.
 *
 * @param <T> the caller's item
 */
public final class UnconfirmedWindow<T> {
    private Object[] items = new Object[64];
    /** When each was written; null when the times are not kept (a sentinel needs none). */
    private long[] writtenAt;
    private int head;
    private int size;
    private long firstIdentifier = Identifiers.FIRST;

    /** @param timed whether to keep the times ({@link #oldestWrittenAt()}) */
    public UnconfirmedWindow(boolean timed) {
        this.writtenAt = timed ? new long[items.length] : null;
    }

    boolean isTimed() {
        return writtenAt != null;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The identifier of the oldest; meaningful only while not empty. */
    long firstIdentifier() {
        return firstIdentifier;
    }

    /** When the oldest was written; meaningful only while not empty. */
    long oldestWrittenAt() {
        if (writtenAt == null) {
            throw new IllegalStateException("This window keeps no times.");
        }
        return writtenAt[head];
    }

    /** Adds one; {@code identifier} must follow the newest one's (it starts the window when empty). */
    void add(T item, long identifier, long nowNanos) {
        if (size == 0) {
            firstIdentifier = identifier;
            head = 0;
        } else if (identifier != Identifiers.next(identifierAt(size - 1))) {
            throw new IllegalStateException("Identifier " + identifier + " does not follow " + identifierAt(size - 1)
                    + "; a window's identifiers are consecutive.");
        }
        if (size == items.length) {
            grow();
        }
        int slot = (head + size) % items.length;
        items[slot] = item;
        if (writtenAt != null) {
            writtenAt[slot] = nowNanos;
        }
        size++;
    }

    /** Removes and returns the oldest. */
    @SuppressWarnings("unchecked")
    T removeOldest() {
        if (size == 0) {
            throw new IllegalStateException("The window is empty.");
        }
        T item = (T) items[head];
        items[head] = null;
        head = (head + 1) % items.length;
        size--;
        firstIdentifier = Identifiers.next(firstIdentifier);
        return item;
    }

    /** Removes all, oldest first. */
    @SuppressWarnings("unchecked")
    List<T> removeAll() {
        List<T> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int slot = (head + i) % items.length;
            all.add((T) items[slot]);
            items[slot] = null;
        }
        head = 0;
        size = 0;
        return all;
    }

    private long identifierAt(int position) {
        long distance = position;
        long identifier = firstIdentifier + distance;
        return identifier <= Identifiers.MAX ? identifier : identifier - Identifiers.MAX;
    }

    private void grow() {
        Object[] moreItems = new Object[items.length * 2];
        long[] moreTimes = writtenAt == null ? null : new long[items.length * 2];
        for (int i = 0; i < size; i++) {
            int slot = (head + i) % items.length;
            moreItems[i] = items[slot];
            if (moreTimes != null) {
                moreTimes[i] = writtenAt[slot];
            }
        }
        items = moreItems;
        writtenAt = moreTimes;
        head = 0;
    }
}
