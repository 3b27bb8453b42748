package dev.apns.backend.netty;

import dev.apns.Credentials;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.spi.support.Timeouts;

import io.netty.channel.EventLoopGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Netty transport: every connection is a channel on one event-loop group shared by all connections of
 * this backend, so thousands of connections (one per app certificate) need only a few threads. TLS runs in
 * Netty's {@code SslHandler}, on OpenSSL (BoringSSL from {@code netty-tcnative-boringssl-static}) when that
 * is on the class path and on the JDK's TLS otherwise; the native epoll transport is used when
 * {@code netty-transport-native-epoll} is on the class path and works here, NIO otherwise. TLS 1.3 and 1.2,
 * hostname verification always on (IP literals too). ALPN through Netty's {@code ApplicationProtocolConfig}
 * (a server without ALPN still connects), connections without a client certificate, and HTTP CONNECT and
 * SOCKS5 proxies through {@code netty-handler-proxy}.
 *
 * <p>Discovery is cheap: constructing the backend and asking its name, priority, availability and features
 * initialises no Netty class and creates no thread (availability only looks Netty's classes up). The event-loop group ({@code 2 x} available processors daemon
 * threads named {@code apns-netty-<n>-<m>}) is created by the first {@link #connect}; a group given to
 * {@link Builder#eventLoopGroup} is used instead and left running by {@link #close()}. TLS contexts
 * are built once per (certificate or none, trust, ALPN protocols) and reused.
 *
 * <p>{@link #connect} blocks its caller until the TCP connect and the TLS handshake are done, so it must
 * not be called on an event-loop thread (it throws {@link IllegalStateException} there). The peer's bytes
 * reach the listener on the connection's event-loop thread.
 *
 * <p>Thread-safe. {@link #close()} closes every open connection, waits (at most two seconds) for their
 * listeners to hear it, then shuts its own event-loop group down.
 */
public final class NettyBackend implements Backend {
    /** The name users choose this backend by. */
    public static final String NAME = "netty";

    /** Above the blocking backend (5): chosen when Netty is on the class path and nothing is named. */
    static final int PRIORITY = 7;

    /** How long {@link #close()} waits for open connections to report their end. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(NettyBackend.class);
    private static final Set<Feature> FEATURES = Set.of(Feature.TLS_1_3, Feature.WRITE_TIMEOUT, Feature.HANDSHAKE_TIMEOUT,
            Feature.ALPN, Feature.PROXY);

    /**
     * Probed by {@link #availability()}: the 4.2 event-loop API (so an older Netty is reported, not failed
     * on), TLS, buffers and the transport.
     */
    private static final List<String> REQUIRED_CLASSES = List.of(
            "io.netty.channel.MultiThreadIoEventLoopGroup",
            "io.netty.channel.nio.NioIoHandler",
            "io.netty.handler.ssl.SslHandler",
            "io.netty.buffer.ByteBuf");

    private final Options options;
    private final EventLoopGroup userGroup;
    private final Set<NettyConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object runtimeLock = new Object();
    private NettyRuntime runtime; // guarded by runtimeLock

    /**
     * A backend that creates its own event-loop group on first use (twice as many threads as available
     * processors) and shuts it down on {@link #close()}. Called by {@link java.util.ServiceLoader} or
     * directly; creates nothing and loads no Netty class.
     */
    public NettyBackend() {
        this(new Builder());
    }

    private NettyBackend(Builder builder) {
        this.options = new Options(builder.nativeTransport, builder.openSsl, builder.eventLoopThreads);
        this.userGroup = builder.eventLoopGroup;
    }

    /**
     * A builder, for a backend on an event-loop group of your own or with another number of threads. (No
     * constructor takes Netty types: {@link java.util.ServiceLoader} looks at every public constructor, and
     * such a signature would break discovery where Netty is absent.)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Configures a {@link NettyBackend}. Not thread-safe; use it from one thread, then share the backend.
     */
    public static final class Builder {
        private EventLoopGroup eventLoopGroup;
        private int eventLoopThreads = 2 * Runtime.getRuntime().availableProcessors();
        private boolean threadsSet;
        private boolean nativeTransport = true;
        private boolean openSsl = true;

        private Builder() {
        }

        /**
         * Runs the connections on {@code group}, for applications that already run Netty. The group must use
         * the NIO or the epoll transport ({@code MultiThreadIoEventLoopGroup} with {@code NioIoHandler} or
         * {@code EpollIoHandler}, or the older {@code NioEventLoopGroup} and {@code EpollEventLoopGroup}). The
         * backend never shuts it down: {@link NettyBackend#close()} closes only the connections it opened.
         *
         * @throws IllegalArgumentException when the group runs another transport
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            Objects.requireNonNull(group, "group");
            NettyRuntime.checkSupportedGroup(group);
            this.eventLoopGroup = group;
            return this;
        }

        /** The number of threads of the backend's own event-loop group; twice the available processors by default. */
        public Builder eventLoopThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("An event-loop group needs at least one thread; was " + threads + ".");
            }
            this.eventLoopThreads = threads;
            this.threadsSet = true;
            return this;
        }

        /** Whether the native epoll transport may be used when it works here (default true); for tests. */
        Builder nativeTransport(boolean allowed) {
            this.nativeTransport = allowed;
            return this;
        }

        /** Whether OpenSSL may be used for TLS when it works here (default true); for tests. */
        Builder openSsl(boolean allowed) {
            this.openSsl = allowed;
            return this;
        }

        /**
         * The backend; it creates nothing until its first connect.
         *
         * @throws IllegalStateException when both a group and a thread count were given
         */
        public NettyBackend build() {
            if (eventLoopGroup != null && threadsSet) {
                throw new IllegalStateException("eventLoopThreads sizes the backend's own event-loop group; it cannot "
                        + "be combined with eventLoopGroup, whose size is the application's choice.");
            }
            return new NettyBackend(this);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Available when Netty 4.2 or newer is on the class path; probed without initialising any Netty class.
     * The optional native transport and OpenSSL are not required: their absence only means NIO and the JDK's
     * TLS.
     */
    @Override
    public Availability availability() {
        ClassLoader loader = NettyBackend.class.getClassLoader();
        for (String name : REQUIRED_CLASSES) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError | SecurityException e) {
                return Availability.unavailable("The Netty backend needs Netty 4.2 or newer on the class path "
                        + "(io.netty:netty-handler and its dependencies), but the class " + name
                        + " could not be loaded (" + e + ").");
            }
        }
        return Availability.available();
    }

    @Override
    public Set<Feature> features() {
        return FEATURES;
    }

    @Override
    public Certificate certificate(Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return new NettyCertificate(credentials);
    }

    /**
     * Opens a channel and completes its TLS handshake, blocking the caller meanwhile: the TCP connect and
     * then the handshake are each bounded by the request's connect timeout.
     *
     * @throws IllegalStateException when called on an event-loop thread of this backend, where waiting
     *     would block the loop that has to do the work
     */
    @Override
    public Connection connect(ConnectRequest request, Connection.Listener listener) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        NettyRuntime loops = runtime();
        if (loops.inEventLoop()) {
            throw new IllegalStateException("NettyBackend.connect was called on one of the backend's event-loop "
                    + "threads (" + Thread.currentThread().getName() + "), for example from a Connection.Listener "
                    + "callback. It blocks until the handshake is done, which needs that very thread; call it from "
                    + "another thread.");
        }
        NettyConnection connection = loops.connect(request, listener, this);
        connections.add(connection);
        if (closed.get()) {
            // close() ran while we connected and may have missed this connection; its listener was never
            // started, so it hears nothing.
            connection.abandon();
            forget(connection);
            throw new IOException("The Netty APNs backend was closed while connecting to " + request.endpoint() + ".");
        }
        connection.start();
        return connection;
    }

    /**
     * Closes every open connection, waits at most {@link #CLOSE_WAIT} for their listeners to hear it (not
     * when called on an event-loop thread), then shuts down the event-loop group if this backend created it
     * (quiet period 0, at most two seconds, awaited). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        NettyRuntime loops;
        synchronized (runtimeLock) {
            loops = runtime;
        }
        List<NettyConnection> open = new ArrayList<>(connections);
        for (NettyConnection connection : open) {
            connection.close();
        }
        boolean onEventLoop = loops != null && loops.inEventLoop();
        if (!onEventLoop) {
            awaitEnd(open, System.nanoTime() + CLOSE_WAIT.toNanos());
        }
        if (loops != null) {
            loops.shutdown(!onEventLoop);
        }
    }

    @Override
    public String toString() {
        NettyRuntime loops;
        synchronized (runtimeLock) {
            loops = runtime;
        }
        return "NettyBackend[" + (loops == null ? "not started" : loops.describe()) + ", open connections="
                + connections.size() + (closed.get() ? ", closed" : "") + "]";
    }

    /** The event loops and TLS contexts, once the first connect made them; for tests. */
    NettyRuntime runtimeIfStarted() {
        synchronized (runtimeLock) {
            return runtime;
        }
    }

    void forget(NettyConnection connection) {
        connections.remove(connection);
    }

    private NettyRuntime runtime() throws IOException {
        synchronized (runtimeLock) {
            if (closed.get()) {
                throw new IOException("The Netty APNs backend is closed; it opens no new connections.");
            }
            if (runtime == null) {
                runtime = NettyRuntime.start(userGroup, options);
                LOG.debug("Netty APNs backend started: {}.", runtime.describe());
            }
            return runtime;
        }
    }

    private static void awaitEnd(List<NettyConnection> connections, long deadline) {
        for (NettyConnection connection : connections) {
            long left = deadline - System.nanoTime();
            try {
                connection.closeFuture().toCompletableFuture().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("The connection to {} did not report its end within {} of the backend's close; its "
                        + "listener may be blocked.", connection.endpoint(), Timeouts.describe(CLOSE_WAIT));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.debug("Interrupted while waiting for the connections to end.", e);
                return;
            } catch (ExecutionException e) {
                LOG.debug("The close future of the connection to {} failed.", connection.endpoint(), e);
            }
        }
    }

    /** The backend's choices about its own resources. */
    record Options(boolean nativeTransport, boolean openSsl, int eventLoopThreads) {
    }
}
