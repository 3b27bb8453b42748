package dev.apns.backend.netty;

import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.Trust;
import dev.apns.spi.Certificate;
import dev.apns.spi.ConnectFailure;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.support.Timeouts;
import dev.apns.spi.support.TlsFailures;
import dev.apns.spi.support.TlsSettings;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * What a {@link NettyBackend} creates on its first connect: the event-loop group and its channel type (epoll
 * or NIO), the TLS provider (OpenSSL or the JDK), and the TLS contexts ({@link NettyTlsContexts}).
 * The backend reaches Netty only through this class (and the connections it makes), so that the backend
 * itself loads and links without Netty on the class path.
 *
 * <p>Thread-safe: {@link #connect} may run on many threads at once.
 */
final class NettyRuntime {
    /** Pending outbound bytes above which a channel is unwritable, and below which it is writable again. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);
    /** How long a local close waits to flush the TLS close_notify before closing the socket under it. */
    static final Duration CLOSE_NOTIFY_FLUSH_TIMEOUT = Duration.ofMillis(250);
    /** How long an own event-loop group may take to shut down. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(NettyRuntime.class);
    /** Extra time the caller waits beyond Netty's own timers, which fire first unless something is wrong. */
    private static final long WAIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Class<? extends SocketChannel> channelType;
    private final String transport;
    private final SslProvider sslProvider;
    private final NettyTlsContexts contexts;

    private NettyRuntime(EventLoopGroup group, boolean ownsGroup, Class<? extends SocketChannel> channelType,
                         String transport, SslProvider sslProvider) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.channelType = channelType;
        this.transport = transport;
        this.sslProvider = sslProvider;
        this.contexts = new NettyTlsContexts(sslProvider);
    }

    /** Chooses the transport and the TLS provider, and creates the event-loop group unless one is given. */
    static NettyRuntime start(EventLoopGroup userGroup, NettyBackend.Options options) {
        SslProvider provider = chooseSslProvider(options);
        if (userGroup != null) {
            boolean epoll = EpollSupport.isEpollGroup(userGroup);
            return new NettyRuntime(userGroup, false, epoll ? EpollSupport.channelType() : NioSocketChannel.class,
                    epoll ? "epoll (given group)" : "nio (given group)", provider);
        }
        boolean epoll = options.nativeTransport() && EpollSupport.available();
        if (options.nativeTransport() && !epoll) {
            LOG.debug("The native epoll transport is not used: {}.", EpollSupport.unavailabilityReason());
        }
        IoHandlerFactory handlers = epoll ? EpollSupport.handlerFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.eventLoopThreads(),
                new DefaultThreadFactory("apns-netty", true), handlers);
        return new NettyRuntime(group, true, epoll ? EpollSupport.channelType() : NioSocketChannel.class,
                epoll ? "epoll" : "nio", provider);
    }

    /** Refuses a user's group that runs neither NIO nor epoll, which the backend has no channel type for. */
    static void checkSupportedGroup(EventLoopGroup group) {
        if (EpollSupport.isEpollGroup(group)) {
            return;
        }
        if (group instanceof IoEventLoopGroup io && !io.isIoType(NioIoHandler.class)) {
            throw new IllegalArgumentException("The Netty APNs backend runs on NIO or epoll event loops; the group "
                    + group.getClass().getName() + " runs another transport.");
        }
    }

    private static SslProvider chooseSslProvider(NettyBackend.Options options) {
        if (!options.openSsl()) {
            return SslProvider.JDK;
        }
        try {
            if (OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)) {
                return SslProvider.OPENSSL;
            }
            LOG.debug("OpenSSL is not used for TLS: {}.", OpenSsl.isAvailable() ? "it does not support TLS 1.3"
                    : String.valueOf(OpenSsl.unavailabilityCause()));
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("OpenSSL is not used for TLS: probing it failed.", e);
        }
        return SslProvider.JDK;
    }

    /** True when the calling thread is one of this runtime's event loops. */
    boolean inEventLoop() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Connects and completes the TLS handshake, blocking the caller (never an event loop). The connection
     * returned is established but not started: its listener hears nothing until {@link NettyConnection#start()}.
     */
    NettyConnection connect(ConnectRequest request, Connection.Listener listener, NettyBackend backend)
            throws IOException {
        Endpoint endpoint = request.endpoint();
        Duration timeout = request.connectTimeout();
        SslContext context = contexts.context(request.certificate(), request.trust(), request.applicationProtocols());
        Proxy proxy = request.proxy().orElse(null);
        InetSocketAddress proxyAddress = proxy == null ? null : NettyProxies.proxyAddress(proxy, endpoint);
        InetSocketAddress address = proxy == null ? resolve(endpoint) : NettyProxies.targetAddress(endpoint);
        // Kept here, not looked up in the pipeline later: a channel that closes empties its pipeline.
        ProxyHandler proxyHandler = proxy == null ? null : NettyProxies.handler(proxy, proxyAddress, timeout);
        NettyConnection connection = new NettyConnection(backend, this, endpoint, listener, request.writeTimeout());
        // Likewise the TLS handler of a direct connection: a handshake that fails at once closes the channel, and
        // its failure must still be read from the handler.
        AtomicReference<SslHandler> directTls = new AtomicReference<>();

        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Timeouts.millis(timeout))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_CLOSE, false) // after a failed write, go on reading the peer's last words
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (proxy != null) {
                            // TLS joins once the tunnel stands, so that its handshake timer starts then.
                            channel.pipeline().addLast("proxy", proxyHandler);
                        } else {
                            SslHandler handler = tlsHandler(context, channel, endpoint, timeout);
                            directTls.set(handler);
                            channel.pipeline().addLast("tls", handler);
                        }
                        channel.pipeline().addLast("apns", connection.handler());
                    }
                });
        if (proxy != null) {
            // The target goes to the proxy by name; nothing may resolve it here (nor block an event loop doing so).
            bootstrap.resolver(NoopAddressResolverGroup.INSTANCE);
        }

        ChannelFuture connected;
        try {
            connected = bootstrap.connect(address);
        } catch (RejectedExecutionException e) {
            throw new IOException("The Netty APNs backend was closed while connecting to " + endpoint + ".", e);
        }
        Channel channel = connected.channel();
        if (!await(connected, timeout, channel, endpoint)) {
            if (proxy != null) {
                throw NettyProxies.unreachable(proxy, endpoint, timeout, new SocketTimeoutException("TCP connect"));
            }
            throw new ConnectFailure(ConnectFailure.Kind.TIMED_OUT, "TCP connect to " + endpoint
                    + " did not finish within " + Timeouts.describe(timeout) + ".", null);
        }
        if (!connected.isSuccess()) {
            channel.close();
            if (proxy != null) {
                throw NettyProxies.unreachable(proxy, endpoint, timeout, connected.cause());
            }
            throw tcpFailure(endpoint, timeout, connected.cause());
        }
        SslHandler tls;
        if (proxy != null) {
            NettyProxies.awaitTunnel(proxyHandler, channel, proxy, endpoint, timeout);
            tls = tlsHandler(context, channel, endpoint, timeout);
            try {
                channel.pipeline().addBefore("apns", "tls", tls);
            } catch (RuntimeException e) {
                channel.close();
                throw new SSLException("TLS handshake with " + endpoint + " failed: the connection through the "
                        + proxy + " closed before TLS began.", e);
            }
        } else {
            tls = directTls.get();
        }
        if (tls == null) {
            channel.close();
            throw new ConnectFailure(ConnectFailure.Kind.BROKEN_OFF, "TLS handshake with " + endpoint
                    + " failed: the connection closed before TLS began.", null);
        }
        Future<Channel> handshake = tls.handshakeFuture();
        if (!await(handshake, timeout, channel, endpoint)) {
            throw new ConnectFailure(ConnectFailure.Kind.TIMED_OUT, "TLS handshake with " + endpoint
                    + " did not finish within " + Timeouts.describe(timeout) + ".", null);
        }
        if (!handshake.isSuccess()) {
            channel.close();
            throw handshakeFailure(endpoint, timeout, handshake.cause());
        }
        String protocol = tls.engine().getSession().getProtocol();
        String selected = request.applicationProtocols().isEmpty() ? null
                : TlsSettings.selectedProtocol(tls.applicationProtocol()).orElse(null);
        connection.established(channel, protocol, selected);
        LOG.debug("Connected to {} with {} ({}, ALPN {}, {} transport, {} TLS{}).", endpoint, protocol,
                tls.engine().getSession().getCipherSuite(), selected == null ? "none" : selected, transport, sslProvider,
                proxy == null ? "" : ", through the " + proxy);
        return connection;
    }

    /**
     * Waits for {@code future} a little longer than Netty's own timer for it; false (with the channel
     * closed) when it is still not done.
     */
    static boolean await(Future<?> future, Duration timeout, Channel channel, Endpoint endpoint)
            throws IOException {
        try {
            if (future.await(Timeouts.nanos(timeout) + WAIT_GRACE_NANOS, TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while connecting to "
                    + endpoint + "; the connection attempt is abandoned.");
            interrupted.initCause(e);
            throw interrupted;
        }
        channel.close();
        return false;
    }

    private SslHandler tlsHandler(SslContext context, Channel channel, Endpoint endpoint, Duration timeout) {
        SslHandler handler = context.newHandler(channel.alloc(), endpoint.host(), endpoint.port());
        TlsSettings.verifyHostname(handler.engine());
        handler.setHandshakeTimeoutMillis(Timeouts.millis(timeout));
        handler.setCloseNotifyFlushTimeoutMillis(CLOSE_NOTIFY_FLUSH_TIMEOUT.toMillis());
        handler.setCloseNotifyReadTimeoutMillis(0);
        return handler;
    }

    private static InetSocketAddress resolve(Endpoint endpoint) throws UnknownHostException {
        // Resolved here, on the caller's thread: Netty's default resolver would block an event loop.
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException("Could not connect to " + endpoint + ": the host name " + endpoint.host()
                    + " does not resolve.");
        }
        return address;
    }

    private static IOException tcpFailure(Endpoint endpoint, Duration timeout, Throwable cause) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return new ConnectFailure(ConnectFailure.Kind.TIMED_OUT, "TCP connect to " + endpoint
                    + " did not finish within " + Timeouts.describe(timeout) + ".", cause);
        }
        if (cause instanceof ConnectException) {
            return new ConnectFailure(ConnectFailure.Kind.REFUSED_CONNECTION, "Could not connect to " + endpoint + ": "
                    + reason(cause) + ".", cause);
        }
        if (cause instanceof NoRouteToHostException) {
            return new ConnectFailure(ConnectFailure.Kind.UNREACHABLE, "Could not connect to " + endpoint + ": "
                    + reason(cause) + ".", cause);
        }
        if (cause instanceof ClosedChannelException || cause instanceof RejectedExecutionException) {
            return new IOException("Could not connect to " + endpoint + ": the channel was closed, most likely "
                    + "because the backend was closed meanwhile.", cause);
        }
        return new IOException("Could not connect to " + endpoint + ": " + reason(cause) + ".", cause);
    }

    private static ConnectFailure handshakeFailure(Endpoint endpoint, Duration timeout, Throwable cause) {
        Throwable failure = NettyConnection.unwrap(cause);
        if (failure instanceof SslHandshakeTimeoutException) {
            return new ConnectFailure(ConnectFailure.Kind.TIMED_OUT, "TLS handshake with " + endpoint
                    + " did not finish within " + Timeouts.describe(timeout) + ".", failure);
        }
        if (failure instanceof ClosedChannelException) {
            return new ConnectFailure(ConnectFailure.Kind.BROKEN_OFF, "TLS handshake with " + endpoint
                    + " failed: the connection closed before the handshake completed.", failure);
        }
        return new ConnectFailure(handshakeKind(failure), "TLS handshake with " + endpoint + " failed: "
                + reason(failure), failure);
    }

    /** What Netty's engines say, besides the common phrases, when the peer hung up during the handshake. */
    private static final List<String> MORE_HANG_UP_PHRASES = List.of("closed already", "closed while");

    /**
     * The kind of a handshake failure that is not a timeout: our trust manager's refusal arrives as a
     * {@link java.security.cert.CertificateException} cause, the server's as a received alert, a hang-up as a
     * closed channel or an end of stream.
     */
    static ConnectFailure.Kind handshakeKind(Throwable failure) {
        return TlsFailures.handshakeKind(failure, MORE_HANG_UP_PHRASES);
    }

    /**
     * A failure's message without Netty's decorations: the native "syscall(..) failed: " prefix and the
     * trailing ": /address" of its annotated connect exceptions.
     */
    static String reason(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        String reason = message.replaceFirst("^\\w+\\(\\.\\.\\) failed: ", "");
        return reason.replaceFirst(": (\\S*/[\\d.:\\[\\]a-fA-F]+)$", "");
    }

    static <T extends Throwable> T withCause(T exception, Throwable cause) {
        exception.initCause(cause);
        return exception;
    }

    /**
     * Shuts down an own group (gracefully: quiet period 0, at most {@link #SHUTDOWN_TIMEOUT}), waiting for it
     * when {@code await}; a given group is left running. Forgets the TLS contexts either way.
     */
    void shutdown(boolean await) {
        contexts.clear();
        if (!ownsGroup) {
            return;
        }
        Future<?> terminated = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!await) {
            return;
        }
        try {
            if (!terminated.await(SHUTDOWN_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
                LOG.warn("The Netty APNs backend's event-loop threads did not stop within {}.",
                        Timeouts.describe(SHUTDOWN_TIMEOUT.plusSeconds(1)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debug("Interrupted while waiting for the event-loop threads to stop.", e);
        }
    }

    /** How many TLS contexts are cached; for tests. */
    int cachedContexts() {
        return contexts.size();
    }

    /** {@code epoll} or {@code nio}, with {@code (given group)} for a user's group; for tests and logs. */
    String transport() {
        return transport;
    }

    /** The TLS implementation: {@code OPENSSL} or {@code JDK}; for tests and logs. */
    String tlsProvider() {
        return sslProvider.name();
    }

    /** The event-loop group's threads (for an own group) ; for tests. */
    int eventLoopThreads() {
        int count = 0;
        for (EventExecutor ignored : group) {
            count++;
        }
        return count;
    }

    String describe() {
        return transport + " transport, " + eventLoopThreads() + " event loops, " + sslProvider + " TLS";
    }
}
