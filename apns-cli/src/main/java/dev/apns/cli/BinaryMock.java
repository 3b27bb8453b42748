package dev.apns.cli;

import dev.apns.FeedbackEntry;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.binary.BinaryMockProgram;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import picocli.CommandLine.TypeConversionException;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code apns mock --protocol binary}: apns-mock's {@link MockApnsServer} (binary gateway and feedback
 * service) with the faults the flags choose. One run per instance.
 */
final class BinaryMock {
    private final MockCommand command;

    BinaryMock(MockCommand command) {
        this.command = command;
    }

    int run() {
        List<Converters.TokenRejection> rejections = new ArrayList<>();
        for (String text : command.rejectTokens) {
            try {
                rejections.add(new Converters.TokenRejectionConverter().convert(text));
            } catch (TypeConversionException e) {
                throw CliException.badInput("--reject-token " + text + ": " + e.getMessage() + " With --protocol "
                        + "binary, write HEX or HEX:STATUS (0 to 255).");
            }
        }
        TestCertificates pki = TestCertificates.create();
        IssuedCertificate client = pki.client("com.example.mock");
        MockApnsServer started;
        try {
            started = MockApnsServer.builder(pki)
                    .port(command.port)
                    .feedbackPort(command.feedbackPort)
                    .requireClientCertificate(!command.noClientCertificate)
                    .recordAccepted(false)
                    .start();
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCodes.UNSENT, "--port " + command.port + " --feedback-port "
                    + command.feedbackPort + ": cannot listen: " + Apns.oneLine(e.getMessage()), e);
        }
        try (MockApnsServer server = started) {
            rejections.forEach(rejection -> server.rejectToken(rejection.token(), rejection.status()));
            command.rejectNth.forEach(rejection -> server.rejectNotification(rejection.k(), rejection.status()));
            if (command.shutdownAfter != null) {
                server.shutdownAfter(command.shutdownAfter);
            }
            if (command.closeAfter != null) {
                server.closeSilentlyAfter(command.closeAfter);
            }
            if (!command.feedback.isEmpty()) {
                server.addFeedback(command.feedback.toArray(new FeedbackEntry[0]));
            }
            if (command.credentialsDirectory != null) {
                Path directory = command.credentialsDirectory;
                List<String> lines = CredentialFiles.writeCertificates(directory, server.authorityPem(), client);
                command.out().println("gateway=" + server.gateway());
                command.out().println("feedback=" + server.feedback());
                lines.forEach(command.out()::println);
                command.out().println("ready");
                command.out().flush();
            } else {
                BinaryMockProgram.announce(server, client, command.out());
            }
            command.err().println("Mock APNs (binary protocol) is running: gateway " + server.gateway() + ", feedback "
                    + server.feedback() + ". " + (command.noStdin ? "Ctrl-C stops it." : "Ctrl-D (end of input) or "
                    + "Ctrl-C stops it."));
            command.err().flush();
            command.serveThenStop(line -> switch (line) {
                case "count" -> "accepted=" + server.acceptedCount();
                case "rejected" -> "rejected=" + server.errorResponsesSent().size();
                case "reset" -> {
                    server.reset();
                    yield "ok";
                }
                default -> null;
            }, () -> stopped(server));
        }
        return ExitCodes.OK;
    }

    private void stopped(MockApnsServer server) {
        server.close();
        command.err().printf(Locale.ROOT, "Mock APNs stopped: accepted %,d notifications, sent %,d error responses, "
                + "served %,d feedback connections.%n", server.acceptedCount(), server.errorResponsesSent().size(),
                server.feedbackConnectionsAccepted());
        command.err().flush();
    }
}
