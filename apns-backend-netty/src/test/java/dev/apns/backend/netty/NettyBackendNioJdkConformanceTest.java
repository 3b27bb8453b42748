package dev.apns.backend.netty;

import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.BackendConformanceSuite;

/**
 * The Netty backend on the portable fallbacks, NIO and the JDK's TLS (what a user without the optional native
 * jars gets), runs the whole conformance suite too: its TLS engine and transport are not the default's.
 */
class NettyBackendNioJdkConformanceTest extends BackendConformanceSuite {
    /** A backend forced onto NIO and the JDK's TLS, with a two-thread event-loop group of its own. */
    static NettyBackend nioAndJdkTls() {
        return NettyBackend.builder().nativeTransport(false).openSsl(false).eventLoopThreads(2).build();
    }

    @Override
    protected Backend createBackend() {
        return nioAndJdkTls();
    }
}
