package dev.apns.backend.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.Test;

/**
 * The Netty-specific behaviour on the backend as discovered: native epoll and OpenSSL (BoringSSL) where their
 * native libraries load, which on Linux x86-64 they must, since this module's tests have them on the class path.
 */
class NettyBackendNativeTest extends NettyBackendBehaviour {
    @Override
    NettyBackend newBackend() {
        return new NettyBackend();
    }

    @Test
    void usesTheNativeTransportAndOpenSslOnLinuxX8664() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().startsWith("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "native libraries here are for Linux x86-64");
        TlsTestServer server = tlsServer((socket, s) -> s.awaitClose());

        backend.connect(request(server.endpoint()), listener());

        assertThat(backend.runtimeIfStarted().transport()).isEqualTo("epoll");
        assertThat(backend.runtimeIfStarted().tlsProvider()).isEqualTo("OPENSSL");
    }
}
