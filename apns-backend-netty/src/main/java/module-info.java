/**
 * The Netty transport backend: many TLS connections on a few event-loop threads. Netty 4.2 ships explicit
 * module descriptors, so its modules are required by name. The epoll classes are optional (probed at run
 * time), hence {@code requires static}. Core and the transport are transitive: the exported backend class
 * shows their types.
 */
module dev.apns.backend.netty {
    requires transitive dev.apns.core;
    requires org.slf4j;
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.handler;
    requires io.netty.handler.proxy;
    requires io.netty.resolver;
    // EventLoopGroup appears in NettyBackend.Builder.
    requires transitive io.netty.transport;
    requires static io.netty.transport.classes.epoll;

    exports dev.apns.backend.netty;

    provides dev.apns.spi.Backend with dev.apns.backend.netty.NettyBackend;
}
