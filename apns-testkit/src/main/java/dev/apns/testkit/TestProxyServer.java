package dev.apns.testkit;

import dev.apns.Endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The common part of the testkit's proxies ({@link TestHttpProxy}, {@link TestSocks5Proxy}): a listener on
 * 127.0.0.1, a daemon thread per client ({@code test-server-proxy-*}), and the relay that copies bytes both
 * ways between a client and the target once the tunnel stands. Targets never leave the machine: the proxy
 * relays only to {@code 127.0.0.1}, {@code localhost}, {@code ::1} and the names given to
 * {@link #routeToLoopback(String)} (all connected on 127.0.0.1); any other target is refused, as a real
 * proxy's policy would.
 *
 * <p>Thread-safe. Closing it closes every socket and waits, bounded, for its threads.
 */
public abstract class TestProxyServer implements AutoCloseable {
    /** How long the proxy waits for a target to accept, and how long {@link #close()} waits per thread. */
    private static final int TARGET_CONNECT_MILLIS = 5_000;
    private static final long JOIN_MILLIS = 2_000;
    /** How long a stalled exchange holds its thread at most. */
    private static final long STALL_SECONDS = 30;

    private final ServerSocket serverSocket;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    private final Set<String> loopbackNames = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile int accepted;

    /** Binds to 127.0.0.1 on a free port; call {@link #startAccepting()} once the subclass is ready. */
    protected TestProxyServer() throws IOException {
        serverSocket = new ServerSocket();
        try {
            serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        } catch (IOException e) {
            serverSocket.close();
            throw e;
        }
        loopbackNames.add("127.0.0.1");
        loopbackNames.add("localhost");
        loopbackNames.add("::1");
    }

    /** Starts the acceptor thread. */
    protected final void startAccepting() {
        startThread(this::acceptLoop, "test-server-proxy-acceptor-" + serverSocket.getLocalPort());
    }

    /** Serves one client connection on its own thread; whatever it throws is recorded. */
    protected abstract void serve(Socket client) throws Exception;

    /** Where clients connect: 127.0.0.1 and the proxy's port. */
    public Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", serverSocket.getLocalPort());
    }

    /**
     * Lets the proxy relay to {@code hostName} as if it resolved to 127.0.0.1: a name the client cannot resolve
     * itself, which shows that the client left resolving to the proxy and used the name for TLS.
     */
    public TestProxyServer routeToLoopback(String hostName) {
        loopbackNames.add(hostName.toLowerCase(Locale.ROOT));
        return this;
    }

    /** How many client connections the proxy accepted so far. */
    public int connectionsAccepted() {
        return accepted;
    }

    /** The next exception a client's thread (or the acceptor) threw, waiting up to {@code timeout}; null if none. */
    public Throwable nextFailure(Duration timeout) throws InterruptedException {
        return failures.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when the proxy relays to {@code host}. */
    protected final boolean isAllowedTarget(String host) {
        return loopbackNames.contains(host.toLowerCase(Locale.ROOT));
    }

    /** Connects to an allowed target (on 127.0.0.1), bounded by 5 s. */
    protected final Socket connectToTarget(int port) throws IOException {
        Socket target = new Socket();
        sockets.add(target);
        target.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), TARGET_CONNECT_MILLIS);
        return target;
    }

    /**
     * Copies bytes both ways until either side ends; then closes both. The calling thread copies client to
     * target, a second thread the other way.
     */
    protected final void relay(Socket client, Socket target) throws InterruptedException {
        Thread back = startThread(() -> pump(target, client), "test-server-proxy-relay-" + client.getPort());
        pump(client, target);
        back.join(JOIN_MILLIS);
    }

    /** Holds the connection open and silent until the proxy closes (at most 30 s), as a stuck proxy would. */
    protected final void holdSilently() throws InterruptedException {
        closing.await(STALL_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Ends a refused exchange as a careful server does: stops sending, then reads what the client still sends
     * (at most 1 s, 64 KiB) before the socket is closed, so that closing with unread bytes does not reset the
     * connection and destroy the answer before the client read it.
     */
    protected static void lingeringClose(Socket client) {
        try {
            client.shutdownOutput();
            client.setSoTimeout(1_000);
            InputStream in = client.getInputStream();
            byte[] sink = new byte[4096];
            int total = 0;
            for (int n = in.read(sink); n >= 0 && total < 64 * 1024; n = in.read(sink)) {
                total += n;
            }
        } catch (IOException ended) {
            // The client went away or stayed silent; either way the socket is closed next.
        }
    }

    /** Reads and drops what the client sends until it closes (at most 5 s, 64 KiB). */
    protected static void awaitClientClose(Socket client) {
        try {
            client.setSoTimeout(5_000);
            InputStream in = client.getInputStream();
            byte[] sink = new byte[4096];
            int total = 0;
            for (int n = in.read(sink); n >= 0 && total < 64 * 1024; n = in.read(sink)) {
                total += n;
            }
        } catch (IOException ended) {
            // The client went away or stayed silent; either way the socket is closed next.
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // One side went away; the relay ends either way.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing for good; nothing to do about a failure.
        }
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    failures.add(e);
                }
                return;
            }
            accepted++;
            sockets.add(client);
            startThread(() -> {
                try {
                    serve(client);
                } catch (Exception e) {
                    if (!serverSocket.isClosed()) {
                        failures.add(e);
                    }
                } finally {
                    closeQuietly(client);
                }
            }, "test-server-proxy-client-" + client.getPort());
        }
    }

    private Thread startThread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    /** Stops accepting, closes every socket and waits up to 2 s for each of the proxy's threads. */
    @Override
    public void close() throws IOException {
        closing.countDown();
        serverSocket.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        try {
            for (Thread thread : threads) {
                thread.join(JOIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while stopping the test proxy's threads.");
        }
    }
}
