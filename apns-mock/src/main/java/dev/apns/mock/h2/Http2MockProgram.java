package dev.apns.mock.h2;

import dev.apns.mock.MockApnsMain;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.credentials.TestCertificates;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The HTTP/2 mock server as a program ({@code MockApnsMain}, whose default protocol it is), for benchmarks (a JVM of
 * its own) and for clients written in other languages. Usage:
 *
 * <pre>
 * java -cp ... dev.apns.mock.MockApnsMain [--protocol http2] [--port N] [--no-record] [--max-concurrent-streams N]
 *     [--no-first-request-limit] [--threads N] [--topic BUNDLE_ID]... [--team-id ID] [--key-id ID] [--signing-key-file PATH]
 *     [--key-info-file PATH]
 * </pre>
 *
 * It generates a signing key (and registers it for the topics, {@code com.example.app} by default) and a client
 * certificate allowed the same topics, then prints, then flushes, to standard output:
 *
 * <pre>
 * address=127.0.0.1:PORT
 * team-id=TEAMID
 * key-id=KEYID
 * topics=com.example.app
 * authority-pem:
 * (the PEM of the authority to trust)
 * signing-key-pem:
 * (the signing key, as a .p8 file holds it; also written to --signing-key-file when given)
 * client-pem:
 * (a client certificate chain and its unencrypted PKCS#8 key, for certificate authentication)
 * ready
 * </pre>
 *
 * With {@code --key-info-file} it also writes {@code team-id=}, {@code key-id=}, {@code topics=} and
 * {@code address=} lines to that file once the server is bound (the .p8 file holds the key alone, as Apple's does),
 * and serves until standard input ends or the process is killed. Lines on standard input are commands:
 * {@code count} prints {@code accepted=N}, {@code rejected} prints {@code rejected=N}, {@code reset} clears faults and
 * counters and prints {@code ok}; anything else prints {@code unknown command}. Exit status 2 for bad arguments, 1
 * when the port cannot be bound or the key file cannot be written. The keys are throw-away test keys.
 */
public final class Http2MockProgram {
    private static final String USAGE = "Usage: MockApnsMain [--protocol http2] [--port N] [--no-record] [--max-concurrent-streams N] [--no-first-request-limit] "
            + "[--threads N] [--topic BUNDLE_ID]... [--team-id ID] [--key-id ID] [--signing-key-file PATH] "
            + "[--key-info-file PATH]";

    private Http2MockProgram() {
    }

    /** The program, with its streams and its options (without {@code --protocol}) given; returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        TestSigningKey key = options.teamId == null && options.keyId == null ? TestSigningKey.generate()
                : TestSigningKey.generate(orRandom(options.teamId), orRandom(options.keyId));
        TestCertificates certificates = TestCertificates.create();
        IssuedCertificate client = certificates.client("mock-apns-http2-main-client", KeyType.EC);
        if (options.signingKeyFile != null) {
            try {
                Files.writeString(options.signingKeyFile, key.privateKeyPkcs8Pem(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                err.println("Cannot write the signing key to " + options.signingKeyFile + ": " + e);
                return 1;
            }
        }
        MockApnsHttp2Server started;
        try {
            MockApnsHttp2Server.Builder builder = MockApnsHttp2Server.builder(certificates)
                    .port(options.port)
                    .recordAccepted(options.record)
                    .maxConcurrentStreams(options.maxConcurrentStreams)
                    .firstRequestLimit(options.firstRequestLimit);
            if (options.threads > 0) {
                builder.eventLoopThreads(options.threads);
            }
            started = builder.start();
        } catch (UncheckedIOException e) {
            err.println(e.getMessage());
            return 1;
        }
        try (MockApnsHttp2Server server = started) {
            key.register(server, options.topics);
            server.allowCertificateTopics(client, options.topics);
            if (options.keyInfoFile != null) {
                try {
                    Files.writeString(options.keyInfoFile, "team-id=" + key.teamId() + "\nkey-id=" + key.keyId()
                            + "\ntopics=" + String.join(",", options.topics) + "\naddress=" + server.address() + "\n",
                            StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    err.println("Cannot write the key's ids to " + options.keyInfoFile + ": " + e);
                    return 1;
                }
            }
            Thread hook = new Thread(server::close, "mock-apns-h2-main-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("address=" + server.address());
            out.println("team-id=" + key.teamId());
            out.println("key-id=" + key.keyId());
            out.println("topics=" + String.join(",", options.topics));
            out.println("authority-pem:");
            out.print(server.authorityPem());
            out.println("signing-key-pem:");
            out.print(key.privateKeyPkcs8Pem());
            out.println("client-pem:");
            out.print(client.combinedPem());
            out.println("ready");
            out.flush();
            serveCommands(server, in, out, err);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                err.println("Shutting down: " + e.getMessage());
            }
        }
        return 0;
    }

    private static String orRandom(String id) {
        return id != null ? id : TestSigningKey.generate().teamId();
    }

    private static void serveCommands(MockApnsHttp2Server server, InputStream in, PrintStream out, PrintStream err) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                switch (line.trim()) {
                    case "count" -> out.println("accepted=" + server.acceptedCount());
                    case "rejected" -> out.println("rejected=" + server.rejectedCount());
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

    private static final class Options {
        int port;
        boolean record = true;
        boolean firstRequestLimit = true;
        int maxConcurrentStreams = 1000;
        int threads;
        Set<String> topics = new LinkedHashSet<>();
        String teamId;
        String keyId;
        Path signingKeyFile;
        Path keyInfoFile;

        static Options parse(String[] args) {
            Options options = new Options();
            List<String> topics = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> options.port = number(args, ++i, "--port", 0, 65535);
                    case "--no-record" -> options.record = false;
                    case "--no-first-request-limit" -> options.firstRequestLimit = false;
                    case "--max-concurrent-streams" -> options.maxConcurrentStreams =
                            number(args, ++i, "--max-concurrent-streams", 1, Integer.MAX_VALUE);
                    case "--threads" -> options.threads = number(args, ++i, "--threads", 1, 256);
                    case "--topic" -> topics.add(value(args, ++i, "--topic"));
                    case "--team-id" -> options.teamId = value(args, ++i, "--team-id");
                    case "--key-id" -> options.keyId = value(args, ++i, "--key-id");
                    case "--signing-key-file" -> options.signingKeyFile = Paths.get(value(args, ++i, "--signing-key-file"));
                    case "--key-info-file" -> options.keyInfoFile = Paths.get(value(args, ++i, "--key-info-file"));
                    default -> throw new IllegalArgumentException("Unknown argument '" + args[i] + "'.");
                }
            }
            options.topics.addAll(topics.isEmpty() ? List.of("com.example.app") : topics);
            return options;
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length || args[index].isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value.");
            }
            return args[index];
        }

        private static int number(String[] args, int index, String option, int min, int max) {
            String text = value(args, index, option);
            String problem = option + " needs a number from " + min + " to " + max + "; was '" + text + "'.";
            try {
                int number = Integer.parseInt(text);
                if (number < min || number > max) {
                    throw new IllegalArgumentException(problem);
                }
                return number;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(problem, e);
            }
        }
    }
}
