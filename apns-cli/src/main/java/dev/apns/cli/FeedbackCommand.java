package dev.apns.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.ConnectionFailedException;
import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Environment;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code apns feedback}: reads the feedback service once and prints its (token, time) entries as they
 * arrive, as text or a JSON array.
 */
@Command(name = "feedback",
        mixinStandardHelpOptions = true,
        header = "List the tokens the feedback service reports as gone.",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Read the feedback service: the tokens whose app is gone from the device, and when APNs found "
                + "out. Stop sending to a token unless the device registered it again after that time.", "",
                "Reading clears the server's list, so keep what this prints. Text output is one entry a line: the "
                        + "token, a space, the time (ISO-8601, UTC)."},
        footerHeading = "%nExamples:%n",
        footer = {"  apns feedback --environment production --p12 app.p12 \\",
                "      --password-env APNS_PASSWORD",
                "  apns feedback --environment sandbox --cert app.pem --json > feedback.json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:The whole list was read (it may be empty).",
                "2:The connection failed, or ended in the middle of the list; what was read before is printed.",
                "3:Bad input: a flag, an unreadable file, a wrong password, an unknown backend.",
                "4:Internal error."})
final class FeedbackCommand extends Subcommand {
    @ArgGroup(exclusive = false, heading = "%nFeedback service (--environment or --feedback):%n", order = 1)
    Target target = new Target();

    @ArgGroup(exclusive = false, heading = "%nCredentials:%n", order = 2)
    CredentialOptions credentials = new CredentialOptions();

    @ArgGroup(exclusive = false, heading = "%nConnection:%n", order = 3)
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--json", order = 4, description = "Print a JSON array of {\"token\":HEX,\"time\":ISO-8601}.")
    boolean json;

    /** Apple's environment or a host and port. */
    static final class Target {
        @Option(names = "--environment", paramLabel = "production|sandbox",
                description = "Apple's feedback service of this environment.")
        Environment environment;

        @Option(names = "--feedback", paramLabel = "HOST:PORT", converter = Converters.EndpointConverter.class,
                description = "Another feedback service, such as the one 'apns mock' prints.")
        Endpoint feedback;

        Endpoint endpoint() {
            if (environment != null && feedback != null) {
                throw CliException.badInput("--environment and --feedback cannot be combined; give one.");
            }
            if (environment == null && feedback == null) {
                throw CliException.badInput("where to read is needed: give --environment production, "
                        + "--environment sandbox or --feedback HOST:PORT.");
            }
            return feedback != null ? feedback : environment.feedback();
        }
    }

    @Override
    public Integer call() {
        Target where = target != null ? target : new Target();
        CredentialOptions credentialOptions = credentials != null ? credentials : new CredentialOptions();
        ConnectionOptions connectionOptions = connection != null ? connection : new ConnectionOptions();

        Endpoint endpoint = where.endpoint();
        credentialOptions.check();
        Credentials identity = credentialOptions.load(io);
        ApnsSession.Builder builder = connectionOptions.apply(ApnsSession.builder().protocol(Protocol.BINARY))
                .credentials(identity)
                .trust(connectionOptions.trust())
                .feedback(endpoint);

        long count = 0;
        Optional<IOException> failure;
        try (ApnsSession session = ConnectionOptions.build(builder, credentialOptions, connectionOptions.backend);
             Feedback feedback = open(session, endpoint);
             EntryWriter writer = json ? new JsonWriter() : new TextWriter()) {
            for (FeedbackEntry entry : feedback) {
                writer.write(entry);
                count++;
            }
            failure = feedback.failure();
        }
        out().flush();
        if (failure.isPresent()) {
            throw new CliException(ExitCodes.UNSENT, String.format(Locale.ROOT, "the feedback stream from %s ended "
                    + "early after %,d entr%s: %s", endpoint, count, count == 1 ? "y" : "ies",
                    Apns.oneLine(failure.get().getMessage())), failure.get());
        }
        if (count == 0 && !json) {
            err().println("The feedback service at " + endpoint + " had no entries.");
        }
        return ExitCodes.OK;
    }

    private static Feedback open(ApnsSession session, Endpoint endpoint) {
        try {
            return session.feedback();
        } catch (ConnectionFailedException e) {
            throw new CliException(ExitCodes.UNSENT, "the feedback service at " + endpoint + " could not be read: "
                    + e.getMessage(), e);
        }
    }

    /** Prints entries as they arrive. */
    private interface EntryWriter extends AutoCloseable {
        void write(FeedbackEntry entry);

        @Override
        void close();
    }

    /** {@code TOKEN TIME}, one a line. */
    private final class TextWriter implements EntryWriter {
        @Override
        public void write(FeedbackEntry entry) {
            out().println(entry.token().toHex() + " " + entry.time());
        }

        @Override
        public void close() {
            out().flush();
        }
    }

    /** A JSON array, written as the entries arrive and closed even when the stream ends early. */
    private final class JsonWriter implements EntryWriter {
        private final JsonGenerator generator;

        JsonWriter() {
            try {
                generator = new JsonFactory().createGenerator(out());
                generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                generator.writeStartArray();
            } catch (IOException e) {
                throw new UncheckedIOException("Writing JSON to standard output failed.", e);
            }
        }

        @Override
        public void write(FeedbackEntry entry) {
            try {
                generator.writeStartObject();
                generator.writeStringField("token", entry.token().toHex());
                generator.writeStringField("time", entry.time().toString());
                generator.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException("Writing JSON to standard output failed.", e);
            }
        }

        @Override
        public void close() {
            try {
                generator.writeEndArray();
                generator.flush();
                out().println();
            } catch (IOException e) {
                throw new UncheckedIOException("Writing JSON to standard output failed.", e);
            }
        }
    }
}
