package dev.apns.cli;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.Environment;
import dev.apns.Payload;
import dev.apns.Protocol;
import dev.apns.Proxy;
import dev.apns.SenderOptions;
import dev.apns.SigningKey;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code apns push}: sends one payload to device tokens from flags, a file or standard input, and reports every
 * token as accepted, rejected or not sent. HTTP/2 (Apple's provider API) by default, with token authentication
 * ({@code --key}, {@code --key-id}, {@code --team-id}) or a client certificate; the binary protocol with
 * {@code --protocol binary}. Ctrl-C and SIGTERM stop sending and print the summary of what was done.
 */
@Command(name = "push",
        mixinStandardHelpOptions = true,
        header = "Send a notification to device tokens.",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Send a notification to device tokens and report which were accepted, which the server "
                + "rejected (stop sending to those whose reason says the token is invalid) and which were not sent "
                + "(send those again later).", "",
                "HTTP/2 by default: token authentication with --key AuthKey.p8 --key-id ID --team-id ID --topic TOPIC, "
                        + "or a client certificate (--cert/--p12). --protocol binary speaks the old binary protocol.",
                "",
                "Tokens come from --token and --tokens-file (one a line; blank lines and lines starting with # are "
                        + "skipped). A file is checked whole before anything is sent; standard input (-) as it is "
                        + "read. Ctrl-C or SIGTERM stops sending and prints the summary."},
        footerHeading = "%nExamples:%n",
        footer = {"  apns push --environment sandbox --key AuthKey_ABC123DEFG.p8 --key-id ABC123DEFG \\",
                "      --team-id DEF123GHIJ --topic com.example.app --token 3f2a...c0de --alert 'Hello'",
                "  apns push --environment production --p12 app.p12 --password-env APNS_PASSWORD \\",
                "      --tokens-file tokens.txt --payload-file payload.json --json > result.json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:Every notification was accepted.",
                "1:The server rejected some tokens; all others were accepted.",
                "2:Some notifications were not sent: the connection or the credentials failed, or the push was "
                        + "interrupted (takes precedence over 1).",
                "3:Bad input: a flag, an unreadable file, a malformed token or one of the wrong length (with its line "
                        + "number), a wrong password, an unknown backend. Nothing was sent (from standard input: nothing after the bad line).",
                "4:Internal error."})
