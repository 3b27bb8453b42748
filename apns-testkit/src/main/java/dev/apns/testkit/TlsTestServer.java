package dev.apns.testkit;

import dev.apns.mock.binary.MockApnsServer;
import dev.apns.Endpoint;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A small raw server on 127.0.0.1 for transport tests, where the {@link MockApnsServer} speaks too much
 * protocol: TLS through JSSE (client certificate required unless the {@link #builder} says otherwise, ALPN
 * when asked for, every handshake recorded as a {@link TlsHandshake}), or plain TCP, running a {@link Handler} per
 * accepted connection on its own daemon thread ({@code test-server-*}). Echo servers, servers that never
 * read, servers presenting another certificate or offering only TLS 1.2 are a few lines each:
 *
 * <pre>{@code
 * SSLContext context = certificates.server().sslContext(certificates.authority().certificate());
 * try (TlsTestServer echo = TlsTestServer.tls(context,
 *         (socket, server) -> socket.getInputStream().transferTo(socket.getOutputStream()))) {
 *     // connect to echo.endpoint() ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. It records what the handlers threw ({@link #nextFailure(Duration)}). Closing it closes
 * every socket and waits, bounded, for its threads.
 */
public final class TlsTestServer implements AutoCloseable {
    /** How long {@link #close()} waits for each of the server's threads. */
    private static final long JOIN_MILLIS = 2_000;
    /** How long {@link #awaitClose()} blocks a handler at most. */
    private static final long AWAIT_CLOSE_SECONDS = 10;

    /** What the server does with one accepted connection (TLS connections arrive with their handshake done). */
    @FunctionalInterface
    public interface Handler {
        /**
         * Serves one connection; runs on that connection's own thread. Whatever it throws is recorded for
         * {@link TlsTestServer#nextFailure(Duration)}.
         */
        void handle(Socket socket, TlsTestServer server) throws Exception;
    }

    /** Whether a TLS server asks for a client certificate. */
    public enum ClientAuth {
        /** The handshake fails without a client certificate the server trusts. */
        REQUIRED,
        /** The server asks for one but accepts a client that presents none. */
        REQUESTED,
        /** The server does not ask. */
        NONE
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final List<String> applicationProtocols;
    private final BlockingQueue<TlsHandshake> handshakes = new LinkedBlockingQueue<>();
    private final List<TlsHandshake> allHandshakes = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private TlsTestServer(ServerSocket serverSocket, Handler handler, List<String> applicationProtocols) {
        this.serverSocket = serverSocket;
        this.handler = handler;
        this.applicationProtocols = applicationProtocols;
        Thread acceptor = new Thread(this::acceptLoop, "test-server-acceptor-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    /**
     * A TLS server presenting {@code context}'s key and requiring a client certificate its trust managers
     * accept, optionally limited to some protocols (for example {@code "TLSv1.2"}).
     */
    public static TlsTestServer tls(SSLContext context, Handler handler, String... protocols) throws IOException {
        return builder(context).protocols(protocols).start(handler);
    }

    /**
     * A builder for a TLS server presenting {@code context}'s key: by default it requires a client
     * certificate, offers the context's protocols and speaks no ALPN.
     */
    public static Builder builder(SSLContext context) {
        return new Builder(Objects.requireNonNull(context, "context"));
    }

    /** Configures a TLS {@link TlsTestServer}. Not thread-safe. */
    public static final class Builder {
        private final SSLContext context;
        private String[] protocols = new String[0];
        private List<String> applicationProtocols = List.of();
        private ClientAuth clientAuth = ClientAuth.REQUIRED;

        private Builder(SSLContext context) {
            this.context = context;
        }

        /** Limits the TLS protocols, for example to {@code "TLSv1.2"}; none given: the context's defaults. */
        public Builder protocols(String... names) {
            this.protocols = names.clone();
            return this;
        }

        /**
         * Speaks ALPN with these protocols: the server selects the first protocol in the client's list that is
         * among these (so the client's preference decides), or none when there is no overlap, and records what
         * the client offered ({@link TlsHandshake#offeredProtocols()}). None given: no ALPN, the extension is
         * ignored.
         */
        public Builder applicationProtocols(String... names) {
            this.applicationProtocols = List.of(names);
            return this;
        }

        /** Whether the server asks for a client certificate; {@link ClientAuth#REQUIRED} by default. */
        public Builder clientAuth(ClientAuth auth) {
            this.clientAuth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        /** Binds to 127.0.0.1 on a free port and starts accepting, serving each connection with {@code handler}. */
        public TlsTestServer start(Handler handler) throws IOException {
            Objects.requireNonNull(handler, "handler");
            SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
            switch (clientAuth) {
                case REQUIRED -> socket.setNeedClientAuth(true);
                case REQUESTED -> socket.setWantClientAuth(true);
                case NONE -> socket.setNeedClientAuth(false);
            }
            if (protocols.length > 0) {
                socket.setEnabledProtocols(protocols);
            }
            return bind(socket, handler, 0, applicationProtocols);
        }
    }

    /**
     * A TLS server with a small (8 KiB) receive buffer, so that a peer's writes block soon once the handler
     * stops reading.
     */
    public static TlsTestServer tlsWithSmallReceiveBuffer(SSLContext context, Handler handler) throws IOException {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(handler, "handler");
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.setNeedClientAuth(true);
        return bind(socket, handler, 8 * 1024, List.of());
    }

    /** A plain TCP server: accepts connections and hands them to {@code handler} untouched (no TLS). */
    public static TlsTestServer tcp(Handler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        return bind(new ServerSocket(), handler, 0, List.of());
    }

    private static TlsTestServer bind(ServerSocket socket, Handler handler, int receiveBuffer,
                                      List<String> applicationProtocols) throws IOException {
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new TlsTestServer(socket, handler, applicationProtocols);
    }

    /** Where clients connect: {@code 127.0.0.1} and the port the server listens on. */
    public Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", serverSocket.getLocalPort());
    }

    /**
     * The next completed TLS handshake (in the order they completed), waiting up to {@code timeout}; null if
     * none.
     */
    public TlsHandshake nextHandshake(Duration timeout) throws InterruptedException {
        return handshakes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every TLS handshake completed so far, in order. */
    public List<TlsHandshake> handshakes() {
        return List.copyOf(allHandshakes);
    }

    /** Blocks a handler until the server closes (at most 10 s), as a peer that does nothing would. */
    public void awaitClose() throws InterruptedException {
        // Bounded, so that a test that forgets to close the server cannot keep a thread forever; the result does
        // not matter, since the handler returns either way.
        closing.await(AWAIT_CLOSE_SECONDS, TimeUnit.SECONDS);
    }

    /** The next exception a handler (or the acceptor) threw, waiting up to {@code timeout}; null if none. */
    public Throwable nextFailure(Duration timeout) throws InterruptedException {
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
                        handshake(tls);
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

    private void handshake(SSLSocket tls) throws IOException {
        AtomicReference<List<String>> offered = new AtomicReference<>();
        if (!applicationProtocols.isEmpty()) {
            // Called only when the client sent the ALPN extension.
            tls.setHandshakeApplicationProtocolSelector((socket, clientProtocols) -> {
                offered.set(List.copyOf(clientProtocols));
                return clientProtocols.stream().filter(applicationProtocols::contains).findFirst().orElse("");
            });
        }
        tls.startHandshake();
        SSLSession session = tls.getSession();
        List<String> serverNames = new ArrayList<>();
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    serverNames.add(host.getAsciiName());
                }
            }
        }
        Optional<String> subject;
        try {
            Certificate[] chain = session.getPeerCertificates();
            subject = Optional.of(((X509Certificate) chain[0]).getSubjectX500Principal().getName());
        } catch (SSLPeerUnverifiedException none) {
            subject = Optional.empty();
        }
        String selected = tls.getApplicationProtocol();
        TlsHandshake record = new TlsHandshake(Optional.ofNullable(offered.get()),
                selected == null || selected.isEmpty() ? Optional.empty() : Optional.of(selected), serverNames,
                subject, session.getProtocol());
        allHandshakes.add(record);
        handshakes.add(record);
    }

    /** Stops accepting, closes every accepted socket and waits up to 2 s for each of the server's threads. */
    @Override
    public void close() throws IOException {
        closing.countDown();
        IOException failure = null;
        try {
            serverSocket.close();
        } catch (IOException e) {
            failure = e;
        }
        for (Socket socket : accepted) {
            try {
                socket.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        try {
            for (Thread thread : threads) {
                thread.join(JOIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(
                    "Interrupted while stopping the test server's threads.");
            if (failure != null) {
                interrupted.addSuppressed(failure);
            }
            throw interrupted;
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "TlsTestServer[" + endpoint() + "]";
    }
}
