package dev.apns.backend.blocking;

import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.ProxyException;
import dev.apns.Trust;
import dev.apns.spi.Certificate;
import dev.apns.spi.ConnectFailure;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.support.Timeouts;
import dev.apns.spi.support.TlsContextCache;
import dev.apns.spi.support.TlsSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The connection machinery of the blocking backend, open to other backends that bring their own JSSE
 * provider through a {@link TlsContextFactory}: a TCP connect, a TLS handshake on an {@link SSLSocket}
 * layered over the plain socket (TLS 1.3 and 1.2, hostname verification by HTTPS endpoint identification,
 * IP literals too), then one daemon reader thread per connection ({@code apns-<backend>-reader-<host:port>-<n>})
 * that hands the peer's bytes to the listener. Writes block the caller while the peer does not read,
 * bounded by the write timeout, which a shared daemon watchdog thread ({@code apns-<backend>-watchdog-<n>})
 * enforces by closing the socket (it looks at the writes in progress every 50 ms, so a write costs no
 * scheduling); the same watchdog bounds the handshake.
 *
 * <p>ALPN: the request's application protocols are offered with {@link SSLParameters#setApplicationProtocols}
 * and the server's choice is read after the handshake. A request without a certificate presents none (an
 * empty key manager). A request with a proxy first asks the proxy for a tunnel ({@code CONNECT} or SOCKS5,
 * see {@code ProxyTunnel}), then runs the TLS handshake through it with the target's host name for SNI and
 * hostname verification; the TCP connect to the proxy and the tunnel's set-up together are bounded by the
 * connect timeout, and every failure at the proxy is a {@link ProxyException}.
 *
 * <p>Creating a transport creates nothing else; the watchdog starts with the first connection.
 * {@code SSLContext}s are built once per (certificate or none, trust) pair and reused. Thread-safe;
 * {@link #close()} closes every open connection and stops the watchdog.
 */
public final class SocketTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketTransport.class);
    private static final AtomicInteger WATCHDOGS = new AtomicInteger();
    /** How often the watchdog looks for writes past their deadline while connections are open. */
    private static final long WRITE_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String backendName;
    private final TlsContextFactory contextFactory;
    private final TlsContextCache<SSLContext> contexts = new TlsContextCache<>();
    private final Set<BlockingConnection> connections = ConcurrentHashMap.newKeySet();
    /** Sockets whose connect or handshake is under way: {@link #close()} closes them, so no connect outlives it. */
    private final Set<Socket> connecting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCounter = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object schedulerLock = new Object();
    private ScheduledThreadPoolExecutor scheduler;
    /** Whether a sweep of write deadlines is scheduled; sweeps run only while connections are open. */
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /**
     * A transport for the backend named {@code backendName} (used in thread names and messages), with TLS
     * contexts from {@code contextFactory}.
     */
    public SocketTransport(String backendName, TlsContextFactory contextFactory) {
        this.backendName = Objects.requireNonNull(backendName, "backendName");
        this.contextFactory = Objects.requireNonNull(contextFactory, "contextFactory");
    }

    /**
     * The client identity with its JSSE key managers built once, for {@link dev.apns.spi.Backend#certificate}.
     *
     * @throws dev.apns.CredentialsException when the JVM cannot build key managers from the credentials
     */
    public Certificate certificate(Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return new JsseCertificate(credentials);
    }

    /**
     * Opens a connection as {@link dev.apns.spi.Backend#connect} specifies: returns once the TLS handshake
     * is complete, the reader thread started.
     *
     * @throws IOException naming the endpoint when the connect or the handshake fails or times out (an
     *     {@link SSLException} for TLS failures, a {@link SocketTimeoutException} for timeouts), or when
     *     the transport is closed
     */
    public Connection connect(ConnectRequest request, Connection.Listener listener) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw closedFailure();
        }
        SSLContext context = context(request.certificate(), request.trust());
        ScheduledThreadPoolExecutor watchdog = scheduler();
        Endpoint endpoint = request.endpoint();
        List<String> offered = request.applicationProtocols();

        Socket plain = new Socket();
        SSLSocket tls = null;
        connecting.add(plain);
        ScheduledFuture<?> interruptWatch = watchInterrupt(Thread.currentThread(), plain, endpoint, watchdog);
        try {
            if (closed.get()) {
                throw closedFailure();
            }
            plain.setTcpNoDelay(true);
            if (request.proxy().isPresent()) {
                tunnel(plain, request.proxy().get(), endpoint, request.connectTimeout(), watchdog);
            } else {
                connectTcp(plain, endpoint, request.connectTimeout());
            }
            // The target's name, not the proxy's: SNI and hostname verification are about the target.
            tls = (SSLSocket) context.getSocketFactory().createSocket(plain, endpoint.host(), endpoint.port(), true);
            TlsSettings.configure(tls, offered);
            handshake(plain, tls, endpoint, request.connectTimeout(), watchdog);
            plain.setSoTimeout(0);
        } catch (IOException | RuntimeException e) {
            closeAfterFailedConnect(plain, tls, endpoint, e);
            if (closed.get()) {
                throw closedWhileConnecting(endpoint, e);
            }
            if (Thread.currentThread().isInterrupted()) {
                InterruptedIOException interrupted = new InterruptedIOException("Interrupted while connecting to "
                        + endpoint + "; the connection attempt is abandoned.");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw e;
        } finally {
            interruptWatch.cancel(false);
            connecting.remove(plain);
        }

        String protocol = tls.getSession().getProtocol();
        String selected = offered.isEmpty() ? null : selectedProtocol(tls, endpoint);
        BlockingConnection connection = new BlockingConnection(this, endpoint, plain, tls, protocol, selected,
                listener, request.writeTimeout(), watchdog);
        connections.add(connection);
        if (closed.get()) {
            // close() ran while we connected and may have missed this connection; the listener was never
            // started, so it hears nothing.
            connection.close();
            forget(connection);
            throw closedWhileConnecting(endpoint, null);
        }
        connection.start("apns-" + backendName + "-reader-" + endpoint + "-" + connectionCounter.incrementAndGet());
        startSweeping(watchdog);
        LOG.debug("Connected to {} with {} ({}, ALPN {}{}) on the {} backend.", endpoint, protocol,
                tls.getSession().getCipherSuite(), selected == null ? "none" : selected,
                request.proxy().map(proxy -> ", through the " + proxy).orElse(""), backendName);
        return connection;
    }

    /** Closes every open connection (waiting a bounded time for their reader threads) and stops the watchdog. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Socket socket : connecting) {
            closeQuietly(socket, null); // the connecting thread fails at once and reports the close
        }
        List<BlockingConnection> open = new ArrayList<>(connections);
        for (BlockingConnection connection : open) {
            connection.closeWithoutWaiting();
        }
        long deadline = System.nanoTime() + BlockingConnection.READER_JOIN_TIMEOUT.toNanos();
        for (BlockingConnection connection : open) {
            connection.awaitReader(deadline);
        }
        ScheduledThreadPoolExecutor executor;
        synchronized (schedulerLock) {
            executor = scheduler;
            scheduler = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                    LOG.warn("The {} APNs backend's watchdog thread did not stop within 1 s.", backendName);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.debug("Interrupted while waiting for the watchdog thread to stop.", e);
            }
        }
        contexts.clear();
    }

    @Override
    public String toString() {
        return "SocketTransport[" + backendName + ", open connections=" + connections.size() + (closed.get() ? ", closed" : "") + "]";
    }

    /** How many TLS contexts are cached; for tests. */
    int cachedContexts() {
        return contexts.size();
    }

    void forget(BlockingConnection connection) {
        connections.remove(connection);
    }

    private IOException closedFailure() {
        return new IOException("The " + backendName + " APNs backend is closed; it opens no new connections.");
    }

    private IOException closedWhileConnecting(Endpoint endpoint, Exception cause) {
        return new IOException("The " + backendName + " APNs backend was closed while connecting to " + endpoint
                + ".", cause);
    }

    /** Schedules the next sweep of write deadlines unless one is scheduled. */
    private void startSweeping(ScheduledThreadPoolExecutor watchdog) {
        if (sweeping.compareAndSet(false, true)) {
            try {
                watchdog.schedule(() -> sweepWrites(watchdog), WRITE_SWEEP_NANOS, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                sweeping.set(false); // the transport is closing; its connections are closed with it
            }
        }
    }

    /**
     * Fails every write that has passed its deadline, then comes back in {@link #WRITE_SWEEP_NANOS} while
     * connections are open: a write timeout fires at most that much late.
     */
    private void sweepWrites(ScheduledThreadPoolExecutor watchdog) {
        long now = System.nanoTime();
        for (BlockingConnection connection : connections) {
            connection.enforceWriteTimeout(now);
        }
        sweeping.set(false);
        if (!connections.isEmpty() && !closed.get()) {
            startSweeping(watchdog);
        }
    }

    private ScheduledThreadPoolExecutor scheduler() throws IOException {
        synchronized (schedulerLock) {
            if (closed.get()) {
                throw closedFailure();
            }
            if (scheduler == null) {
                ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
                    Thread thread = new Thread(task, "apns-" + backendName + "-watchdog-" + WATCHDOGS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
                executor.setRemoveOnCancelPolicy(true);
                executor.setKeepAliveTime(30, TimeUnit.SECONDS);
                executor.allowCoreThreadTimeOut(true);
                scheduler = executor;
            }
            return scheduler;
        }
    }

    /**
     * The context for this identity (or none) and trust. ALPN and the proxy are set per socket, so they are not
     * part of the key.
     */
    private SSLContext context(Optional<Certificate> certificate, Trust trust) throws SSLException {
        return contexts.get(new TlsContextCache.Key(certificate, trust), key -> {
            try {
                KeyManager[] keyManagers = certificate.isPresent()
                        ? JsseCertificate.keyManagersOf(certificate.get()) : NoClientCertificate.keyManagers();
                return contextFactory.create(keyManagers, contexts.trustManagerFactory(trust).getTrustManagers());
            } catch (GeneralSecurityException e) {
                throw new SSLException("The " + backendName + " APNs backend could not build a TLS context for "
                        + key.describe() + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * The protocol the server selected with ALPN, or null: JSSE reports "" when the server selected none. A
     * provider without ALPN support is logged and treated as "none".
     */
    private String selectedProtocol(SSLSocket tls, Endpoint endpoint) {
        try {
            return TlsSettings.selectedProtocol(tls.getApplicationProtocol()).orElse(null);
        } catch (UnsupportedOperationException e) {
            LOG.debug("The {} backend's TLS provider does not report ALPN results; no protocol for {}.", backendName,
                    endpoint, e);
            return null;
        }
    }

    /**
     * Connects to the proxy and asks it for a tunnel to {@code target}, the two together bounded by {@code
     * timeout}: the TCP connect by the socket's connect timeout, the exchange by SO_TIMEOUT for a silent proxy
     * and the watchdog closing the socket at the deadline for one that trickles bytes. Every failure is a
     * {@link ProxyException} naming the proxy.
     */
    private void tunnel(Socket plain, Proxy proxy, Endpoint target, Duration timeout,
                        ScheduledThreadPoolExecutor watchdog) throws IOException {
        long deadlineNanos = System.nanoTime() + Timeouts.nanos(timeout);
        Endpoint at = proxy.endpoint();
        InetSocketAddress address = new InetSocketAddress(at.host(), at.port());
        if (address.isUnresolved()) {
            throw new ProxyException(proxy, target, null, "its host name " + at.host() + " does not resolve", null);
        }
        try {
            plain.connect(address, Timeouts.millis(timeout));
        } catch (SocketTimeoutException e) {
            throw new ProxyException(proxy, target, null, "the TCP connect to the proxy did not finish within "
                    + Timeouts.describe(timeout), e);
        } catch (IOException e) {
            throw new ProxyException(proxy, target, null, "could not connect to the proxy: " + e.getMessage(), e);
        }
        Duration left = Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline;
        try {
            deadline = watchdog.schedule(() -> {
                expired.set(true);
                closeQuietly(plain, target);
            }, left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw closedWhileConnecting(target, e);
        }
        try {
            plain.setSoTimeout(Timeouts.millis(left));
            ProxyTunnel.open(plain.getInputStream(), plain.getOutputStream(), proxy, target);
        } catch (ProxyException e) {
            if (expired.get()) {
                throw proxyTimeout(proxy, target, timeout, e);
            }
            throw e;
        } catch (SocketTimeoutException e) {
            throw proxyTimeout(proxy, target, timeout, e);
        } catch (IOException e) {
            if (expired.get()) {
                throw proxyTimeout(proxy, target, timeout, e);
            }
            throw new ProxyException(proxy, target, null, "the connection to the proxy failed: " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
    }

    private static ProxyException proxyTimeout(Proxy proxy, Endpoint target, Duration timeout, Exception cause) {
        return new ProxyException(proxy, target, null, "the proxy did not open the tunnel within "
                + Timeouts.describe(timeout), cause);
    }

    /**
     * Socket I/O ignores interrupts, so the watchdog looks at the connecting thread every
     * {@link #INTERRUPT_POLL_MILLIS} and closes the socket once it is interrupted: a caller that gives up (a
     * sender shutting down) is not held for the whole connect timeout.
     */
    private ScheduledFuture<?> watchInterrupt(Thread caller, Socket socket, Endpoint endpoint,
                                              ScheduledThreadPoolExecutor watchdog) throws IOException {
        try {
            return watchdog.scheduleWithFixedDelay(() -> {
                if (caller.isInterrupted()) {
                    closeQuietly(socket, endpoint);
                }
            }, INTERRUPT_POLL_MILLIS, INTERRUPT_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw closedWhileConnecting(endpoint, e);
        }
    }

    private static final long INTERRUPT_POLL_MILLIS = 20;

    private static void connectTcp(Socket plain, Endpoint endpoint, Duration timeout) throws IOException {
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (address.isUnresolved()) {
            throw new ConnectFailure(ConnectFailure.Kind.UNREACHABLE, "Could not connect to " + endpoint
                    + ": the host name " + endpoint.host() + " does not resolve.",
                    new UnknownHostException(endpoint.host()));
        }
        try {
            plain.connect(address, Timeouts.millis(timeout));
        } catch (SocketTimeoutException e) {
            throw new ConnectFailure(ConnectFailure.Kind.TIMED_OUT, "TCP connect to " + endpoint
                    + " did not finish within " + Timeouts.describe(timeout) + ".", e);
        } catch (ConnectException e) {
            throw new ConnectFailure(ConnectFailure.Kind.REFUSED_CONNECTION, "Could not connect to " + endpoint + ": "
                    + e.getMessage() + ".", e);
        } catch (NoRouteToHostException e) {
            throw new ConnectFailure(ConnectFailure.Kind.UNREACHABLE, "Could not connect to " + endpoint + ": "
                    + e.getMessage() + ".", e);
        } catch (IOException e) {
            throw new IOException("Could not connect to " + endpoint + ": " + e.getMessage() + ".", e);
        }
    }

    /**
     * Runs the handshake with SO_TIMEOUT set to the limit (a silent server) and a watchdog that closes the
     * socket at the limit (a server that trickles bytes), so the whole handshake is bounded.
     */
    private void handshake(Socket plain, SSLSocket tls, Endpoint endpoint, Duration timeout,
                           ScheduledThreadPoolExecutor watchdog) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline;
        try {
            deadline = watchdog.schedule(() -> {
                expired.set(true);
                closeQuietly(plain, endpoint);
            }, Timeouts.nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw closedWhileConnecting(endpoint, e);
        }
        try {
            plain.setSoTimeout(Timeouts.millis(timeout));
            tls.startHandshake();
        } catch (SocketTimeoutException e) {
            throw handshakeTimeout(endpoint, timeout, e);
        } catch (IOException e) {
            if (expired.get()) {
                throw handshakeTimeout(endpoint, timeout, e);
            }
            throw HandshakeFailures.classify(endpoint, e);
        } finally {
            deadline.cancel(false);
        }
    }

    private static ConnectFailure handshakeTimeout(Endpoint endpoint, Duration timeout, Exception cause) {
        return new ConnectFailure(ConnectFailure.Kind.TIMED_OUT, "TLS handshake with " + endpoint
                + " did not finish within " + Timeouts.describe(timeout) + ".", cause);
    }

    private static void closeAfterFailedConnect(Socket plain, SSLSocket tls, Endpoint endpoint, Exception failure) {
        // The TLS socket is not closed gracefully here: a close_notify could block on a peer that does not
        // read, and a connection that never finished its handshake has nothing to flush.
        closeQuietly(plain, endpoint);
        if (tls != null) {
            try {
                tls.close();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    static void closeQuietly(Socket socket, Endpoint endpoint) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing the socket to {} failed; it is unusable either way.", endpoint, e);
        }
    }

    static <T extends Throwable> T withCause(T exception, Throwable cause) {
        exception.initCause(cause);
        return exception;
    }
}
