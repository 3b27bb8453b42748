package dev.apns.mock.h2;

import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Apple's documented curl command, run with this machine's curl against the mock server. */
@Timeout(30)
class MockHttp2CurlTest {
    private static String run(List<String> command, Path directory) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("curl did not finish within 20 s: " + String.join(" ", command));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private static void assumeCurlWithHttp2(Path directory) throws Exception {
        String version;
        try {
            version = run(List.of("curl", "--version"), directory);
        } catch (IOException e) {
            Assumptions.abort("curl is not installed here (" + e.getMessage() + "); skipping the curl interop test.");
            return;
        }
        Assumptions.assumeTrue(version.contains("HTTP2"), "This machine's curl lacks HTTP2 support; skipping.");
    }

    @Test
    void acceptsApplesDocumentedCurlCommand(@TempDir Path directory) throws Exception {
        assumeCurlWithHttp2(directory);
        TestCertificates certificates = TestCertificates.create();
        TestSigningKey key = TestSigningKey.generate();
        Path authority = directory.resolve("ca.pem");
        Files.writeString(authority, certificates.authorityPem());
        String token = "5e".repeat(32);
        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).start()) {
            key.register(server, Set.of("com.example.app"));
            String output = run(List.of("curl", "-v", "--header", "apns-topic: com.example.app",
                    "--header", "apns-push-type: alert",
                    "--header", "authorization: bearer " + key.providerToken(Instant.now()),
                    "--data", "{\"aps\":{\"alert\":\"test\"}}", "--http2", "--cacert", authority.toString(),
                    "https://127.0.0.1:" + server.address().port() + "/3/device/" + token), directory);

            assertThat(output).contains("ALPN: server accepted h2").containsPattern("< HTTP/2 200")
                    .containsPattern("< apns-id: [0-9a-f-]{36}");
            assertThat(server.accepted()).singleElement().satisfies(notification -> {
                assertThat(notification.token()).isEqualTo(token);
                assertThat(notification.payloadText()).isEqualTo("{\"aps\":{\"alert\":\"test\"}}");
            });

            String rejected = run(List.of("curl", "-sS", "--http2", "--cacert", authority.toString(),
                    "--header", "apns-topic: com.example.app", "--data", "{\"aps\":{}}",
                    "https://127.0.0.1:" + server.address().port() + "/3/device/" + token), directory);
            assertThat(rejected).isEqualTo("{\"reason\":\"MissingProviderToken\"}");
        }
    }
}
