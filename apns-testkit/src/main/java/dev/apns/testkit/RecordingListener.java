package dev.apns.testkit;

import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Connection.Listener} for transport tests: it keeps the bytes a connection delivers, the order of
 * events ({@code "data"}, then {@code "closed:LOCAL"}, {@code "closed:PEER"} or {@code "closed:ERROR"}),
 * every {@code onClosed} call, the threads {@code onData} and {@code onClosed} ran on, and it notes every breach of the listener contract
 * it can see: overlapping calls, {@code onData} after {@code onClosed}, a second {@code onClosed}
 * ({@link #violations()}).
 *
 * <p>Thread-safe: the backend calls it from its reader, tests read it from theirs. Subclasses may override
 * {@link #onData} and {@link #onClosed} and call {@code super} to keep the recording.
 */
public class RecordingListener implements Connection.Listener {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger closeCalls = new AtomicInteger();
    private final AtomicInteger callsInProgress = new AtomicInteger();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private volatile String closingThread;
    private volatile String dataThread;

    /** A listener that has recorded nothing yet. */
    public RecordingListener() {
    }

    @Override
    public void onData(ByteBuffer bytes) {
        enter("onData");
        try {
            if (closed.isDone()) {
                violations.add("onData was called after onClosed.");
            }
            dataThread = Thread.currentThread().getName();
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            synchronized (this) {
                received.writeBytes(copy);
                notifyAll();
            }
            events.add("data");
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    @Override
    public void onClosed(CloseReason reason) {
        enter("onClosed");
        try {
            if (reason == null) {
                violations.add("onClosed was called with a null reason.");
            }
            closingThread = Thread.currentThread().getName();
            events.add("closed:" + (reason == null ? "null" : reason.kind()));
            if (closeCalls.incrementAndGet() > 1) {
                violations.add("onClosed was called " + closeCalls.get() + " times; it must be called exactly once.");
            }
            closed.complete(reason);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    private void enter(String method) {
        if (callsInProgress.incrementAndGet() > 1) {
            violations.add(method + " was called while another listener call was still running on "
                    + "another thread; calls must be made one at a time.");
        }
    }

    /** A copy of every byte delivered so far, in order. */
    public synchronized byte[] received() {
        return received.toByteArray();
    }

    /** Waits until at least {@code count} bytes arrived or {@code timeout} passed; returns what arrived. */
    public synchronized byte[] awaitBytes(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return received.toByteArray();
    }

    /**
     * The reason given to {@code onClosed}, waiting up to {@code timeout} for it.
     *
     * @throws TimeoutException when {@code onClosed} was not called in time
     */
    public CloseReason awaitClosed(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The close future is only ever completed normally.", e);
        }
    }

    /** True once {@code onClosed} was called. */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** The events so far, in order: {@code "data"} per {@code onData} call, then {@code "closed:KIND"}. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** How many times {@code onClosed} was called. */
    public int closeCalls() {
        return closeCalls.get();
    }

    /** The name of the thread {@code onClosed} ran on, or null before it ran. */
    public String closingThread() {
        return closingThread;
    }

    /**
     * The name of the thread the latest {@code onData} ran on, or null before any data arrived; a test of a
     * backend that delivers on its own threads (an event loop, a reader) checks their names with it.
     */
    public String dataThread() {
        return dataThread;
    }

    /** Every breach of the listener contract seen so far, as sentences; empty when there was none. */
    public List<String> violations() {
        return List.copyOf(violations);
    }
}
