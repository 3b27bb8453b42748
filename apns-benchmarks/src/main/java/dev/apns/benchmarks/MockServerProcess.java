package dev.apns.benchmarks;

import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Trust;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The testkit's mock APNs server ({@code MockApnsMain --no-record}) in a JVM of its own, so a benchmark
 * measures the client JVM alone. Reads the endpoints and the credentials it prints; closing ends it.
 */
final class MockServerProcess implements AutoCloseable {
    private final Process process;
    private final Endpoint gateway;
    private final Trust trust;
    private final Credentials credentials;
    private final String clientPem;
    private final String authorityPem;

    private MockServerProcess(Process process, Endpoint gateway, String authorityPem, String clientPem) {
        this.process = process;
        this.gateway = gateway;
        this.authorityPem = authorityPem;
        this.clientPem = clientPem;
        this.trust = Trust.fromPem(authorityPem);
        this.credentials = Credentials.fromPem(clientPem);
    }

    static MockServerProcess start() throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.apns.testkit.MockApnsMain", "--no-record"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Endpoint gateway = null;
        StringBuilder authority = new StringBuilder();
        StringBuilder client = new StringBuilder();
        StringBuilder current = null;
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("gateway=")) {
                gateway = Endpoint.parse(line.substring("gateway=".length()));
            } else if (line.equals("authority-pem:")) {
                current = authority;
            } else if (line.equals("client-pem:")) {
                current = client;
            } else if (line.equals("ready")) {
                return new MockServerProcess(process, gateway, authority.toString(), client.toString());
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        process.destroyForcibly();
        throw new IOException("The mock server process ended before it was ready (exit " + process.exitValue() + ").");
    }

    Endpoint gateway() {
        return gateway;
    }

    Trust trust() {
        return trust;
    }

    Credentials credentials() {
        return credentials;
    }

    String clientPem() {
        return clientPem;
    }

    String authorityPem() {
        return authorityPem;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
