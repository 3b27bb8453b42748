package dev.apns.mock.h2;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;

/**
 * The optional epoll transport, touched only after {@link #epollAvailable()} said its classes and native library
 * are here (they are optional dependencies).
 */
final class Transports {
    private Transports() {
    }

    static boolean epollAvailable() {
        try {
            Class.forName("io.netty.channel.epoll.Epoll", false, Transports.class.getClassLoader());
            return Epoll.isAvailable();
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    static IoHandlerFactory epollHandlerFactory() {
        return EpollIoHandler.newFactory();
    }

    static Class<? extends ServerChannel> epollServerChannel() {
        return EpollServerSocketChannel.class;
    }
}
