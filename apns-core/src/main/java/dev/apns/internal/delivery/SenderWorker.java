package dev.apns.internal.delivery;


import java.util.List;

/**
 * One connection of a {@link StreamSender} and the thread that feeds it, for one protocol: the binary
 * {@link StreamWorker} or the HTTP/2 {@link Http2Worker}. The sender owns the queue, the bounds and the
 * outcomes; a worker takes notifications from it, writes them and settles each with the sender's
 * {@code finish*} methods or puts it back.
 */
public interface SenderWorker {

    /** Starts the worker's thread. */
    void start();

    /** After the sender stopped: closes the connection, waits for the thread, returns what it still held. */
    List<StreamEntry> stop();

    /** Notifications written and not yet settled now. */
    long inFlight();

    /** Whether a connection is open now. */
    boolean isConnected();

    /** The connection's last measured round trip in nanoseconds, or -1 when the protocol or connection has none. */
    default long roundTripNanos() {
        return -1;
    }
}
