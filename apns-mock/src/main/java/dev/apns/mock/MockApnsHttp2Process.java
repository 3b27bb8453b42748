package dev.apns.mock;

import dev.apns.Endpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 mock server ({@link MockApnsMain}) in a JVM of its own, started with this JVM's class path unless
 * {@code apns.mock.classpath} names another: for benchmarks that must measure the client JVM alone. Reads what the server prints (address, authority, signing
 * key and ids, client certificate); {@link #acceptedCount()} asks it how many notifications it accepted. Not
 * thread-safe; closing ends the process.
 */
public final class MockApnsHttp2Process implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Endpoint address;
    private final String teamId;
    private final String keyId;
    private final Set<String> topics;
    private final String authorityPem;
    private final String signingKeyPem;
    private final String clientPem;

    private MockApnsHttp2Process(Process process, BufferedReader out, Endpoint address, String teamId, String keyId,
                                 Set<String> topics, String authorityPem, String signingKeyPem, String clientPem) {
        this.process = process;
        this.out = out;
        this.address = address;
        this.teamId = teamId;
        this.keyId = keyId;
        this.topics = topics;
        this.authorityPem = authorityPem;
        this.signingKeyPem = signingKeyPem;
        this.clientPem = clientPem;
    }

    /**
     * Starts a server that counts but does not record ({@code --no-record}), with {@code arguments} added (see
     * {@link dev.apns.mock.h2.Http2MockProgram}). The system property {@code apns.mock.jvmArgs} adds options to its JVM, and
     * {@code apns.mock.classpath} gives its class path (default: this JVM's), for a client JVM whose class path cannot
     * run the server (another Netty).
     */
    public static MockApnsHttp2Process start(String... arguments) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx1g"));
        String extra = System.getProperty("apns.mock.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        String classPath = System.getProperty("apns.mock.classpath", System.getProperty("java.class.path"));
        command.addAll(List.of("-cp", classPath, MockApnsMain.class.getName(),
                "--protocol", "http2", "--no-record"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Endpoint address = null;
        String teamId = null;
        String keyId = null;
        Set<String> topics = Set.of();
        StringBuilder authority = new StringBuilder();
        StringBuilder signingKey = new StringBuilder();
        StringBuilder client = new StringBuilder();
        StringBuilder current = null;
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("address=")) {
                address = Endpoint.parse(line.substring("address=".length()));
            } else if (line.startsWith("team-id=")) {
                teamId = line.substring("team-id=".length());
            } else if (line.startsWith("key-id=")) {
                keyId = line.substring("key-id=".length());
            } else if (line.startsWith("topics=")) {
                topics = Set.of(line.substring("topics=".length()).split(","));
            } else if (line.equals("authority-pem:")) {
                current = authority;
            } else if (line.equals("signing-key-pem:")) {
                current = signingKey;
            } else if (line.equals("client-pem:")) {
                current = client;
            } else if (line.equals("ready")) {
                return new MockApnsHttp2Process(process, out, address, teamId, keyId, topics, authority.toString(),
                        signingKey.toString(), client.toString());
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        process.destroyForcibly();
        throw new IOException("The mock HTTP/2 server process ended before it was ready; its standard error says why.");
    }

    /** The server's address. */
    public Endpoint address() {
        return address;
    }

    /** The team id of the signing key the server accepts. */
    public String teamId() {
        return teamId;
    }

    /** The key id of the signing key the server accepts. */
    public String keyId() {
        return keyId;
    }

    /** The bundle ids the signing key (and the client certificate) may send to. */
    public Set<String> topics() {
        return topics;
    }

    /** The PEM of the authority to trust. */
    public String authorityPem() {
        return authorityPem;
    }

    /** The signing key, as a {@code .p8} file holds it (a throw-away test key). */
    public String signingKeyPem() {
        return signingKeyPem;
    }

    /** A client certificate chain and its key, allowed the same topics, for certificate authentication. */
    public String clientPem() {
        return clientPem;
    }

    /** How many notifications the server has accepted so far. */
    public long acceptedCount() throws IOException {
        process.getOutputStream().write("count\n".getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
        String line = out.readLine();
        if (line == null || !line.startsWith("accepted=")) {
            throw new IOException("The mock HTTP/2 server process answered '" + line + "' to 'count'.");
        }
        return Long.parseLong(line.substring("accepted=".length()));
    }

    /** Ends the process: closes its standard input, then kills it if it has not ended within 5 seconds. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
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
