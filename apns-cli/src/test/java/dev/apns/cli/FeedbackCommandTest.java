package dev.apns.cli;

import dev.apns.DeviceToken;
import dev.apns.FeedbackEntry;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.MockApnsServer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.apns.cli.Fixtures.args;
import static dev.apns.cli.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns feedback} in process, over real TLS against apns-mock's mock APNs server. */
@Timeout(20)
class FeedbackCommandTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.cli");

    @TempDir
    Path directory;

    private List<String> credentials;

    /** The extension's server, started once for the class and reset before each test. */
    private MockApnsServer server;

    @BeforeEach
    void resetServer() {
        server = apns.server();
        server.addFeedback(new FeedbackEntry(DeviceToken.fromHex(token(1)), Instant.parse("2026-01-02T03:04:05Z")),
                new FeedbackEntry(DeviceToken.fromHex(token(2)), Instant.parse("2026-02-03T04:05:06Z")));
        credentials = Fixtures.pemCredentials(directory, server, client);
    }

    private String[] feedback(String... rest) {
        return args(List.of("feedback", "--feedback", server.feedback().toString()), args(credentials, rest));
    }

    @Test
    void textIsOneTokenAndTimeALine() {
        CliRunner.Run run = CliRunner.run(feedback());

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo(token(1) + " 2026-01-02T03:04:05Z\n" + token(2) + " 2026-02-03T04:05:06Z\n");
    }

    @Test
    void jsonIsAnArrayOfTokenAndTime() {
        CliRunner.Run run = CliRunner.run(feedback("--json"));

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("[{\"token\":\"" + token(1) + "\",\"time\":\"2026-01-02T03:04:05Z\"},"
                + "{\"token\":\"" + token(2) + "\",\"time\":\"2026-02-03T04:05:06Z\"}]\n");
    }

    @Test
    void anEmptyListIsAnEmptyArrayOrANoteOnStandardError() {
        server.reset();

        CliRunner.Run json = CliRunner.run(feedback("--json"));
        CliRunner.Run text = CliRunner.run(feedback());

        assertThat(json.out()).isEqualTo("[]\n");
        assertThat(text.out()).isEmpty();
        assertThat(text.err()).isEqualTo("The feedback service at " + server.feedback() + " had no entries.\n");
        assertThat(text.exitCode()).isEqualTo(0);
    }

    @Test
    void aStreamEndingEarlyPrintsWhatWasReadAndExitsTwo() {
        server.feedbackFailAfter(1);

        CliRunner.Run run = CliRunner.run(feedback("--json"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEqualTo("[{\"token\":\"" + token(1) + "\",\"time\":\"2026-01-02T03:04:05Z\"}]\n");
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("apns: the feedback stream from " + server.feedback() + " ended early after 1 entry: ");
    }

    @Test
    void anUnreachableServiceExitsTwo() {
        int port = Fixtures.closedPort();

        CliRunner.Run run = CliRunner.run(args(List.of("feedback", "--feedback", "127.0.0.1:" + port), args(credentials)));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("apns: the feedback service at 127.0.0.1:" + port + " could not be read: ");
    }
}
