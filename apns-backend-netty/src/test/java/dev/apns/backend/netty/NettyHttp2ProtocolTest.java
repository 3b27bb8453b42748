package dev.apns.backend.netty;

import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.Http2ProtocolKit;

/** The HTTP/2 protocol kit over the Netty backend (epoll and OpenSSL where present). */
class NettyHttp2ProtocolTest extends Http2ProtocolKit {
    @Override
    protected Backend createBackend() {
        return new NettyBackend();
    }
}