final class PushCommand extends Subcommand {
    static final int DEFAULT_BATCH = 10_000;
    /**
     * HTTP/2: notifications queued or in flight at most. A few connection windows' worth keeps the connection full;
     * more only makes the sender's queue, and what Ctrl-C must report, longer.
     */
    static final int MAX_PENDING = 8_192;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false, heading = "%nDevice tokens:%n", order = 1)
    Tokens tokens = new Tokens();

    @ArgGroup(exclusive = false, heading = "%nPayload:%n", order = 2)
    PayloadOptions payload = new PayloadOptions();

    @ArgGroup(exclusive = false, heading = "%nHTTP/2 headers:%n", order = 3)
    Http2Options headers = new Http2Options();

    @ArgGroup(exclusive = false, heading = "%nServer (--environment or --gateway):%n", order = 4)
    Target target = new Target();

    @ArgGroup(exclusive = false, heading = "%nToken authentication (HTTP/2; --key names the .p8 file):%n", order = 5)
    TokenAuth tokenAuth = new TokenAuth();

    @ArgGroup(exclusive = false, heading = "%nCertificate authentication:%n", order = 6)
    CredentialOptions credentials = new CredentialOptions();

    @ArgGroup(exclusive = false, heading = "%nConnection:%n", order = 7)
    ConnectionOptions connection = new ConnectionOptions();

    @ArgGroup(exclusive = false, heading = "%nProxy:%n", order = 8)
    ProxyOptions proxy = new ProxyOptions();

    @ArgGroup(exclusive = false, heading = "%nOutput:%n", order = 9)
    Output output = new Output();

    /** Stops the push in progress (set while sending). */
    private volatile Runnable stopper;
    /** Prints the summary as it stands (set while sending), for a shutdown hook whose command is stuck reading. */
    private volatile Runnable reportNow;
    private final CountDownLatch reported = new CountDownLatch(1);
    private final AtomicBoolean reportStarted = new AtomicBoolean();

    /** Where the tokens come from. */
    static final class Tokens {
        @Option(names = "--token", paramLabel = "HEX", converter = Converters.TokenConverter.class,
                description = "A device token in hex (repeatable).")
        List<DeviceToken> tokens = new ArrayList<>();

        @Option(names = "--tokens-file", paramLabel = "FILE",
                description = "A file of device tokens, one a line; - reads standard input.")
        String tokensFile;

        @Option(names = "--allow-any-token-length",
                description = "Send tokens of another length than Apple's 32 bytes instead of refusing them.")
        boolean anyLength;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + DEFAULT_BATCH,
                converter = Converters.PositiveConverter.class,
                description = "Binary protocol: how many tokens one send takes (default: ${DEFAULT-VALUE}).")
        long batchSize = DEFAULT_BATCH;
    }

    /** The protocol, and Apple's environment or a host and port. */
    static final class Target {
        @Option(names = "--protocol", paramLabel = "http2|binary", defaultValue = "http2",
                description = "HTTP/2, Apple's provider API (the default), or the old binary protocol.")
        Protocol protocol = Protocol.HTTP2;

        @Option(names = "--environment", paramLabel = "production|sandbox",
                description = "Apple's server of this environment: api.push.apple.com:443 or "
                        + "api.sandbox.push.apple.com:443 (binary: gateway[.sandbox].push.apple.com:2195).")
        Environment environment;

        @Option(names = "--port", paramLabel = "PORT", converter = Converters.PortConverter.class,
                description = "With --environment: another port of Apple's host, such as 2197 where 443 is blocked.")
        Integer port;

        @Option(names = "--gateway", paramLabel = "HOST:PORT", converter = Converters.EndpointConverter.class,
                description = "Another server, such as the one 'apns mock' prints.")
        Endpoint gateway;

        @Option(names = "--give-up-after", paramLabel = "DURATION", defaultValue = "30s",
                converter = Converters.DurationConverter.class,
                description = "HTTP/2: stop when nothing was answered for this long while no connection could be "
                        + "opened; the rest is reported not sent (default: ${DEFAULT-VALUE}).")
        Duration giveUpAfter = Duration.ofSeconds(30);

        @Option(names = "--confirmation", paramLabel = "quiet:DURATION|sentinel:TIMEOUT", defaultValue = "quiet:200ms",
                converter = Converters.ConfirmationConverter.class,
                description = "Binary protocol: how a batch is confirmed: no error within a quiet period after the "
                        + "last write, or a sentinel notification the server must reject (default: ${DEFAULT-VALUE}).")
        Confirmation confirmation = Confirmation.defaults();

        Endpoint endpoint() {
            if (environment != null && gateway != null) {
                throw CliException.badInput("--environment and --gateway cannot be combined; give one.");
            }
            if (environment == null && gateway == null) {
                throw CliException.badInput("where to send is needed: give --environment production, "
                        + "--environment sandbox or --gateway HOST:PORT.");
            }
            if (port != null && gateway != null) {
                throw CliException.badInput("--port goes with --environment; --gateway HOST:PORT names the port itself.");
            }
            if (port != null && port == 0) {
                throw CliException.badInput("--port 0: give the port to connect to, such as 443 or 2197.");
            }
            Endpoint endpoint = gateway != null ? gateway : environment.endpoint(protocol);
            return port != null ? endpoint.withPort(port) : endpoint;
        }
    }

    /** The key id and team id of a {@code .p8} signing key. */
    static final class TokenAuth {
        @Option(names = "--key-id", paramLabel = "ID",
                description = "The 10-character id of the --key .p8 signing key, from Apple's developer portal.")
        String keyId;

        @Option(names = "--team-id", paramLabel = "ID", description = "The 10-character id of the team the key belongs to.")
        String teamId;

        boolean given() {
            return keyId != null || teamId != null;
        }
    }

    /** How the outcome is shown. */
    static final class Output {
        @Option(names = "--json", description = "Print the summary as one line of JSON, with no progress bar.")
        boolean json;

        @Option(names = {"-q", "--quiet"},
                description = "No progress bar, and a summary only when something was rejected or not sent.")
        boolean quiet;
    }

    /**
     * Stops a push in progress as Ctrl-C and SIGTERM do: nothing more is sent, what is in flight gets a second
     * to be answered, and the command prints its summary (with {@code interrupted}) and returns. Does nothing when
     * no push is running. Any thread.
     */
    void stop() {
        Runnable current = stopper;
        if (current != null) {
            current.run();
        }
    }

    @Override
    public Integer call() {
        Tokens source = tokens != null ? tokens : new Tokens();
        Target where = target != null ? target : new Target();
        Output shown = output != null ? output : new Output();
        PayloadOptions payloadOptions = payload != null ? payload : new PayloadOptions();
        Http2Options headerOptions = headers != null ? headers : new Http2Options();
        TokenAuth token = tokenAuth != null ? tokenAuth : new TokenAuth();
        CredentialOptions certificate = credentials != null ? credentials : new CredentialOptions();
        ConnectionOptions connectionOptions = connection != null ? connection : new ConnectionOptions();
        ProxyOptions proxyOptions = proxy != null ? proxy : new ProxyOptions();
        boolean http2 = where.protocol == Protocol.HTTP2;

        if (source.tokens.isEmpty() && source.tokensFile == null) {
            throw CliException.badInput("device tokens are needed: give --token HEX or --tokens-file FILE (- for "
                    + "standard input).");
        }
        requireFlagsOfProtocol(http2);
        Endpoint gateway = where.endpoint();
        Payload body = payloadOptions.payload();
        String topic = null;
        if (http2) {
            topic = headerOptions.resolvedTopic();
            headerOptions.check(body, payloadOptions.priority);
            if (headerOptions.apnsId != null && (source.tokens.size() != 1 || source.tokensFile != null)) {
                throw CliException.badInput("--apns-id names one notification; give it with exactly one --token and "
                        + "no --tokens-file.");
            }
        } else if (!body.fitsIn(Payload.BINARY_LIMIT)) {
            throw CliException.badInput("The payload is " + body.size() + " bytes; the binary protocol accepts at most "
                    + Payload.BINARY_LIMIT + ". Shorten the alert or the custom keys.");
        }
        boolean tokenAuthentication = http2 && token.given();
        if (tokenAuthentication) {
            requireTokenAuthentication(token, certificate);
            if (topic == null) {
                throw CliException.badInput("token authentication needs the app's topic: give --topic TOPIC or "
                        + "--bundle-id ID.");
            }
        } else {
            certificate.check();
        }
        // The total, for the progress bar: unknown (-1) for standard input, which can be read only once.
        long total = source.tokensFile == null ? source.tokens.size() : -1;
        if (source.tokensFile != null && !TokenSource.STDIN.equals(source.tokensFile)) {
            total = TokenSource.countFile(source.tokensFile, source.anyLength) + source.tokens.size();
            if (total == 0) {
                throw CliException.badInput("--tokens-file " + source.tokensFile + ": holds no device token.");
            }
        }
        TokenSource.open(source.tokens, source.anyLength, null, io.in()).close(); // checks the --token lengths
        ApnsSession.Builder builder = connectionOptions.apply(ApnsSession.builder().protocol(where.protocol))
                .trust(connectionOptions.trust())
                .gateway(gateway);
        if (tokenAuthentication) {
            builder.signingKey(signingKey(token, certificate.key));
        } else {
            builder.credentials(certificate.load(io));
        }
        Proxy tunnel = proxyOptions.load(io);
        if (tunnel != null) {
            builder.proxy(tunnel);
        }
        if (!http2) {
            builder.confirmation(where.confirmation);
        }

        PushSummary summary = new PushSummary(http2 ? "http2" : "binary");
        long started = System.nanoTime();
        boolean showProgress = io.isInteractive() && !shown.json && !shown.quiet;
        Progress progress = showProgress ? new Progress(err(), total, System::nanoTime) : Progress.none();
        String how;
        Thread hook = new Thread(this::stopAndReport, "apns-push-stop");
        try (TokenSource reader = TokenSource.open(source.tokens, source.anyLength, source.tokensFile, io.in());
             ApnsSession session = ConnectionOptions.build(builder, certificate, connectionOptions.backend)) {
            how = gateway + (http2 ? " over HTTP/2" : " over the binary protocol") + " through the "
                    + session.backendName() + " backend";
            String description = how;
            reportNow = () -> report(summary, shown, description, (System.nanoTime() - started) / 1_000_000);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (http2) {
                    SenderOptions options = SenderOptions.builder()
                            .http2(headerOptions.defaults(topic))
                            .maxPending(MAX_PENDING)
                            .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))
                            .build();
                    try (ApnsSender sender = session.sender(options)) {
                        Http2Push push = new Http2Push(sender, summary, where.giveUpAfter, gateway.toString());
                        stopper = () -> {
                            summary.interrupted();
                            push.stop();
                        };
                        push.run(reader, (t, p) -> headerOptions.notification(t, p, payloadOptions.expiry,
                                payloadOptions.priority), body, progress);
                    }
                } else {
                    BinaryPush push = new BinaryPush(session, summary, progress);
                    stopper = () -> {
                        summary.interrupted();
                        push.stop();
                    };
                    push.run(reader, payloadOptions, body, (int) Math.min(source.batchSize, 1_000_000));
                }
            } finally {
                stopper = null;
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // The JVM is shutting down (Ctrl-C, SIGTERM): the hook is running and waits for the report below.
                }
            }
        } finally {
            progress.finish();
        }
        if (summary.tokens() == 0) {
            throw CliException.badInput("--tokens-file " + source.tokensFile + ": holds no device token.");
        }
        report(summary, shown, how, (System.nanoTime() - started) / 1_000_000);
        return summary.exitCode();
    }

    /**
     * The shutdown hook: stop, then wait a little for the command to print its summary; when it does not (it is
     * blocked reading standard input), print the summary as it stands.
     */
    void stopAndReport() {
        stop();
        try {
            if (!reported.await(3, TimeUnit.SECONDS)) {
                Runnable now = reportNow;
                if (now != null) {
                    now.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report(PushSummary summary, Output shown, String how, long elapsedMillis) {
        if (!reportStarted.compareAndSet(false, true)) {
            return;
        }
        try {
            if (shown.json) {
                out().println(summary.toJson());
            } else if (!shown.quiet || summary.exitCode() != ExitCodes.OK) {
                summary.printText(out(), how, elapsedMillis);
            }
            out().flush();
        } finally {
            reported.countDown();
        }
    }

    /** Refuses flags the chosen protocol has no use for, naming them. */
    private void requireFlagsOfProtocol(boolean http2) {
        var parsed = spec.commandLine().getParseResult();
        String[] http2Only = {"--topic", "--bundle-id", "--push-type", "--collapse-id", "--apns-id", "--key-id",
                "--team-id", "--give-up-after"};
        String[] binaryOnly = {"--confirmation", "--batch-size"};
        for (String flag : http2 ? binaryOnly : http2Only) {
            if (parsed.hasMatchedOption(flag)) {
                throw CliException.badInput(flag + (http2 ? " is for --protocol binary; HTTP/2 answers every "
                        + "notification and streams the tokens." : " is for HTTP/2; the binary protocol has no place "
                        + "for it (leave out --protocol binary)."));
            }
        }
    }

    private static void requireTokenAuthentication(TokenAuth token, CredentialOptions certificate) {
        if (token.keyId == null || token.teamId == null) {
            throw CliException.badInput("token authentication needs both --key-id and --team-id (with --key FILE.p8).");
        }
        if (certificate.key == null) {
            throw CliException.badInput("--key-id and --team-id go with --key FILE, the .p8 signing key from Apple's "
                    + "developer portal.");
        }
        if (certificate.cert != null || certificate.p12 != null) {
            throw CliException.badInput("token authentication (--key-id, --team-id) and a client certificate ("
                    + (certificate.cert != null ? "--cert" : "--p12") + ") cannot be combined; give one.");
        }
        if (certificate.passwordEnv != null || certificate.passwordFile != null) {
            throw CliException.badInput("a .p8 signing key has no password; leave out --password-env and "
                    + "--password-file.");
        }
    }

    private static SigningKey signingKey(TokenAuth token, Path p8) {
        String text = InputFiles.text("--key", p8);
        try {
            return SigningKey.fromP8(text, token.keyId.strip(), token.teamId.strip());
        } catch (IllegalArgumentException e) {
            String flag = e.getMessage().contains("keyId") ? "--key-id " + token.keyId : "--team-id " + token.teamId;
            throw CliException.badInput(flag + ": " + e.getMessage().replace("The keyId", "A key id")
                    .replace("The teamId", "A team id"), e);
        } catch (CredentialsException e) {
            throw CliException.badInput("--key " + p8 + ": is not a usable .p8 signing key: " + e.getMessage(), e);
        }
    }
}
