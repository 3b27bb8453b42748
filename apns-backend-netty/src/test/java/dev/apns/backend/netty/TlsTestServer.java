package dev.apns.backend.netty;

import dev.apns.Endpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A copy of the blocking backend's test server, until it moves into the testkit (then use that one).
 *
 * <p>A small server on 127.0.0.1 for backend tests: TLS (JSSE, client certificate required) or plain TCP,
 * running a handler per accepted connection on its own thread. Records what the handlers threw. Closing
 * it closes every socket and waits, bounded, for its threads.
 */
final class TlsTestServer implements AutoCloseable {
    /** What the server does with one accepted connection. */
    interface Handler {
        void handle(Socket socket, TlsTestServer server) throws Exception;
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private TlsTestServer(ServerSocket serverSocket, Handler handler) {
        this.serverSocket = serverSocket;
        this.handler = handler;
        Thread acceptor = new Thread(this::acceptLoop, "test-server-acceptor-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    /** A TLS server requiring a client certificate, optionally limited to some protocols. */
    static TlsTestServer tls(SSLContext context, Handler handler, String... protocols) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.setNeedClientAuth(true);
        if (protocols.length > 0) {
            socket.setEnabledProtocols(protocols);
        }
        return bind(socket, handler, 0);
    }

    /** A TLS server with a small receive buffer, so that a peer's writes block soon once it stops reading. */
    static TlsTestServer tlsWithSmallReceiveBuffer(SSLContext context, Handler handler) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.setNeedClientAuth(true);
        return bind(socket, handler, 8 * 1024);
    }

    /** A plain TCP server: accepts connections and hands them to {@code handler} untouched. */
    static TlsTestServer tcp(Handler handler) throws IOException {
        return bind(new ServerSocket(), handler, 0);
    }

    private static TlsTestServer bind(ServerSocket socket, Handler handler, int receiveBuffer) throws IOException {
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        return new TlsTestServer(socket, handler);
    }

    Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", serverSocket.getLocalPort());
    }

    /** Blocks a handler until the server closes (bounded), as a peer that does nothing would. */
    void awaitClose() throws InterruptedException {
        closing.await(10, TimeUnit.SECONDS);
    }

    /** The next exception a handler threw, waiting up to {@code timeout}; null if none. */
    Throwable nextFailure(Duration timeout) throws InterruptedException {
        return failures.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    failures.add(e);
                }
                return;
            }
            accepted.add(socket);
            Thread thread = new Thread(() -> {
                try {
                    if (socket instanceof SSLSocket tls) {
                        tls.startHandshake();
                    }
                    handler.handle(socket, this);
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "test-server-handler-" + socket.getPort());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    @Override
    public void close() throws IOException {
        closing.countDown();
        serverSocket.close();
        for (Socket socket : accepted) {
            socket.close();
        }
        try {
            for (Thread thread : threads) {
                thread.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while stopping the test server's threads.");
        }
    }
}
