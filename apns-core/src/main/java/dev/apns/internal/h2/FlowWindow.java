package dev.apns.internal.h2;

/**
 * One flow-control window (RFC 9113 §6.9): of a stream or of the connection, for sending or receiving. A send window
 * may go negative when the peer lowers SETTINGS_INITIAL_WINDOW_SIZE; no window may exceed 2^31-1. A receive window
 * also counts the bytes consumed since the last WINDOW_UPDATE we sent, and announces them once they reach half of
 * the window's target size. Not thread-safe.
 */
final class FlowWindow {

    private static final long MAX = Integer.MAX_VALUE;

    private long size;
    private int unannounced;

    FlowWindow(int initial) {
        this.size = initial;
    }

    /** The window, possibly negative. */
    long size() {
        return size;
    }

    /** How many bytes may be sent now: the window, or 0 when it is negative. */
    int available() {
        return size <= 0 ? 0 : (int) size;
    }

    /** Sending side: {@code bytes} were sent. */
    void consume(int bytes) {
        size -= bytes;
    }

    /**
     * Grows (or, with a negative delta, shrinks) the window: a WINDOW_UPDATE, or a change of the initial window size.
     *
     * @return false, leaving the window unchanged, if it would exceed 2^31-1
     */
    boolean expand(long delta) {
        long next = size + delta;
        if (next > MAX) {
            return false;
        }
        size = next;
        return true;
    }

    /**
     * Receiving side: the peer sent {@code bytes} flow-controlled bytes.
     *
     * @return false, leaving the window unchanged, if they exceed the window (the peer broke flow control)
     */
    boolean receive(int bytes) {
        if (bytes > size) {
            return false;
        }
        size -= bytes;
        return true;
    }

    /**
     * Receiving side: {@code bytes} received bytes were consumed. Once half of {@code target} has been consumed
     * since the last announcement, restores the window by that much and returns the increment to send in a
     * WINDOW_UPDATE; otherwise returns 0.
     */
    int release(int bytes, int target) {
        unannounced += bytes;
        if (unannounced == 0 || unannounced < target / 2) {
            return 0;
        }
        int increment = unannounced;
        unannounced = 0;
        size += increment;
        return increment;
    }
}
