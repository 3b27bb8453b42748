package dev.apns.cli;

import dev.apns.FeedbackEntry;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.MockApnsMain;
import dev.apns.testkit.MockApnsServer;
import dev.apns.testkit.TestCertificates;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code apns mock}: runs the testkit's {@link MockApnsServer} in the foreground, with the faults the flags
 * choose, for testing push code written in any language. Prints the endpoints and credentials as
 * {@link MockApnsMain} does (or writes the credentials to files) and runs until standard input ends or the
 * process is interrupted.
 */
@Command(name = "mock",
        mixinStandardHelpOptions = true,
        header = "Run a mock APNs gateway and feedback service, with faults.",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Run a mock APNs gateway and feedback service over TLS on 127.0.0.1, for testing push code "
                + "written in any language. A throw-away certificate authority is made at start; clients must trust "
                + "it and present a certificate it issued (one is printed, or written with --write-credentials).", "",
                "Standard output gets, then flushes: gateway=HOST:PORT, feedback=HOST:PORT, 'authority-pem:' and the "
                        + "CA's PEM, 'client-pem:' and a client certificate chain with its unencrypted key, then "
                        + "'ready'. With --write-credentials the PEM lines are replaced by ca-file=, "
                        + "client-cert-file= and client-key-file=.",
                "",
                "It runs until standard input ends (Ctrl-D, or the parent closes the pipe) or Ctrl-C; with --no-stdin "
                        + "only until interrupted or killed."},
        footerHeading = "%nExamples:%n",
        footer = {"  apns mock --write-credentials /tmp/mock --reject-token TOKEN:8 \\",
                "      --feedback TOKEN@1767323045",
                "  apns push --gateway 127.0.0.1:PORT --ca /tmp/mock/ca.pem \\",
                "      --cert /tmp/mock/client-cert.pem --key /tmp/mock/client-key.pem \\",
                "      --token TOKEN --alert hi"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:The server stopped at the end of input (Ctrl-C and kill end the JVM with 130 and 143).",
                "2:A port could not be bound.",
                "3:Bad input: a flag, a directory that cannot be written.",
                "4:Internal error."})
