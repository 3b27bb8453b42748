// tag::conformance-subclass[]
package com.example.apns;

import dev.apns.backend.blocking.BlockingBackend;
import dev.apns.spi.Backend;
import dev.apns.testkit.conformance.BackendConformanceSuite;

class MyBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new BlockingBackend();   // yours: return new MyBackend();
    }
}
// end::conformance-subclass[]
