package dev.apns;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * One read of the feedback service: the (token, time) entries the server streams on connect, then it
 * closes. Iterate it once, or call {@link #readAll()}. Reading clears the server's list, so keep what you
 * read.
 *
 * <p>Entries are delivered as they arrive; tuples split across network reads are reassembled. If the
 * connection fails after it was opened, the iteration ends after the last whole entry and
 * {@link #failure()} tells what happened, so nothing read is lost and nothing is silently dropped.
 * Not thread-safe: one consumer.
 *
 * <p>One read takes at most {@link #MAX_ENTRIES} entries: a server that sends more (a broken or hostile one;
 * Apple's lists are far shorter) is disconnected at the limit, the iteration ends after the entries taken and
 * {@link #failure()} says so. This bounds the memory one read can hold, whatever the server sends.
 */
public interface Feedback extends Iterable<FeedbackEntry>, AutoCloseable {

    /** The most entries one read takes (about 25 MB of entries held at worst). */
    int MAX_ENTRIES = 100_000;

    /** Reads every remaining entry until the server closes (or the connection fails). */
    List<FeedbackEntry> readAll();

    /**
     * Why the stream ended early, once iteration has ended: an I/O failure, a trailing partial tuple, or a
     * server that sent more than {@link #MAX_ENTRIES}.
     * Empty when the server closed cleanly after whole entries.
     */
    Optional<IOException> failure();

    /** Closes the connection; entries not yet read are lost on the server side too. Idempotent. */
    @Override
    void close();
}
