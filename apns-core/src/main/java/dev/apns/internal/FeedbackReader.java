package dev.apns.internal;

import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.protocol.FeedbackDecoder;
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
final class FeedbackReader implements Feedback, Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackReader.class);
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final FeedbackDecoder decoder = new FeedbackDecoder(new FeedbackDecoder.Listener() {
        @Override
        public void onEntry(FeedbackEntry entry) {
            queue.add(entry);
        }

        @Override
        public void onMalformed(String description) {
            LOG.warn("Feedback service sent a tuple that was skipped: {}", description);
        }
    });
    private final Duration readTimeout;
    private final String endpoint;
    private volatile Connection connection;
    private volatile IOException failure;
    private boolean ended;
    private boolean iterated;

    private FeedbackReader(Duration readTimeout, String endpoint) {
        this.readTimeout = readTimeout;
        this.endpoint = endpoint;
    }

    static FeedbackReader open(Backend backend, ConnectRequest request, Duration readTimeout) {
        FeedbackReader reader = new FeedbackReader(readTimeout, request.endpoint().toString());
        try {
            reader.connection = backend.connect(request, reader);
        } catch (IOException e) {
            throw SessionEngine.connectFailure(request.endpoint(), e);
        }
        return reader;
    }

    @Override
    public void onData(ByteBuffer bytes) {
        decoder.decode(bytes);
    }

    @Override
    public void onClosed(CloseReason reason) {
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
