package dev.apns.docs;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Environment;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.MockApnsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples of docs/getting-started.md, run against the mock. */
@Timeout(10)
class GettingStartedSamplesTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    @TempDir
    Path directory;

    @Test
    void credentialsLoadASendReportsEachTokenAndFeedbackIsRead() throws IOException {
        char[] password = "secret".toCharArray();
        Path p12File = Files.write(directory.resolve("apns.p12"), client.pkcs12(password));
        String pemText = client.combinedPem();
        String good = "11".repeat(32);
        String bad = "bb".repeat(32);
        List<String> tokens = List.of(good, bad);
        apns.server().rejectToken(DeviceToken.fromHex(bad), Status.of(8));
        Instant since = Instant.parse("2026-01-01T00:00:00Z");
        apns.server().addFeedback(new FeedbackEntry(DeviceToken.fromHex(good), since));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream standardOut = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            sendAndRead(p12File, pemText, tokens, password);
        } finally {
            System.setOut(standardOut);
        }

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).contains("com.example.app").doesNotContain("PRIVATE KEY");
        assertThat(lines.subList(1, lines.size())).containsExactly(
                "1 accepted",
                "The server rejected token " + DeviceToken.fromHex(bad) + ": Invalid token (8).",
                "uninstalled since " + since + ": " + good);
    }

    private static void sendAndRead(Path p12File, String pemText, List<String> tokens, char[] password) {
        // tag::gs-credentials[]
        Credentials credentials = Credentials.fromPkcs12(p12File, password);  // a .p12 exported from Keychain Access
        Credentials samePair = Credentials.fromPem(pemText);                  // or PEM text, e.g. from a database
        System.out.println(credentials);           // subject, expiry and digest; never the key
        // end::gs-credentials[]
        assertThat(samePair).isEqualTo(credentials);

        // tag::gs-session[]
        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .credentials(credentials)
                .environment(Environment.SANDBOX)  // the default is PRODUCTION
                // end::gs-session[]
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                // tag::gs-session[]
                .build()) {
            // end::gs-session[]

            // tag::gs-send[]
            Message message = Message.builder()
                    .alert("Hello from the SDK")
                    .sound("default")
                    .hexTokens(tokens)
                    .build();
            Result result = session.send(message);   // blocks until every token is accepted, rejected or handed back

            System.out.println(result.accepted().size() + " accepted");
            for (Rejection rejection : result.rejections()) {
                System.out.println(rejection.explanation());
            }
            if (result.needsRetry()) {
                System.out.println("send again later: " + result.retry().orElseThrow().tokens().size() + " tokens, because " + result.errors());
            }
            // end::gs-send[]

            // tag::gs-feedback[]
            try (Feedback feedback = session.feedback()) {
                for (FeedbackEntry entry : feedback) {
                    System.out.println("uninstalled since " + entry.time() + ": " + entry.token().toHex());
                }
            }
            // end::gs-feedback[]
        }
    }
}
