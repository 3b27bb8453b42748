package dev.apns.backend.conscrypt;

import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.Http2ProtocolKit;

/** The HTTP/2 protocol kit over the Conscrypt backend. */
class ConscryptHttp2ProtocolTest extends Http2ProtocolKit {
    @Override
    protected Backend createBackend() {
        return new ConscryptBackend();
    }
}
