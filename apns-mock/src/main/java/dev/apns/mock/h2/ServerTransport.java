package dev.apns.mock.h2;

import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.TestCertificates;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The mock server's Netty side: an event loop group (epoll when its native library is on the class path, NIO
 * otherwise), TLS (OpenSSL when netty-tcnative is present, the JDK's otherwise) offering {@code h2} by ALPN and
 * asking for an optional client certificate from the test authority, and a listener on 127.0.0.1.
 */
final class ServerTransport implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;
    private final String description;

    ServerTransport(MockApnsHttp2Server server, TestCertificates certificates, int port, int threads, boolean openSsl) {
        SslProvider provider = openSsl && openSslAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContext tls = tlsContext(certificates, provider);
        boolean epoll = Transports.epollAvailable();
        IoHandlerFactory handlers = epoll ? Transports.epollHandlerFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? Transports.epollServerChannel() : NioServerSocketChannel.class;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("mock-apns-h2", true), handlers);
        try {
            this.listener = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            if (server.script().refuseHandshakes()) {
                                server.observations().countRefused();
                                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                                channel.close();
                                return;
                            }
                            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()))
                                    .addLast("alpn", new Negotiation(server));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .syncUninterruptibly()
                    .channel();
        } catch (Exception e) { // Netty rethrows the bind's checked exceptions undeclared
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (isIoFailure(e)) {
                throw new UncheckedIOException(new IOException("Cannot bind the mock HTTP/2 server to 127.0.0.1:"
                        + port + ": " + e.getMessage(), e));
            }
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
        this.description = (epoll ? "epoll" : "nio") + ", " + provider + " TLS, " + threads + " event loop threads";
    }

    private static boolean isIoFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The transport and TLS provider in use, for the log. */
    String description() {
        return description;
    }

    private static boolean openSslAvailable() {
        try {
            return OpenSsl.isAvailable();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static SslContext tlsContext(TestCertificates certificates, SslProvider provider) {
        IssuedCertificate identity = certificates.server();
        try {
            return SslContextBuilder.forServer(identity.privateKey(), identity.chain().toArray(X509Certificate[]::new))
                    .sslProvider(provider)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .trustManager(certificates.authority().certificate())
                    .clientAuth(ClientAuth.OPTIONAL)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("Cannot set up TLS for the mock HTTP/2 server: " + e.getMessage(), e);
        }
    }

    /**
     * After the handshake: HTTP/2 when the client chose {@code h2} or offered no ALPN (prior knowledge on TLS), a
     * close otherwise. Failed handshakes are counted, not logged: tests provoke them.
     */
    private static final class Negotiation extends ApplicationProtocolNegotiationHandler {
        private final MockApnsHttp2Server server;

        Negotiation(MockApnsHttp2Server server) {
            super(ApplicationProtocolNames.HTTP_2);
            this.server = server;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                server.observations().countHandshakeFailure();
                ctx.close();
                return;
            }
            String subject = clientSubject(ctx.pipeline().get(SslHandler.class));
            int number = server.observations().nextConnectionNumber();
            Authenticator authenticator = new Authenticator(server, subject);
            ctx.pipeline().addLast("h2", new MockHttp2Connection(server, number, authenticator));
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            server.observations().countHandshakeFailure();
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            server.observations().countHandshakeFailure();
            ctx.close();
        }

        private static String clientSubject(SslHandler tls) {
            try {
                Certificate[] chain = tls.engine().getSession().getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof X509Certificate certificate
                        ? certificate.getSubjectX500Principal().getName() : null;
            } catch (SSLPeerUnverifiedException e) {
                return null; // no client certificate: token authentication
            }
        }
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
