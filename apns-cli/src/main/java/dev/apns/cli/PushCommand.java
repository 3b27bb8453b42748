package dev.apns.cli;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.Environment;
import dev.apns.Message;
import dev.apns.Payload;
import dev.apns.Result;
import dev.apns.Trust;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code apns push}: sends one payload to device tokens from flags, a file or standard input, in batches
 * through {@link ApnsSession#send(Message)}, and reports every token as accepted, rejected or unsent.
 */
@Command(name = "push",
        mixinStandardHelpOptions = true,
        header = "Send a notification to device tokens.",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Send a notification to device tokens and report which were accepted, which the server "
                + "rejected (stop sending to those) and which are unsent (send those again later).", "",
                "Tokens come from --token and --tokens-file (one a line; blank lines and lines starting with # are "
                        + "skipped). A file is checked whole before anything is sent; standard input (-) is checked "
                        + "a batch at a time. A progress bar is drawn on standard error when it is a terminal."},
        footerHeading = "%nExamples:%n",
        footer = {"  apns push --environment sandbox --p12 app.p12 --password-env APNS_PASSWORD \\",
                "      --token 3f2a...c0de --alert 'Hello' --badge 1 --sound default",
                "  apns push --environment production --cert app.pem --key app.key \\",
                "      --tokens-file tokens.txt --payload-file payload.json --json > result.json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:Every notification was accepted.",
                "1:The server rejected some tokens; all others were accepted.",
                "2:Some notifications are unsent: the connection or the certificate failed (takes precedence over 1).",
                "3:Bad input: a flag, an unreadable file, a malformed token (with its line number), a wrong password, "
                        + "an unknown backend.",
                "4:Internal error."})
final class PushCommand extends Subcommand {
    static final int DEFAULT_BATCH = 10_000;

    @ArgGroup(exclusive = false, heading = "%nDevice tokens:%n", order = 1)
    Tokens tokens = new Tokens();

    @ArgGroup(exclusive = false, heading = "%nPayload:%n", order = 2)
    PayloadOptions payload = new PayloadOptions();

    @ArgGroup(exclusive = false, heading = "%nGateway (--environment or --gateway):%n", order = 3)
    Target target = new Target();

    @ArgGroup(exclusive = false, heading = "%nCredentials:%n", order = 4)
    CredentialOptions credentials = new CredentialOptions();

    @ArgGroup(exclusive = false, heading = "%nConnection:%n", order = 5)
    ConnectionOptions connection = new ConnectionOptions();

    @ArgGroup(exclusive = false, heading = "%nOutput:%n", order = 6)
    Output output = new Output();

    /** Where the tokens come from. */
    static final class Tokens {
        @Option(names = "--token", paramLabel = "HEX", converter = Converters.TokenConverter.class,
                description = "A device token in hex (repeatable).")
        List<DeviceToken> tokens = new ArrayList<>();

