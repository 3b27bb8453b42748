package dev.apns.cli;

import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.binary.MockApnsServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Files and arguments the command tests share. */
final class Fixtures {
    /** A 32-byte token whose last byte is {@code last}. */
    static String token(int last) {
        return String.format("%064x", last);
    }

    static Path write(Path directory, String name, String text) {
        try {
            return Files.writeString(directory.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path directory, String name, byte[] bytes) {
        try {
            return Files.write(directory.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The flags for a push or feedback to the mock server with {@code client}'s credentials as separate PEM files:
     * {@code --ca ... --cert ... --key ...}.
     */
    static List<String> pemCredentials(Path directory, MockApnsServer server, IssuedCertificate client) {
        Path ca = write(directory, "ca.pem", server.authorityPem());
        Path cert = write(directory, "client-cert.pem", client.chainPem());
        Path key = write(directory, "client-key.pem", client.privateKeyPkcs8Pem());
        return List.of("--ca", ca.toString(), "--cert", cert.toString(), "--key", key.toString());
    }

    /** {@code first} followed by {@code rest}, as an argument array. */
    static String[] args(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(Arrays.asList(rest));
        return all.toArray(new String[0]);
    }

    /** A port on 127.0.0.1 that nothing listens on (it was just bound and released). */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fixtures() {
    }
}
