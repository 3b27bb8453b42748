package dev.apns.internal.binary;

import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.internal.session.SessionEngine;
import dev.apns.protocol.binary.FeedbackDecoder;
import dev.apns.spi.Backend;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One unpooled connection to the feedback service, decoded into entries as the backend delivers bytes and
 * handed to the consumer through a queue. The stream ends at the server's close, at a failure, or after
 * the read timeout passes with no bytes; whatever whole tuples arrived are kept.
 */
public final class FeedbackReader implements Feedback, Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackReader.class);
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final FeedbackDecoder decoder = new FeedbackDecoder(new FeedbackDecoder.Listener() {
        @Override
        public void onEntry(FeedbackEntry entry) {
            if (taken >= maxEntries) {
                return; // past the limit: the connection is being closed and the stream ended
            }
            queue.add(entry);
            if (++taken == maxEntries) {
                overLimit();
            }
        }

        @Override
        public void onMalformed(String description) {
            LOG.warn("Feedback service sent a tuple that was skipped: {}", description);
        }
    });
    private final Duration readTimeout;
    private final int maxEntries;
    /** Entries decoded so far; on the backend's thread only. */
    private int taken;
    private volatile boolean limitReached;
    private final String endpoint;
    private volatile Connection connection;
    private volatile IOException failure;
    private boolean ended;
    private boolean iterated;

    private FeedbackReader(Duration readTimeout, String endpoint, int maxEntries) {
        this.readTimeout = readTimeout;
        this.endpoint = endpoint;
        this.maxEntries = maxEntries;
    }

    public static FeedbackReader open(Backend backend, ConnectRequest request, Duration readTimeout) {
        return open(backend, request, readTimeout, Feedback.MAX_ENTRIES);
    }

    /** As above with another limit of entries per read; for tests. */
    static FeedbackReader open(Backend backend, ConnectRequest request, Duration readTimeout, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        FeedbackReader reader = new FeedbackReader(readTimeout, request.endpoint().toString(), maxEntries);
        try {
            reader.connection = backend.connect(request, reader);
            if (reader.limitReached) {
                reader.connection.close(); // the limit was reached before the connection was known here
            }
        } catch (IOException e) {
            throw SessionEngine.connectFailure(request.endpoint(), e);
        }
        return reader;
    }

    @Override
    public void onData(ByteBuffer bytes) {
        if (limitReached) {
            bytes.position(bytes.limit()); // the connection is closing; nothing more is taken
            return;
        }
        decoder.decode(bytes);
    }

    /** The server sent {@link #maxEntries}: end the stream there, saying why, and hang up. */
    private void overLimit() {
        limitReached = true;
        failure = new IOException("The feedback service at " + endpoint + " sent more than " + maxEntries
                + " entries in one read; the stream was ended at that limit (Feedback.MAX_ENTRIES) and the connection "
                + "closed, so that a server that never stops cannot exhaust the memory.");
        Connection c = connection;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void onClosed(CloseReason reason) {
        if (limitReached) {
            queue.add(END);
            return;
        }
        if (reason.kind() == CloseReason.Kind.ERROR) {
            Throwable cause = reason.cause().orElseThrow();
            failure = cause instanceof IOException io ? io
                    : new IOException("The feedback connection to " + endpoint + " failed: " + cause, cause);
        } else if (decoder.pendingBytes() > 0) {
            failure = new EOFException("The feedback service at " + endpoint + " closed in the middle of a tuple ("
                    + decoder.pendingBytes() + " bytes of it were read); that tuple is lost.");
        }
        queue.add(END);
    }

    @Override
    public Iterator<FeedbackEntry> iterator() {
        if (iterated) {
            throw new IllegalStateException("A feedback stream can be iterated only once; its entries are consumed.");
        }
        iterated = true;
        return new Iterator<>() {
            private FeedbackEntry next;

            @Override
            public boolean hasNext() {
                if (next == null && !ended) {
                    next = take();
                }
                return next != null;
            }

            @Override
            public FeedbackEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("The feedback stream has ended.");
                }
                FeedbackEntry entry = next;
                next = null;
                return entry;
            }
        };
    }

    @Override
    public List<FeedbackEntry> readAll() {
        List<FeedbackEntry> entries = new ArrayList<>();
        for (FeedbackEntry entry : this) {
            entries.add(entry);
        }
        return entries;
    }

    @Override
    public Optional<IOException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        Connection c = connection;
        if (c != null) {
            c.close();
        }
    }

    private FeedbackEntry take() {
        Object item;
        try {
            item = queue.poll(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new java.io.InterruptedIOException("Interrupted while reading feedback from " + endpoint + ".");
            return end();
        }
        if (item == null) {
            failure = new SocketTimeoutException("The feedback service at " + endpoint + " sent nothing for "
                    + readTimeout + "; the stream was ended.");
            return end();
        }
        if (item == END) {
            return end();
        }
        return (FeedbackEntry) item;
    }

    private FeedbackEntry end() {
        ended = true;
        close();
        return null;
    }
}
