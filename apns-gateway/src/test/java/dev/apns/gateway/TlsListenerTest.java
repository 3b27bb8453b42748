package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.mock.credentials.TestCertificates;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST listener with TLS on: a PKCS#12 key store holding apns-mock's server certificate for 127.0.0.1, and an
 * HTTPS client that trusts the test authority. With TLS on there is one listener, on the configured port, and it
 * speaks TLS only.
 */
class TlsListenerTest {
    private static final TestCertificates CERTIFICATES = MockApns.CERTIFICATES;
    private static final String PASSWORD = "key-store-password";

    @TempDir
    Path directory;

    @Test
    void servesTheRestInterfaceOverTlsOnlyAndOnlyOnTheConfiguredPort() throws Exception {
        Path keyStore = directory.resolve("server.p12");
        Files.write(keyStore, CERTIFICATES.server().pkcs12(PASSWORD.toCharArray()));
        int port = freePort();
        GatewayConfig config = GatewayConfig.builder().port(port).dataDirectory(directory.resolve("data"))
                .tls(new GatewayConfig.Tls(keyStore, PASSWORD)).build();
        assertThat(config.toString()).doesNotContain(PASSWORD);

        try (Gateway gateway = Gateway.start(config)) {
            assertThat(gateway.port()).isEqualTo(port);
            assertThat(gateway.listeners()).containsExactly("https://127.0.0.1:" + port);

            RestClient https = RestClient.https(port, trustingTheTestAuthority());
            RestClient.Response health = https.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body().get("status").asText()).isEqualTo("up");
            assertThat(https.get("/apps").body().get("response")).isEmpty();

            assertThat(plainHttpGet(port)).as("a plain HTTP request to the TLS port").doesNotContain("\"up\"")
                    .doesNotStartWith("HTTP/1.1 200");
        }
    }

    @Test
    void aKeyStoreWithTheWrongPasswordStopsTheStart() throws Exception {
        Path keyStore = directory.resolve("server.p12");
        Files.write(keyStore, CERTIFICATES.server().pkcs12(PASSWORD.toCharArray()));
        GatewayConfig config = GatewayConfig.builder().port(0).dataDirectory(directory.resolve("data"))
                .tls(new GatewayConfig.Tls(keyStore, "not-the-password")).build();
        Throwable failure = null;
        try (Gateway gateway = Gateway.start(config)) {
            assertThat(gateway).as("a gateway started with a key store it cannot open").isNull();
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        assertThat(stackMessages(failure)).doesNotContain("not-the-password");
    }

    private static SSLContext trustingTheTestAuthority() {
        // A client certificate's context trusting the authority: the gateway does not ask for it.
        return CERTIFICATES.client("rest-client").sslContext(CERTIFICATES.authority().certificate());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** What the listener answers a plain HTTP request with (empty when it closes without answering). */
    private static String plainHttpGet(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1_000);
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int read; answer.size() < 65_536 && (read = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, read);
                }
            } catch (SocketTimeoutException | java.net.SocketException ended) {
                // No answer, or a reset: either way no plain HTTP was served.
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String stackMessages(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        List<Throwable> seen = new java.util.ArrayList<>();
        for (Throwable t = failure; t != null && !seen.contains(t) && seen.size() < 20; t = t.getCause()) {
            seen.add(t);
            messages.append(t).append('\n');
        }
        return messages.toString();
    }
}
