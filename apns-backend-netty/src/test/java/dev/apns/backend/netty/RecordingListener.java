package dev.apns.backend.netty;

import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A copy of the blocking backend's test listener. Records what a connection delivers: the bytes, the order of events, and every onClosed call. Thread-safe. */
class RecordingListener implements Connection.Listener {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger closeCalls = new AtomicInteger();
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    /** The name of the thread onClosed ran on. */
    volatile String closingThread;
    /** The name of the thread the last onData ran on. */
    volatile String dataThread;

    @Override
    public void onData(ByteBuffer bytes) {
        dataThread = Thread.currentThread().getName();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        synchronized (this) {
            received.writeBytes(copy);
            notifyAll();
        }
        events.add("data");
    }

    @Override
    public void onClosed(CloseReason reason) {
        closingThread = Thread.currentThread().getName();
        events.add("closed:" + reason.kind());
        closeCalls.incrementAndGet();
        closed.complete(reason);
    }

    synchronized byte[] received() {
        return received.toByteArray();
    }

    /** Waits until at least {@code count} bytes arrived or {@code timeout} passed; returns what arrived. */
    synchronized byte[] awaitBytes(int count, Duration timeout) throws InterruptedException {
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

    CloseReason awaitClosed(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