        @Option(names = "--tokens-file", paramLabel = "FILE",
                description = "A file of device tokens, one a line; - reads standard input.")
        String tokensFile;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + DEFAULT_BATCH,
                converter = Converters.PositiveConverter.class,
                description = "How many tokens one send takes (default: ${DEFAULT-VALUE}); memory grows with it.")
        long batchSize = DEFAULT_BATCH;
    }

    /** Apple's environment or a host and port. */
    static final class Target {
        @Option(names = "--environment", paramLabel = "production|sandbox",
                description = "Apple's gateway of this environment.")
        Environment environment;

        @Option(names = "--gateway", paramLabel = "HOST:PORT", converter = Converters.EndpointConverter.class,
                description = "Another gateway, such as the one 'apns mock' prints.")
        Endpoint gateway;

        @Option(names = "--confirmation", paramLabel = "quiet:DURATION|sentinel:TIMEOUT", defaultValue = "quiet:200ms",
                converter = Converters.ConfirmationConverter.class,
                description = "How a batch is confirmed: no error within a quiet period after the last write, or a "
                        + "sentinel notification the server must reject (default: ${DEFAULT-VALUE}).")
        Confirmation confirmation = Confirmation.defaults();

        Endpoint endpoint() {
            if (environment != null && gateway != null) {
                throw CliException.badInput("--environment and --gateway cannot be combined; give one.");
            }
            if (environment == null && gateway == null) {
                throw CliException.badInput("where to send is needed: give --environment production, "
                        + "--environment sandbox or --gateway HOST:PORT.");
            }
            return gateway != null ? gateway : environment.gateway();
        }
    }

    /** How the outcome is shown. */
    static final class Output {
        @Option(names = "--json", description = "Print the summary as one line of JSON, with no progress bar: "
                + "{\"sent\": N, \"accepted\": N, \"rejected\": [{\"token\", \"status\", \"reason\"}], "
                + "\"unsent\": [TOKEN...], \"errors\": [TEXT...]}.")
        boolean json;

        @Option(names = {"-q", "--quiet"},
                description = "No progress bar, and a summary only when something was rejected or unsent.")
        boolean quiet;
    }

    @Override
    public Integer call() {
        Tokens source = tokens != null ? tokens : new Tokens();
        Target where = target != null ? target : new Target();
        Output shown = output != null ? output : new Output();
        PayloadOptions payloadOptions = payload != null ? payload : new PayloadOptions();
        CredentialOptions credentialOptions = credentials != null ? credentials : new CredentialOptions();
        ConnectionOptions connectionOptions = connection != null ? connection : new ConnectionOptions();

        if (source.tokens.isEmpty() && source.tokensFile == null) {
            throw CliException.badInput("device tokens are needed: give --token HEX or --tokens-file FILE (- for "
                    + "standard input).");
        }
        int batchSize = (int) Math.min(source.batchSize, 1_000_000);
        Endpoint gateway = where.endpoint();
        Payload body = payloadOptions.payload();
        if (!body.fitsIn(Payload.BINARY_LIMIT)) {
            throw CliException.badInput("The payload is " + body.size() + " bytes; the binary protocol accepts at most "
                    + Payload.BINARY_LIMIT + ". Shorten the alert or the custom keys.");
        }
        credentialOptions.check();
        // The total, for the progress bar: unknown (-1) for standard input, which can be read only once.
        long total = source.tokensFile == null ? source.tokens.size() : -1;
        if (source.tokensFile != null && !TokenSource.STDIN.equals(source.tokensFile)) {
            total = TokenSource.countFile(source.tokensFile) + source.tokens.size();
            if (total == 0) {
                throw CliException.badInput("--tokens-file " + source.tokensFile + ": holds no device token.");
            }
        }
        Credentials identity = credentialOptions.load(io);
        Trust trust = connectionOptions.trust();
        ApnsSession.Builder builder = connectionOptions.apply(ApnsSession.builder().protocol(Protocol.BINARY))
                .credentials(identity)
                .trust(trust)
                .gateway(gateway)
                .confirmation(where.confirmation);

        PushSummary summary = new PushSummary();
        long started = System.nanoTime();
        String backendName;
        boolean showProgress = io.isInteractive() && !shown.json && !shown.quiet;
        Progress progress = showProgress ? new Progress(err(), total, System::nanoTime) : Progress.none();
        try (TokenSource reader = TokenSource.open(source.tokens, source.tokensFile, io.in());
             ApnsSession session = ConnectionOptions.build(builder, credentialOptions, connectionOptions.backend)) {
            backendName = session.backendName();
            send(session, reader, payloadOptions, body, batchSize, summary, progress);
        } finally {
            progress.finish();
        }
        if (summary.sent() == 0) {
            throw CliException.badInput("--tokens-file " + source.tokensFile + ": holds no device token.");
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        if (shown.json) {
            out().println(summary.toJson());
        } else if (!shown.quiet || summary.exitCode() != ExitCodes.OK) {
            summary.printText(out(), gateway.toString(), backendName, elapsedMillis);
        }
        out().flush();
        return summary.exitCode();
    }

    /**
     * Sends batch after batch. After a batch in which nothing at all was accepted or rejected (the gateway is
     * unreachable or refuses the certificate) the rest is read but not attempted, so that a dead gateway costs
     * one batch's retries, not one per batch; those tokens are reported unsent too.
     */
    private static void send(ApnsSession session, TokenSource reader, PayloadOptions options, Payload body,
                             int batchSize, PushSummary summary, Progress progress) {
        List<DeviceToken> batch;
        while (!(batch = reader.next(batchSize)).isEmpty()) {
            Message message = options.applyTo(Message.builder().tokens(batch).payload(body)).build();
            Result result = session.send(message);
            summary.add(result);
            progress.update(summary.sent());
            if (result.accepted().isEmpty() && result.rejections().isEmpty() && result.needsRetry()) {
                String why = String.format(Locale.ROOT, "Stopped after a batch of %,d in which nothing was delivered; "
                        + "the tokens after it were not attempted.", batch.size());
                List<DeviceToken> rest;
                while (!(rest = reader.next(batchSize)).isEmpty()) {
                    summary.notAttempted(rest, why);
                }
                progress.update(summary.sent());
                return;
            }
        }
    }
}
