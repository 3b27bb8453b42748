package dev.apns.mock.binary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binary mock server's socket plumbing: binding a listener to 127.0.0.1, the loop that accepts on it and hands
 * each socket to the server, closing quietly, and waiting (boundedly) for the server's threads to end.
 */
final class MockSockets {
    private static final Logger log = LoggerFactory.getLogger(MockApnsServer.class);
    private static final byte[] LOOPBACK = {127, 0, 0, 1};
    private static final int BACKLOG = 128;

    /** What the accept loop needs of the server. */
    interface Acceptor {
        /** Whether the server closed (an accept failure then ends the loop quietly). */
        boolean isClosed();

        /** Waits a moment after an accept failure; false when the server closed meanwhile. */
        boolean pauseAfterAcceptFailure();

        /** Takes a freshly accepted socket. */
        void accepted(Socket socket, boolean isGateway, String kind, int port);

        /** The accepting thread is ending. */
        void acceptorEnded();
    }

    private MockSockets() {
    }

    /** A listener on 127.0.0.1 and {@code port} (0: any free one). */
    static ServerSocket bind(int port, String kind) {
        ServerSocket listener = null;
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), port), BACKLOG);
            return listener;
        } catch (IOException e) {
            closeListener(listener);
            throw new UncheckedIOException("The mock APNs server could not bind its " + kind + " listener to 127.0.0.1:"
                    + port + ": " + e.getMessage(), e);
        }
    }

    /** Accepts on {@code listener} until the server closes, handing each socket to {@code server}. */
    static void acceptLoop(ServerSocket listener, boolean isGateway, Acceptor server) {
        String kind = isGateway ? "gateway" : "feedback";
        try {
            while (true) {
                Socket raw;
                try {
                    raw = listener.accept();
                } catch (IOException e) {
                    if (server.isClosed()) {
                        return;
                    }
                    log.debug("Accepting a {} connection failed: {}", kind, e.toString());
                    if (!server.pauseAfterAcceptFailure()) {
                        return;
                    }
                    continue;
                }
                server.accepted(raw, isGateway, kind, listener.getLocalPort());
            }
        } finally {
            server.acceptorEnded();
        }
    }

    /** Waits for {@code threads} to end, all together at most {@code limitNanos}; says which did not. */
    static void joinAll(List<Thread> threads, long limitNanos) {
        long deadline = System.nanoTime() + limitNanos;
        for (Thread thread : threads) {
            long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try {
                thread.join(remainingMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("Interrupted while waiting for the mock APNs server's threads to end");
                return;
            }
            if (thread.isAlive()) {
                log.warn("Mock APNs server thread {} did not end within {} s of close()", thread.getName(),
                        TimeUnit.NANOSECONDS.toSeconds(limitNanos));
            }
        }
    }

    static void closeListener(ServerSocket listener) {
        if (listener == null) {
            return;
        }
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("Closing a listener failed: {}", e.toString());
        }
    }

    static void closeSocket(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Closing a socket failed: {}", e.toString());
        }
    }
}
