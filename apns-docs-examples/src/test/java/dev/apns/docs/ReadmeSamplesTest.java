package dev.apns.docs;

import dev.apns.Protocol;
import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Environment;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.MockApnsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples of README.md (the sender sample is also the one in docs/delivery.md), run against the mock. */
@Timeout(10)
class ReadmeSamplesTest {
    private static final Logger log = LoggerFactory.getLogger(ReadmeSamplesTest.class);

    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    private static final String GOOD_1 = "11".repeat(32);
    private static final String GOOD_2 = "22".repeat(32);
    private static final String BAD = "bb".repeat(32);

    private final List<DeviceToken> forgotten = new CopyOnWriteArrayList<>();
    private final List<String> queued = new CopyOnWriteArrayList<>();
    private final List<DeviceToken> pruned = new CopyOnWriteArrayList<>();

    @Test
    void sendRejectedTokensAreForgottenAndFeedbackIsRead() {
        char[] password = "secret".toCharArray();
        byte[] p12Bytes = client.pkcs12(password);
        List<String> tokensFromYourDatabase = List.of(GOOD_1, BAD, GOOD_2);
        apns.server().rejectToken(DeviceToken.fromHex(BAD), Status.of(8));
        Instant unregistered = Instant.parse("2026-01-01T00:00:00Z");
        apns.server().addFeedback(new FeedbackEntry(DeviceToken.fromHex(GOOD_2), unregistered));

        // tag::readme-send[]
        Credentials credentials = Credentials.fromPkcs12(p12Bytes, password);   // or Credentials.fromPem(pemText)

        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .credentials(credentials)
                .environment(Environment.SANDBOX)          // or .gateway(Endpoint.of(host, port))
                // end::readme-send[]
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                // tag::readme-send[]
                .build()) {

            Message message = Message.builder()
                    .alert("Your order has shipped")
                    .badge(1)
                    .sound("default")
                    .hexTokens(tokensFromYourDatabase)
                    .build();

            Result result = session.send(message);
            for (Rejection rejection : result.rejections()) {
                forgetToken(rejection.token());             // e.g. status 8, invalid token
            }
            result.retry().ifPresent(retry -> queueForLater(retry.toJson()));   // what could not be delivered now, and why:
            result.errors().forEach(error -> log.warn("{}", error));

            try (Feedback feedback = session.feedback()) {
                for (FeedbackEntry entry : feedback) {
                    forgetTokenIfNotRegisteredSince(entry.token(), entry.time());
                }
            }
        }
        // end::readme-send[]

        assertThat(forgotten).containsExactly(DeviceToken.fromHex(BAD));
        assertThat(queued).isEmpty();
        assertThat(pruned).containsExactly(DeviceToken.fromHex(GOOD_2));
        assertThat(apns.server().accepted()).extracting(n -> n.token())
                .containsExactly(DeviceToken.fromHex(GOOD_1), DeviceToken.fromHex(GOOD_2));
    }

    @Test
    void senderReportsTheRejectedTokenThroughItsFuture() throws InterruptedException {
        DeviceToken token = DeviceToken.fromHex(BAD);
        Payload payload = Payload.builder().alert("Hello").build();
        apns.server().rejectToken(token, Status.of(8));

        try (ApnsSession session = sessionAgainstTheMock()) {
            // tag::sender-submit[]
            try (ApnsSender sender = session.sender()) {
                sender.submit(Notification.of(token, payload))
                      .thenAccept(outcome -> { if (outcome.kind() == Outcome.Kind.REJECTED) forget(token); });
            }
            // end::sender-submit[]
        }

        assertThat(forgotten).containsExactly(token);
    }

    static ApnsSession sessionAgainstTheMock() {
        return ApnsSession.builder().protocol(Protocol.BINARY)
                .credentials(client.credentials())
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                .build();
    }

    private void forgetToken(DeviceToken token) {
        forgotten.add(token);
    }

    private void forget(DeviceToken token) {
        forgotten.add(token);
    }

    private void queueForLater(String json) {
        queued.add(json);
    }

    private void forgetTokenIfNotRegisteredSince(DeviceToken token, Instant time) {
        pruned.add(token);
    }
}
