package dev.apns.backend.blocking;

import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.BackendConformanceSuite;

/** The blocking backend runs the whole conformance suite. */
class BlockingBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new BlockingBackend();
    }
}
