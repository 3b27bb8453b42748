package dev.apns.backend.blocking;

import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.Http2ProtocolKit;

/** The HTTP/2 protocol kit over the blocking backend. */
class BlockingHttp2ProtocolTest extends Http2ProtocolKit {
    @Override
    protected Backend createBackend() {
        return new BlockingBackend();
    }
}
