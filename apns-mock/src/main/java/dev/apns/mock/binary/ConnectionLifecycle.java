package dev.apns.mock.binary;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The binary mock server's connections from the TCP accept to their end, and the threads that serve them: numbering
 * and naming each, refusing or stalling handshakes as scripted, counting the handshakes that completed or failed, and
 * ending them all ({@link MockApnsServer#disconnectAll()}, {@link MockApnsServer#close()}).
 *
 * <p>It shares the server's lock and the condition the server signals when its script changes: its state is guarded
 * by that lock, the methods the server calls expect the lock held, and those the acceptor and connection threads call
 * take it.
 */
final class ConnectionLifecycle implements MockSockets.Acceptor {
    private static final Logger log = LoggerFactory.getLogger(MockApnsServer.class);
    private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final MockApnsServer server;
    private final ReentrantLock lock;
    private final Condition scriptChanged;
    /** Called with the lock held when something observable changed. */
    private final Runnable observed;

    // Everything below is guarded by lock.
    private boolean closed;
    /** Changed by each reset, which ends the handshakes stalled before it. */
    private long resetGeneration;
    /** Numbers threads; never reset, so that thread names stay unique. */
    private long threadSerial;
    /** Numbers TCP connections per listener in the order they were accepted, for the server's lifetime. */
    private int gatewaySerial;
    private int feedbackSerial;
    private final Set<ServerConnection> connections = new LinkedHashSet<>();
    private final Set<Thread> threads = new HashSet<>();

    // The script of handshakes.
    private boolean refuseHandshakes;
    private int handshakesToRefuse;
    private boolean stallHandshakes;

    // Observations.
    private int connectionsAccepted;
    private int feedbackConnectionsAccepted;
    /** By connection number, so that the order does not depend on which handshake finished first. */
    private final SortedMap<Integer, String> clientSubjects = new TreeMap<>();
    private int handshakeFailures;
    private int refusedConnections;

    ConnectionLifecycle(MockApnsServer server, ReentrantLock lock, Condition scriptChanged, Runnable observed) {
        this.server = server;
        this.lock = lock;
        this.scriptChanged = scriptChanged;
        this.observed = observed;
    }

    // ------------------------------------------------------------------------------------------------
    // For the server, which holds its lock.

    /** Whether the connection is to stop: the server closed, or closed this connection. Lock held. */
    boolean isEnded(ServerConnection connection) {
        return closed || connection.forced;
    }

    /** Starts a daemon thread that the server's close waits for. Lock held. */
    void startThread(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** Lock held; the server signals the script's change. */
    void refuseNextHandshakes(int count) {
        handshakesToRefuse = count;
    }

    /** Lock held; the server signals the script's change. */
    void refuseHandshakes(boolean refuse) {
        refuseHandshakes = refuse;
    }

    /** Lock held; the server signals the script's change. */
    void stallHandshakes(boolean stall) {
        stallHandshakes = stall;
    }

    /**
     * Clears the script of handshakes and the observations of connections; the connections stay, and handshakes
     * stalled so far end once the server signals. Lock held.
     */
    void reset() {
        resetGeneration++;
        refuseHandshakes = false;
        handshakesToRefuse = 0;
        stallHandshakes = false;
        connectionsAccepted = 0;
        feedbackConnectionsAccepted = 0;
        clientSubjects.clear();
        handshakeFailures = 0;
        refusedConnections = 0;
    }

    /** Closes every connection at once (no error response, no close_notify). Lock held. */
    void disconnectAll() {
        for (ServerConnection connection : connections) {
            if (!connection.forced) {
                connection.forceClose();
            }
        }
    }

    /** Marks the server closed and closes every connection; returns the threads to wait for. Lock held. */
    List<Thread> close() {
        closed = true;
        for (ServerConnection connection : connections) {
            connection.forceClose();
        }
        return new ArrayList<>(threads);
    }

    /** No connection is open or in its handshake. Lock held. */
    boolean isIdle() {
        return connections.isEmpty();
    }

    /** Lock held. */
    int connectionsAccepted() {
        return connectionsAccepted;
    }

    /** Lock held. */
    int feedbackConnectionsAccepted() {
        return feedbackConnectionsAccepted;
    }

    /** Gateway connections open now. Lock held. */
    int openConnections() {
        return (int) connections.stream()
                .filter(connection -> connection.isGateway() && connection.opened && !connection.forced)
                .count();
    }

    /** Lock held. */
    List<String> clientSubjects() {
        return List.copyOf(clientSubjects.values());
    }

    /** Lock held. */
    int handshakeFailures() {
        return handshakeFailures;
    }

    /** Lock held. */
    int refusedConnections() {
        return refusedConnections;
    }

    // ------------------------------------------------------------------------------------------------
    // For the accept loops ({@link MockSockets#acceptLoop}).

    @Override
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean pauseAfterAcceptFailure() {
        lock.lock();
        try {
            long remaining = ACCEPT_RETRY_NANOS;
            while (remaining > 0 && !closed) {
                remaining = scriptChanged.awaitNanos(remaining);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void accepted(Socket raw, boolean isGateway, String kind, int port) {
        try {
            raw.setTcpNoDelay(true);
        } catch (IOException e) {
            log.debug("Could not disable Nagle's algorithm on a {} connection: {}", kind, e.toString());
        }
        lock.lock();
        try {
            if (closed) {
                MockSockets.closeSocket(raw);
                return;
            }
            String name = "mock-apns-" + kind + "-" + port + "-" + (++threadSerial);
            ServerConnection connection = isGateway
                    ? new GatewayConnection(server, raw, name)
                    : new FeedbackConnection(server, raw, name);
            connection.number = isGateway ? ++gatewaySerial : ++feedbackSerial;
            connections.add(connection);
            startThread(connection, name);
        } finally {
            lock.unlock();
        }
        log.debug("Accepted a {} connection from {}", kind, raw.getRemoteSocketAddress());
    }

    @Override
    public void acceptorEnded() {
        lock.lock();
        try {
            threads.remove(Thread.currentThread());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // For the connections' threads.

    /** Whether to close the connection before TLS, as scripted; counts it when so. */
    boolean refusesHandshake() {
        lock.lock();
        try {
            if ((refuseHandshakes || handshakesToRefuse > 0) && !closed) {
                if (handshakesToRefuse > 0) {
                    handshakesToRefuse--;
                }
                refusedConnections++;
                observed.run();
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks while handshakes are stalled; false when the connection is to be closed instead. */
    boolean awaitHandshakeAllowed(ServerConnection connection) {
        lock.lock();
        try {
            long generation = resetGeneration;
            while (stallHandshakes && !closed && !connection.forced && generation == resetGeneration) {
                scriptChanged.await();
            }
            return !closed && !connection.forced && generation == resetGeneration;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    void handshakeFailed(ServerConnection connection, IOException failure) {
        lock.lock();
        try {
            if (closed || connection.forced) {
                return;
            }
            handshakeFailures++;
            observed.run();
        } finally {
            lock.unlock();
        }
        log.debug("{}: TLS handshake failed: {}", connection.name, failure.toString());
    }

    /** Counts a completed handshake; false when the server closed meanwhile. */
    boolean opened(ServerConnection connection, String clientSubject) {
        lock.lock();
        try {
            if (closed || connection.forced) {
                return false;
            }
            connection.opened = true;
            if (connection.isGateway()) {
                connectionsAccepted++;
                if (clientSubject != null) {
                    clientSubjects.put(connection.number, clientSubject);
                }
            } else {
                feedbackConnectionsAccepted++;
            }
            observed.run();
        } finally {
            lock.unlock();
        }
        log.debug("{}: TLS established ({}), client {}", connection.name, connection.tls.getSession().getProtocol(),
                clientSubject == null ? "without a certificate" : clientSubject);
        return true;
    }

    boolean wasForced(ServerConnection connection) {
        lock.lock();
        try {
            return closed || connection.forced;
        } finally {
            lock.unlock();
        }
    }

    void connectionFinished(ServerConnection connection) {
        lock.lock();
        try {
            connections.remove(connection);
            threads.remove(Thread.currentThread());
            observed.run();
        } finally {
            lock.unlock();
        }
    }
}
