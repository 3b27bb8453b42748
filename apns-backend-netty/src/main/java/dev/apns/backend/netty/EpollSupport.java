package dev.apns.backend.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * The one place that names Netty's epoll classes. The JVM loads it only after {@link #CLASSES_PRESENT}
 * said they are on the class path, so a class path without {@code netty-transport-classes-epoll} never
 * meets a missing class. Stateless.
 */
final class EpollSupport {
    /** Whether the epoll classes are on the class path; probed without initialising them. */
    static final boolean CLASSES_PRESENT = probe();

    private EpollSupport() {
    }

    private static boolean probe() {
        try {
            Class.forName("io.netty.channel.epoll.Epoll", false, EpollSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Whether the native epoll transport works here (the classes are present and the native library for
     * this platform loads); never throws.
     */
    static boolean available() {
        if (!CLASSES_PRESENT) {
            return false;
        }
        try {
            return Epoll.isAvailable();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Why epoll cannot be used here, for the log; call only when {@link #available()} is false. */
    static String unavailabilityReason() {
        if (!CLASSES_PRESENT) {
            return "netty-transport-native-epoll is not on the class path";
        }
        try {
            Throwable cause = Epoll.unavailabilityCause();
            return cause == null ? "unknown" : cause.toString();
        } catch (LinkageError | RuntimeException e) {
            return e.toString();
        }
    }

    static IoHandlerFactory handlerFactory() {
        return EpollIoHandler.newFactory();
    }

    static Class<? extends SocketChannel> channelType() {
        return EpollSocketChannel.class;
    }

    /** Whether a user's group runs the epoll transport. */
    static boolean isEpollGroup(EventLoopGroup group) {
        return CLASSES_PRESENT && group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
    }
}
