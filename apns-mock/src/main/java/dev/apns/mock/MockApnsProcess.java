package dev.apns.mock;

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
 * The binary mock APNs server ({@code MockApnsMain --protocol binary}) in a JVM of its own, started with this JVM's class path: for
 * benchmarks that must measure the client JVM alone, and for clients that cannot share a JVM with the SDK.
 * Reads the endpoints and credentials the server prints; {@link #acceptedCount()} asks it how many
 * notifications it accepted. Not thread-safe; closing ends the process.
 */
public final class MockApnsProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Endpoint gateway;
    private final Trust trust;
    private final Credentials credentials;
    private final String clientPem;
    private final String authorityPem;

    private MockApnsProcess(Process process, BufferedReader out, Endpoint gateway, String authorityPem, String clientPem) {
        this.process = process;
        this.out = out;
        this.gateway = gateway;
        this.authorityPem = authorityPem;
        this.clientPem = clientPem;
        this.trust = Trust.fromPem(authorityPem);
        this.credentials = Credentials.fromPem(clientPem);
    }

    /**
     * Starts a server that counts but does not record what it accepts (for long runs). The system property
     * {@code apns.mock.jvmArgs} adds options to its JVM (for example a profiler's).
     */
    public static MockApnsProcess start() throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx1g"));
        String extra = System.getProperty("apns.mock.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MockApnsMain.class.getName(),
                "--protocol", "binary",
                "--no-record"));
        Process process = new ProcessBuilder(command)
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
                return new MockApnsProcess(process, out, gateway, authority.toString(), client.toString());
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        process.destroyForcibly();
        throw new IOException("The mock server process ended before it was ready (exit " + process.exitValue() + ").");
    }

    public Endpoint gateway() {
        return gateway;
    }

    public Trust trust() {
        return trust;
    }

    public Credentials credentials() {
        return credentials;
    }

    public String clientPem() {
        return clientPem;
    }

    public String authorityPem() {
        return authorityPem;
    }

    /** How many notifications the server has accepted so far. */
    public long acceptedCount() throws IOException {
        process.getOutputStream().write("count\n".getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
        String line = out.readLine();
        if (line == null || !line.startsWith("accepted=")) {
            throw new IOException("The mock server process answered '" + line + "' to 'count'.");
        }
        return Long.parseLong(line.substring("accepted=".length()));
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
