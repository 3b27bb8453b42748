package dev.apns.backend.conscrypt;

import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.BackendConformanceSuite;

/** The Conscrypt backend runs the whole conformance suite. */
class ConscryptBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new ConscryptBackend();
    }
}
