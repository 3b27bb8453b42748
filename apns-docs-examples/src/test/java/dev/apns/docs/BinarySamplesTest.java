package dev.apns.docs;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Protocol;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.junit.MockApnsExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The binary-protocol samples of docs/sending.md and docs/delivery.md, run against the binary mock gateway. */
@Timeout(10)
class BinarySamplesTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    private static final String GOOD = "11".repeat(32);
    private static final String BAD = "bb".repeat(32);

    private final List<DeviceToken> forgotten = new CopyOnWriteArrayList<>();

    @Test
    void aPrivateGatewaySessionSendsAndReadsFeedback() {
        Credentials credentials = client.credentials();
        Message message = Message.builder().alert("hi").hexTokens(List.of(GOOD, BAD)).build();
        apns.server().rejectToken(DeviceToken.fromHex(BAD), Status.of(8));
        apns.server().addFeedback(new FeedbackEntry(DeviceToken.fromHex(GOOD), Instant.parse("2026-01-01T00:00:00Z")));

        // tag::sending-binary[]
        try (ApnsSession session = ApnsSession.builder()
                .protocol(Protocol.BINARY)                               // a private gateway that still speaks it
                .credentials(credentials)                                // certificate authentication only
                .gateway(Endpoint.of("push.internal.example.com", 2195))
                .feedback(Endpoint.of("push.internal.example.com", 2196))
                .confirmation(Confirmation.quietPeriod(Duration.ofMillis(500)))   // it never says "accepted"
                // end::sending-binary[]
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                // tag::sending-binary[]
                .build()) {
            Result result = session.send(message);                       // rejections carry a Status: 8, invalid token
            for (Rejection rejection : result.rejections()) {
                forget(rejection.token());
            }
            try (Feedback feedback = session.feedback()) {               // uninstalled apps, with the time
                feedback.forEach(entry -> forget(entry.token()));
            }
        }
        // end::sending-binary[]

        assertThat(forgotten).containsExactly(DeviceToken.fromHex(BAD), DeviceToken.fromHex(GOOD));
    }

    @Test
    void senderReportsTheRejectedTokenThroughItsFuture() throws InterruptedException {
        DeviceToken token = DeviceToken.fromHex(BAD);
        Payload payload = Payload.builder().alert("Hello").build();
        apns.server().rejectToken(token, Status.of(8));

        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .credentials(client.credentials())
                .gateway(apns.server().gateway())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                .build()) {
            // tag::sender-submit[]
            try (ApnsSender sender = session.sender()) {
                sender.submit(Notification.of(token, payload))
                      .thenAccept(outcome -> { if (outcome.kind() == Outcome.Kind.REJECTED) forget(token); });
            }
            // end::sender-submit[]
        }

        assertThat(forgotten).containsExactly(token);
    }

    private void forget(DeviceToken token) {
        forgotten.add(token);
    }
}
