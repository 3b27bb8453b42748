package dev.apns.cli;

import dev.apns.FeedbackEntry;
import dev.apns.Protocol;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code apns mock}: runs apns-mock's mock APNs in the foreground for testing push code written in any
 * language: the HTTP/2 provider API ({@code MockApnsHttp2Server}, token or certificate authentication) by default,
 * the binary gateway and feedback service ({@code MockApnsServer}) with {@code --protocol binary}. Prints where it
 * listens and the credentials a client needs, then serves until standard input ends or the process is stopped.
 */
@Command(name = "mock",
        mixinStandardHelpOptions = true,
        header = "Run a mock APNs server, with faults.",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Run a mock APNs over TLS on 127.0.0.1 for testing push code written in any language: "
                + "Apple's HTTP/2 provider API by default, the binary gateway and feedback service with "
                + "--protocol binary. A throw-away certificate authority is made at start; clients must trust it.", "",
                "HTTP/2: a fresh .p8 signing key with a key id and team id is made for token authentication, and a "
                        + "client certificate for certificate authentication; both may use the --topic bundle ids. "
                        + "Standard output gets, then flushes: gateway=HOST:PORT, key-id=, team-id=, topics=, "
                        + "'authority-pem:', 'signing-key-pem:' and 'client-pem:' each followed by PEM, then "
                        + "'ready'. --write-credentials DIR writes files instead of the PEM and names them.",
                "",
                "Binary: gateway=HOST:PORT, feedback=HOST:PORT, 'authority-pem:' and 'client-pem:' with PEM, then "
                        + "'ready'.",
                "",
                "Lines on standard input are commands: count (prints accepted=N), rejected (prints rejected=N), reset "
                        + "(forgets faults, counts and records; prints ok), help. It stops when standard input ends "
                        + "(Ctrl-D, or the parent closes the pipe) or at Ctrl-C; with --no-stdin only when "
                        + "interrupted or killed."},
        footerHeading = "%nExamples:%n",
        footer = {"  apns mock --write-credentials /tmp/mock --unregister TOKEN@1767323045000 \\",
                "      --record-to /tmp/mock/received.jsonl",
                "  apns push --gateway 127.0.0.1:PORT --ca /tmp/mock/ca.pem --key /tmp/mock/auth-key.p8 \\",
                "      --key-id $(cat /tmp/mock/key-id.txt) --team-id $(cat /tmp/mock/team-id.txt) \\",
                "      --topic com.example.app --token TOKEN --alert hi"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:The server stopped at the end of input (Ctrl-C and kill end the JVM with 130 and 143).",
                "2:A port could not be bound.",
                "3:Bad input: a flag, a file or directory that cannot be written.",
                "4:Internal error."})
final class MockCommand extends Subcommand {
    static final String DEFAULT_TOPIC = "com.example.app";

    @Spec
    CommandSpec spec;