final class MockCommand extends Subcommand {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", converter = Converters.PortConverter.class,
            description = "The gateway port (default: 0, any free port).")
    int port;

    @Option(names = "--feedback-port", paramLabel = "PORT", defaultValue = "0",
            converter = Converters.PortConverter.class,
            description = "The feedback port (default: 0, any free port).")
    int feedbackPort;

    @Option(names = "--reject-token", paramLabel = "HEX[:STATUS]",
            converter = Converters.TokenRejectionConverter.class,
            description = "Reject every notification to this token with this status (default 8, invalid token); "
                    + "repeatable.")
    List<Converters.TokenRejection> rejectTokens = new ArrayList<>();

    @Option(names = "--reject-nth", paramLabel = "K[:STATUS]", converter = Converters.NthRejectionConverter.class,
            description = "Reject the K-th notification processed (counted from 1) with this status (default 8), "
                    + "once; repeatable.")
    List<Converters.NthRejection> rejectNth = new ArrayList<>();

    @Option(names = "--shutdown-after", paramLabel = "N", converter = Converters.PositiveConverter.class,
            description = "After N accepted notifications, answer status 10 (shutdown) and close, once.")
    Long shutdownAfter;

    @Option(names = "--close-after", paramLabel = "N", converter = Converters.PositiveConverter.class,
            description = "After N accepted notifications, close the connection without an error response, once.")
    Long closeAfter;

    @Option(names = "--feedback", paramLabel = "HEX@SECONDS", converter = Converters.FeedbackEntryConverter.class,
            description = "A feedback entry: the token and when its app was found gone, in seconds since the epoch; "
                    + "repeatable. Served once, to the first feedback connection.")
    List<FeedbackEntry> feedback = new ArrayList<>();

    @Option(names = "--write-credentials", paramLabel = "DIR",
            description = "Write ca.pem, client-cert.pem and client-key.pem to this directory (made if missing) "
                    + "instead of printing the PEM.")
    Path credentialsDirectory;

    @Option(names = "--no-client-certificate",
            description = "Do not ask clients for a certificate.")
    boolean noClientCertificate;

    @Option(names = "--no-stdin",
            description = "Do not stop at the end of standard input; run until interrupted or killed (for running "
                    + "in the background).")
    boolean noStdin;

    @Override
    public Integer call() {
        TestCertificates pki = TestCertificates.create();
        IssuedCertificate client = pki.client("com.example.mock");
        MockApnsServer started;
        try {
            started = MockApnsServer.builder(pki)
                    .port(port)
                    .feedbackPort(feedbackPort)
                    .requireClientCertificate(!noClientCertificate)
                    .recordAccepted(false)
                    .start();
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCodes.UNSENT, "--port " + port + " --feedback-port " + feedbackPort
                    + ": cannot listen: " + Apns.oneLine(e.getMessage()), e);
        }
        try (MockApnsServer server = started) {
            rejectTokens.forEach(rejection -> server.rejectToken(rejection.token(), rejection.status()));
            rejectNth.forEach(rejection -> server.rejectNotification(rejection.k(), rejection.status()));
            if (shutdownAfter != null) {
                server.shutdownAfter(shutdownAfter);
            }
            if (closeAfter != null) {
                server.closeSilentlyAfter(closeAfter);
            }
            if (!feedback.isEmpty()) {
                server.addFeedback(feedback.toArray(new FeedbackEntry[0]));
            }
            Thread hook = new Thread(() -> stopped(server), "apns-mock-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            if (credentialsDirectory != null) {
                writeCredentials(server, client);
            } else {
                MockApnsMain.announce(server, client, out());
            }
            err().println("Mock APNs is running: gateway " + server.gateway() + ", feedback " + server.feedback() + ". "
                    + (noStdin ? "Ctrl-C stops it." : "Ctrl-D (end of input) or Ctrl-C stops it."));
            err().flush();
            if (noStdin) {
                awaitInterrupt();
            } else {
                MockApnsMain.serveCommands(server, io.in(), out(), err());
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down (Ctrl-C); the hook reports and closes the server.
                return ExitCodes.OK;
            }
            stopped(server);
        }
        return ExitCodes.OK;
    }

    private void stopped(MockApnsServer server) {
        server.close();
        err().printf(Locale.ROOT, "Mock APNs stopped: accepted %,d notifications, sent %,d error responses, served "
                + "%,d feedback connections.%n", server.acceptedCount(), server.errorResponsesSent().size(),
                server.feedbackConnectionsAccepted());
        err().flush();
    }

    private void writeCredentials(MockApnsServer server, IssuedCertificate client) {
        Path directory = credentialsDirectory;
        Path ca = directory.resolve("ca.pem");
        Path certificate = directory.resolve("client-cert.pem");
        Path key = directory.resolve("client-key.pem");
        try {
            Files.createDirectories(directory);
            Files.writeString(ca, server.authorityPem(), StandardCharsets.US_ASCII);
            Files.writeString(certificate, client.chainPem(), StandardCharsets.US_ASCII);
            Files.writeString(key, client.privateKeyPkcs8Pem(), StandardCharsets.US_ASCII);
            if (Files.getFileStore(key).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw CliException.badInput("--write-credentials " + directory + ": cannot be written: " + e.getMessage(), e);
        }
        out().println("gateway=" + server.gateway());
        out().println("feedback=" + server.feedback());
        out().println("ca-file=" + ca.toAbsolutePath());
        out().println("client-cert-file=" + certificate.toAbsolutePath());
        out().println("client-key-file=" + key.toAbsolutePath());
        out().println("ready");
        out().flush();
    }

    /** Waits until the JVM is interrupted; the shutdown hook then closes the server. */
    private static void awaitInterrupt() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
