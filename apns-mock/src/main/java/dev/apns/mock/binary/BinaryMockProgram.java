package dev.apns.mock.binary;

import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.TestCertificates;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * The binary protocol's mock server as a program ({@code MockApnsMain --protocol binary}), for tests written in other
 * languages and for benchmarks. Usage:
 *
 * <pre>
 * java -cp ... dev.apns.mock.MockApnsMain --protocol binary [--port N] [--feedback-port N] [--no-client-certificate]
 *     [--no-record]
 * </pre>
 *
 * It prints, then flushes, to standard output:
 *
 * <pre>
 * gateway=127.0.0.1:PORT
 * feedback=127.0.0.1:PORT
 * authority-pem:
 * (the PEM of the authority to trust)
 * client-pem:
 * (a client certificate chain and its unencrypted PKCS#8 key, issued by that authority, for tests only)
 * ready
 * </pre>
 *
 * and runs until standard input reaches its end or the process is killed. Lines read from standard input
 * are commands: {@code count} prints {@code accepted=N} (notifications accepted so far), {@code reset}
 * clears faults and counters and prints {@code ok}; anything else prints {@code unknown command}. Exit status 2 for bad arguments, 1 when a port cannot be bound.
 */
public final class BinaryMockProgram {
    private BinaryMockProgram() {
    }

    /** The program, with its streams and its options (without {@code --protocol}) given; returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        int port = 0;
        int feedbackPort = 0;
        boolean requireClientCertificate = true;
        boolean record = true;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = port(args, ++i, "--port");
                    case "--feedback-port" -> feedbackPort = port(args, ++i, "--feedback-port");
                    case "--no-client-certificate" -> requireClientCertificate = false;
                    case "--no-record" -> record = false;
                    default -> throw new IllegalArgumentException("Unknown argument '" + args[i] + "'.");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("Usage: MockApnsMain --protocol binary [--port N] [--feedback-port N] [--no-client-certificate] [--no-record]");
            return 2;
        }
        TestCertificates certificates = TestCertificates.create();
        IssuedCertificate client = certificates.client("mock-apns-main-client");
        MockApnsServer started;
        try {
            started = MockApnsServer.builder(certificates)
                    .port(port)
                    .feedbackPort(feedbackPort)
                    .requireClientCertificate(requireClientCertificate)
                    .recordAccepted(record)
                    .start();
        } catch (UncheckedIOException e) {
            err.println(e.getMessage());
            return 1;
        }
        try (MockApnsServer server = started) {
            Thread hook = new Thread(server::close, "mock-apns-main-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            announce(server, client, out);
            serveCommands(server, in, out, err);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook closes the server.
                err.println("Shutting down: " + e.getMessage());
            }
        }
        return 0;
    }

    private static int port(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a port number.");
        }
        String problem = option + " needs a port number from 0 (any free port) to 65535; was '" + args[index] + "'.";
        int port;
        try {
            port = Integer.parseInt(args[index]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(problem, e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(problem);
        }
        return port;
    }

    /**
     * Prints, then flushes, the lines described above: the endpoints, the authority's PEM, the client's chain
     * and key as PEM, then {@code ready}. For other programs that run a {@link MockApnsServer} in the
     * foreground and want the same output (the {@code apns mock} command).
     */
    public static void announce(MockApnsServer server, IssuedCertificate client, PrintStream out) {
        out.println("gateway=" + server.gateway());
        out.println("feedback=" + server.feedback());
        out.println("authority-pem:");
        out.print(server.authorityPem());
        out.println("client-pem:");
        out.print(client.combinedPem());
        out.println("ready");
        out.flush();
    }

    /**
     * Answers the commands described above, line by line, until {@code in} reaches its end. A read failure
     * is reported on {@code err} and ends it too.
     */
    public static void serveCommands(MockApnsServer server, InputStream in, PrintStream out, PrintStream err) {
        java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                switch (line.trim()) {
                    case "count" -> out.println("accepted=" + server.acceptedCount());
                    case "reset" -> {
                        server.reset();
                        out.println("ok");
                    }
                    case "" -> {
                        continue;
                    }
                    default -> out.println("unknown command");
                }
                out.flush();
            }
        } catch (IOException e) {
            err.println("Reading standard input failed (" + e + "); stopping.");
        }
    }
}
