package dev.apns.backend.netty;

import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.Http2ProtocolKit;

/** The HTTP/2 protocol kit over the Netty backend with NIO and the JDK's TLS. */
class NettyNioJdkHttp2ProtocolTest extends Http2ProtocolKit {
    @Override
    protected Backend createBackend() {
        return NettyBackendNioJdkConformanceTest.nioAndJdkTls();
    }
}
