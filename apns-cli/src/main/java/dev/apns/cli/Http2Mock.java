package dev.apns.cli;

import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

import picocli.CommandLine.TypeConversionException;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code apns mock} (HTTP/2): apns-mock's {@link MockApnsHttp2Server} with a freshly generated signing key
 * (token authentication) and client certificate (certificate authentication), both allowed the {@code --topic}
 * bundle ids, and the faults the flags choose. One run per instance.
 */
final class Http2Mock {
    private static final Pattern ID = Pattern.compile("[A-Z0-9]{10}");
    private static final Pattern REASON = Pattern.compile("[A-Za-z]{1,64}");
    private static final Pattern MILLIS = Pattern.compile("\\d{1,15}");

    private final MockCommand command;

    Http2Mock(MockCommand command) {
        this.command = command;
    }

    private record TokenFault(String token, String reason, Instant since) {
    }

    int run() {
        Set<String> topics = new LinkedHashSet<>(command.topics.isEmpty() ? List.of(MockCommand.DEFAULT_TOPIC)
                : command.topics);
        List<TokenFault> faults = faults();
        String teamId = id("--team-id", command.teamId);
        String keyId = id("--key-id", command.keyId);
        TestSigningKey key = teamId == null && keyId == null ? TestSigningKey.generate()
                : TestSigningKey.generate(teamId != null ? teamId : TestSigningKey.generate().teamId(),
                keyId != null ? keyId : TestSigningKey.generate().keyId());
        TestCertificates pki = TestCertificates.create();
        IssuedCertificate client = pki.client("com.example.mock");
        MockApnsHttp2Server started;
        try {
            started = MockApnsHttp2Server.builder(pki)
                    .port(command.port)
                    .recordAccepted(command.recordTo != null)
                    .maxConcurrentStreams((int) Math.min(command.maxConcurrentStreams, Integer.MAX_VALUE))
                    .start();
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCodes.UNSENT, "--port " + command.port + ": cannot listen: "
                    + Apns.oneLine(e.getMessage()), e);
        }
        try (MockApnsHttp2Server server = started) {
            key.register(server, topics);
            server.allowCertificateTopics(client, topics);
            applyFaults(server, faults);
            List<String> fileLines = writeFiles(server, key, client);
            RecordWriter recorder = command.recordTo == null ? null : RecordWriter.start(server, command.recordTo);
            announce(server, key, client, topics, fileLines);
            command.serveThenStop(line -> switch (line) {
                case "count" -> "accepted=" + server.acceptedCount();
                case "rejected" -> "rejected=" + server.rejectedCount();
                case "reset" -> {
                    server.reset();
                    yield "ok";
                }
                default -> null;
            }, () -> stopped(server, recorder));
        }
        return ExitCodes.OK;
    }

    private List<TokenFault> faults() {
        List<TokenFault> faults = new ArrayList<>();
        for (String text : command.rejectTokens) {
            int colon = text.indexOf(':');
            String reason = colon < 0 ? "BadDeviceToken" : text.substring(colon + 1).strip();
            if (!REASON.matcher(reason).matches()) {
                throw CliException.badInput("--reject-token " + text + ": '" + reason + "' is not a reason such as "
                        + "BadDeviceToken, Unregistered or DeviceTokenNotForTopic (letters only).");
            }
            faults.add(new TokenFault(hex("--reject-token", text, colon < 0 ? text : text.substring(0, colon)),
                    reason, null));
        }
        for (String text : command.unregister) {
            int at = text.indexOf('@');
            Instant since = Instant.now();
            if (at >= 0) {
                String millis = text.substring(at + 1).strip();
                if (!MILLIS.matcher(millis).matches()) {
                    throw CliException.badInput("--unregister " + text + ": '" + millis + "' is not a time in "
                            + "milliseconds since the epoch, such as 1767323045000.");
                }
                since = Instant.ofEpochMilli(Long.parseLong(millis));
            }
            faults.add(new TokenFault(hex("--unregister", text, at < 0 ? text : text.substring(0, at)), "Unregistered",
                    since));
        }
        return faults;
    }

    private static String hex(String flag, String whole, String token) {
        try {
            return Converters.token(token).toHex();
        } catch (TypeConversionException e) {
            throw CliException.badInput(flag + " " + whole + ": " + e.getMessage());
        }
    }

    private static String id(String flag, String value) {
        if (value != null && !ID.matcher(value).matches()) {
            throw CliException.badInput(flag + " " + value + ": an id is 10 characters, upper-case letters A-Z and "
                    + "digits 0-9, as Apple's developer portal shows it.");
        }
        return value;
    }

    private void applyFaults(MockApnsHttp2Server server, List<TokenFault> faults) {
        for (TokenFault fault : faults) {
            if (fault.since() != null) {
                server.unregister(fault.token(), fault.since());
            } else {
                server.rejectToken(fault.token(), fault.reason());
            }
        }
        if (command.serviceUnavailable != null) {
            server.serviceUnavailable(command.serviceUnavailable);
        }
        if (command.tooManyRequests != null) {
            server.tooManyRequests(command.tooManyRequests);
        }
        if (command.goAwayAfter != null) {
            server.goAwayAfter(command.goAwayAfter, 0);
        }
    }

    /** Writes the files the flags ask for; returns the lines that name them. */
    private List<String> writeFiles(MockApnsHttp2Server server, TestSigningKey key, IssuedCertificate client) {
        List<String> lines = new ArrayList<>();
        Path directory = command.credentialsDirectory;
        if (directory != null) {
            lines.addAll(CredentialFiles.writeCertificates(directory, server.authorityPem(), client));
            lines.add("p8-file=" + CredentialFiles.write("--write-credentials", directory.resolve("auth-key.p8"),
                    key.privateKeyPkcs8Pem(), true).toAbsolutePath());
            lines.add("key-id-file=" + CredentialFiles.write("--write-credentials", directory.resolve("key-id.txt"),
                    key.keyId() + "\n", false).toAbsolutePath());
            lines.add("team-id-file=" + CredentialFiles.write("--write-credentials", directory.resolve("team-id.txt"),
                    key.teamId() + "\n", false).toAbsolutePath());
        }
        if (command.caFile != null) {
            lines.add("ca-file=" + CredentialFiles.write("--write-ca", command.caFile, server.authorityPem(), false)
                    .toAbsolutePath());
        }
        if (command.p8File != null) {
            lines.add("p8-file=" + CredentialFiles.write("--write-p8", command.p8File, key.privateKeyPkcs8Pem(), true)
                    .toAbsolutePath());
        }
        if (command.keyIdFile != null) {
            lines.add("key-id-file=" + CredentialFiles.write("--write-key-id", command.keyIdFile, key.keyId() + "\n",
                    false).toAbsolutePath());
        }
        if (command.teamIdFile != null) {
            lines.add("team-id-file=" + CredentialFiles.write("--write-team-id", command.teamIdFile,
                    key.teamId() + "\n", false).toAbsolutePath());
        }
        if (command.recordTo != null) {
            lines.add("record-file=" + command.recordTo.toAbsolutePath());
        }
        return lines;
    }

    private void announce(MockApnsHttp2Server server, TestSigningKey key, IssuedCertificate client, Set<String> topics,
                          List<String> fileLines) {
        PrintStream out = command.out();
        out.println("gateway=" + server.address());
        out.println("key-id=" + key.keyId());
        out.println("team-id=" + key.teamId());
        out.println("topics=" + String.join(",", topics));
        fileLines.forEach(out::println);
        if (command.credentialsDirectory == null) {
            out.println("authority-pem:");
            out.print(server.authorityPem());
            out.println("signing-key-pem:");
            out.print(key.privateKeyPkcs8Pem());
            out.println("client-pem:");
            out.print(client.combinedPem());
        }
        out.println("ready");
        out.flush();
        command.err().println("Mock APNs (HTTP/2) is running at " + server.address() + " for topics "
                + String.join(", ", topics) + ". " + (command.noStdin ? "Ctrl-C stops it."
                : "Ctrl-D (end of input) or Ctrl-C stops it."));
        command.err().flush();
    }

    private void stopped(MockApnsHttp2Server server, RecordWriter recorder) {
        long accepted = server.acceptedCount();
        long rejected = server.rejectedCount();
        if (recorder != null) {
            recorder.close();
        }
        server.close();
        command.err().printf(Locale.ROOT, "Mock APNs stopped: accepted %,d notifications, answered %,d with an error, "
                + "accepted %,d connections.%n", accepted, rejected, server.connectionsAccepted());
        command.err().flush();
    }
}