    @Option(names = "--protocol", paramLabel = "http2|binary", defaultValue = "http2",
            description = "HTTP/2, Apple's provider API (the default), or the binary gateway and feedback service.")
    Protocol protocol = Protocol.HTTP2;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", converter = Converters.PortConverter.class,
            description = "The port (default: 0, any free port).")
    int port;

    @Option(names = "--reject-token", paramLabel = "HEX[:REASON|STATUS]",
            description = "Reject every notification to this token; repeatable. HTTP/2: with this reason (default "
                    + "BadDeviceToken; its status as Apple documents it). Binary: with this status (default 8).")
    List<String> rejectTokens = new ArrayList<>();

    @Option(names = "--write-credentials", paramLabel = "DIR",
            description = "Write the PEM to files in this directory (made if missing) instead of printing it: "
                    + "ca.pem, client-cert.pem, client-key.pem and, for HTTP/2, auth-key.p8, key-id.txt and "
                    + "team-id.txt.")
    Path credentialsDirectory;

    @Option(names = "--no-stdin",
            description = "Do not stop at the end of standard input; run until interrupted or killed (for running "
                    + "in the background).")
    boolean noStdin;

    // HTTP/2

    @Option(names = "--topic", paramLabel = "BUNDLE_ID",
            description = "HTTP/2: a bundle id the key and the client certificate may send to (repeatable; default "
                    + DEFAULT_TOPIC + "); each push type's suffix is allowed with it.")
    List<String> topics = new ArrayList<>();

    @Option(names = "--key-id", paramLabel = "ID",
            description = "HTTP/2: the signing key's id (10 characters A-Z, 0-9); random by default.")
    String keyId;

    @Option(names = "--team-id", paramLabel = "ID",
            description = "HTTP/2: the team id (10 characters A-Z, 0-9); random by default.")
    String teamId;

    @Option(names = "--write-p8", paramLabel = "FILE", description = "HTTP/2: write the signing key (.p8) here.")
    Path p8File;

    @Option(names = "--write-key-id", paramLabel = "FILE", description = "HTTP/2: write the key id here.")
    Path keyIdFile;

    @Option(names = "--write-team-id", paramLabel = "FILE", description = "HTTP/2: write the team id here.")
    Path teamIdFile;

    @Option(names = "--write-ca", paramLabel = "FILE",
            description = "HTTP/2: write the certificate authority clients must trust (PEM) here.")
    Path caFile;

    @Option(names = "--record-to", paramLabel = "FILE",
            description = "HTTP/2: write every request the server answered to this file (replaced) as one JSON object a line: "
                    + "request, connection, status, reason, path, token, headers, auth, payload.")
    Path recordTo;

    @Option(names = "--unregister", paramLabel = "HEX[@MILLIS]",
            description = "HTTP/2: answer this token 410 Unregistered with this timestamp (milliseconds since the "
                    + "epoch; default: now); repeatable.")
    List<String> unregister = new ArrayList<>();

    @Option(names = "--service-unavailable", paramLabel = "N", converter = Converters.PositiveConverter.class,
            description = "HTTP/2: answer the first N requests 503 ServiceUnavailable.")
    Long serviceUnavailable;

    @Option(names = "--too-many-requests", paramLabel = "N", converter = Converters.PositiveConverter.class,
            description = "HTTP/2: answer the first N requests 429 TooManyRequests.")
    Long tooManyRequests;

    @Option(names = "--goaway-after", paramLabel = "N", converter = Converters.PositiveConverter.class,
            description = "HTTP/2: answer the N-th request, then send GOAWAY (NO_ERROR) and close its connection, once.")
    Long goAwayAfter;

    @Option(names = "--max-concurrent-streams", paramLabel = "N", defaultValue = "1000",
            converter = Converters.PositiveConverter.class,
            description = "HTTP/2: the SETTINGS_MAX_CONCURRENT_STREAMS announced (default: ${DEFAULT-VALUE}).")
    long maxConcurrentStreams;

    // Binary

    @Option(names = "--feedback-port", paramLabel = "PORT", defaultValue = "0",
            converter = Converters.PortConverter.class,
            description = "Binary: the feedback port (default: 0, any free port).")
    int feedbackPort;

    @Option(names = "--reject-nth", paramLabel = "K[:STATUS]", converter = Converters.NthRejectionConverter.class,
            description = "Binary: reject the K-th notification processed (counted from 1) with this status (default "
                    + "8), once; repeatable.")
    List<Converters.NthRejection> rejectNth = new ArrayList<>();

    @Option(names = "--shutdown-after", paramLabel = "N", converter = Converters.PositiveConverter.class,
            description = "Binary: after N accepted notifications, answer status 10 (shutdown) and close, once.")
    Long shutdownAfter;

    @Option(names = "--close-after", paramLabel = "N", converter = Converters.PositiveConverter.class,
            description = "Binary: after N accepted notifications, close the connection without an error response, "
                    + "once.")
    Long closeAfter;

    @Option(names = "--feedback", paramLabel = "HEX@SECONDS", converter = Converters.FeedbackEntryConverter.class,
            description = "Binary: a feedback entry: the token and when its app was found gone, in seconds since the "
                    + "epoch; repeatable. Served once, to the first feedback connection.")
    List<FeedbackEntry> feedback = new ArrayList<>();

    @Option(names = "--no-client-certificate",
            description = "Binary: do not ask clients for a certificate (HTTP/2 always lets clients choose).")
    boolean noClientCertificate;

    @Override
    public Integer call() {
        String[] http2Only = {"--topic", "--key-id", "--team-id", "--write-p8", "--write-key-id", "--write-team-id",
                "--write-ca", "--record-to", "--unregister", "--service-unavailable", "--too-many-requests",
                "--goaway-after", "--max-concurrent-streams"};
        String[] binaryOnly = {"--feedback-port", "--reject-nth", "--shutdown-after", "--close-after", "--feedback",
                "--no-client-certificate"};
        boolean http2 = protocol == Protocol.HTTP2;
        var parsed = spec.commandLine().getParseResult();
        for (String flag : http2 ? binaryOnly : http2Only) {
            if (parsed.hasMatchedOption(flag)) {
                throw CliException.badInput(flag + (http2 ? " is for --protocol binary." : " is for the HTTP/2 mock "
                        + "(leave out --protocol binary)."));
            }
        }
        return http2 ? new Http2Mock(this).run() : new BinaryMock(this).run();
    }

    /**
     * Serves until standard input ends (answering its commands) or, with {@code --no-stdin}, until the JVM is
     * interrupted. {@code commands} answers one command line, or returns null for an unknown command.
     */
    void serve(Function<String, String> commands) {
        if (noStdin) {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String command = line.strip();
                if (command.isEmpty()) {
                    continue;
                }
                String answer = command.equals("help") ? "commands: count, rejected, reset, help" : commands.apply(command);
                out().println(answer == null ? "unknown command: " + command + " (try help)" : answer);
                out().flush();
            }
        } catch (IOException e) {
            err().println("apns: reading standard input failed (" + e.getMessage() + "); stopping.");
        }
    }

    /**
     * Runs {@code stopped} once when the server stops: at the end of {@link #serve} or, at Ctrl-C or SIGTERM, from
     * a shutdown hook.
     */
    void serveThenStop(Function<String, String> commands, Runnable stopped) {
        Thread hook = new Thread(stopped, "apns-mock-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        serve(commands);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return; // the JVM is shutting down (Ctrl-C): the hook reports and closes the server
        }
        stopped.run();
    }
}
