package dev.apns.backend.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.Test;

/**
 * The Netty-specific behaviour on the portable fallbacks: the NIO transport and the JDK's TLS, as a user gets
 * them without the optional native jars.
 */
class NettyBackendNioJdkTest extends NettyBackendBehaviour {
    @Override
    NettyBackend newBackend() {
        return NettyBackendNioJdkConformanceTest.nioAndJdkTls();
    }

    @Test
    void usesNioAndTheJdksTls() throws Exception {
        TlsTestServer server = tlsServer((socket, s) -> s.awaitClose());

        backend.connect(request(server.endpoint()), listener());

        assertThat(backend.runtimeIfStarted().transport()).isEqualTo("nio");
        assertThat(backend.runtimeIfStarted().tlsProvider()).isEqualTo("JDK");
        assertThat(backend.runtimeIfStarted().eventLoopThreads()).isEqualTo(2);
    }
}
