package dev.apns.backend.netty;

import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.BackendConformanceSuite;

/** The Netty backend (epoll and OpenSSL where present) runs the whole conformance suite. */
class NettyBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new NettyBackend();
    }
}
