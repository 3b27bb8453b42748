package dev.apns.docs;

import dev.apns.Protocol;
import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.DeliveryError;
import dev.apns.DeviceToken;
import dev.apns.Environment;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.MockApnsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples of docs/sending.md, run against the mock. */
@Timeout(10)
class SendingSamplesTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    private static final String GOOD = "11".repeat(32);
    private static final String BAD = "bb".repeat(32);

    @Test
    void aConfiguredSessionReusesItsConnectionUntilOutdated() {
        Credentials credentials = client.credentials();
        Message message = Message.builder().alert("hi").token(GOOD).build();

        // tag::sending-session[]
        ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .credentials(credentials)
                .environment(Environment.PRODUCTION)
                .backend("blocking")                                      // optional: by name, else the best one found
                .connectTimeout(Duration.ofSeconds(5))                    // TCP connect, and TLS handshake, each
                .confirmation(Confirmation.quietPeriod(Duration.ofMillis(500)))
                // end::sending-session[]
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                // tag::sending-session[]
                .build();                                                 // opens no connection yet
        // end::sending-session[]
        try (session) {
            // tag::sending-outdate[]
            session.send(message);                                       // opens a connection and keeps it
            session.send(message);                                       // reuses it
            int open = session.openConnections();                        // 1
            int closed = session.outdate(Duration.ofMinutes(5));         // closes those idle for 5 minutes or more
            // end::sending-outdate[]
            assertThat(open).isEqualTo(1);
            assertThat(closed).isZero();
            assertThat(session.outdate(Duration.ZERO)).isEqualTo(1);
            assertThat(session.openConnections()).isZero();
        }
        assertThat(apns.server().acceptedCount()).isEqualTo(2);
    }

    @Test
    void aPayloadIsBuiltCheckedForSizeAndSentWithExpiryAndPriority() {
        List<DeviceToken> tokens = List.of(DeviceToken.fromHex(GOOD));

        try (ApnsSession session = sessionAgainstTheMock()) {
            // tag::sending-message[]
            Payload payload = Payload.builder()
                    .alert("Your order has shipped")
                    .badge(1)
                    .sound("default")
                    .customField("orderId", 4711)
                    .build();                                    // {"aps":{"alert":...,"badge":1,"sound":"default"},"orderId":4711}

            if (!payload.fitsIn(Payload.BINARY_LIMIT)) {         // 2048 bytes; size() counts UTF-8 bytes
                throw new IllegalArgumentException("Payload too large: " + payload.size() + " bytes.");
            }

            Message message = Message.builder()
                    .payload(payload)
                    .tokens(tokens)
                    .expiry(Instant.now().plus(1, ChronoUnit.DAYS))    // Apple drops it after this
                    .priority(10)                                      // 10 now, 5 when convenient for the device
                    .build();
            Result result = session.send(message);
            // end::sending-message[]
            assertThat(result.isSuccess()).isTrue();
            assertThat(apns.server().accepted().get(0).payloadText()).isEqualTo(payload.toJson());
            assertThat(apns.server().accepted().get(0).priority()).hasValue(10);
        }
    }

    @Test
    void aResultSaysWhatToDoWithEveryToken() {
        String contentFault = "cc".repeat(32);
        String after = "22".repeat(32);
        apns.server().rejectToken(DeviceToken.fromHex(BAD), Status.of(8));
        apns.server().rejectToken(DeviceToken.fromHex(contentFault), Status.of(7));
        Message message = Message.builder().alert("hi").hexTokens(List.of(GOOD, BAD, contentFault, after)).build();
        List<String> actions = new ArrayList<>();

        try (ApnsSession session = sessionAgainstTheMock()) {
            // tag::sending-result[]
            Result result = session.send(message);
            for (Rejection rejection : result.rejections()) {             // the token's fault: status 2, 5 or 8
                actions.add("forget " + rejection.token().toHex());       // it will never work again
            }
            result.retry().ifPresent(later ->                             // neither accepted nor rejected
                    actions.add("store for later: " + later.toJson()));   // same payload, the tokens left over
            for (DeliveryError error : result.errors()) {                 // why they were handed back
                actions.add("error: " + error.description());
            }
            // end::sending-result[]
            assertThat(result.accepted()).containsExactly(DeviceToken.fromHex(GOOD));
            assertThat(result.retry()).hasValueSatisfying(retry -> assertThat(retry.tokens())
                    .containsExactly(DeviceToken.fromHex(contentFault), DeviceToken.fromHex(after)));
            assertThat(result.errors()).singleElement()
                    .satisfies(error -> assertThat(error.status()).contains(Status.of(7)));
        }
        assertThat(actions).hasSize(3).startsWith("forget " + BAD);
        assertThat(actions.get(1)).startsWith("store for later: ");
        assertThat(actions.get(2)).startsWith("error: ");
    }

    @Test
    void theStreamingSenderCompletesEveryFutureAndCountsWhatHappened() throws InterruptedException {
        List<DeviceToken> tokens = List.of(DeviceToken.fromHex(GOOD), DeviceToken.fromHex(BAD));
        apns.server().rejectToken(DeviceToken.fromHex(BAD), Status.of(8));
        Payload payload = Payload.builder().alert("hi").build();
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();

        try (ApnsSession session = sessionAgainstTheMock()) {
            Credentials credentials = client.credentials();
            // tag::sending-sender[]
            SenderOptions options = SenderOptions.builder()
                    .connections(2)                               // written to in parallel
                    .maxPending(50_000)                           // queued or in flight at most
                    .submitTimeout(Duration.ofSeconds(2))         // then submit throws SenderFullException
                    .build();
            ApnsSender sender = session.sender(credentials, options);

            for (DeviceToken token : tokens) {
                CompletableFuture<Outcome> outcome = sender.submit(Notification.of(token, payload));
                futures.add(outcome);
            }
            Optional<CompletableFuture<Outcome>> offered = sender.offer(Notification.of(tokens.get(0), payload));  // never waits

            List<Notification> unsent = sender.shutdown(Duration.ofSeconds(5));   // the rest, to send again later
            SenderMetrics metrics = sender.metrics();
            System.out.printf("accepted %d, rejected %s, unsent %d, resent %d%n",
                    metrics.accepted(), metrics.rejected(), metrics.unsent(), metrics.resent());
            // end::sending-sender[]

            assertThat(offered).isPresent();
            assertThat(unsent).isEmpty();
            assertThat(futures).allSatisfy(f -> assertThat(f).isDone());
            assertThat(futures.get(0).join().kind()).isEqualTo(Outcome.Kind.ACCEPTED);
            assertThat(futures.get(1).join().status()).contains(Status.of(8));
            assertThat(metrics.accepted()).isEqualTo(2);
            assertThat(metrics.rejected()).containsEntry("8", 1L);
        }
    }

    @Test
    void theListenerFormHearsEveryOutcomeWithoutAFuturePerNotification() throws InterruptedException {
        List<DeviceToken> tokens = List.of(DeviceToken.fromHex(GOOD), DeviceToken.fromHex(BAD));
        apns.server().rejectToken(DeviceToken.fromHex(BAD), Status.of(8));
        Payload payload = Payload.builder().alert("hi").build();
        Set<DeviceToken> forgotten = ConcurrentHashMap.newKeySet();
        LongAdder delivered = new LongAdder();

        try (ApnsSession session = sessionAgainstTheMock()) {
            // tag::sending-listener[]
            Consumer<Outcome> onOutcome = outcome -> {          // one listener for every notification
                switch (outcome.kind()) {
                    case ACCEPTED -> delivered.increment();
                    case REJECTED -> forgotten.add(outcome.notification().token());
                    case UNSENT -> retryLater(outcome.notification());
                }
            };
            try (ApnsSender sender = session.sender()) {
                for (DeviceToken token : tokens) {
                    sender.submit(Notification.of(token, payload), onOutcome);
                }
            }                                                   // close() lets every outcome arrive first
            // end::sending-listener[]
        }
        assertThat(delivered.sum()).isEqualTo(1);
        assertThat(forgotten).containsExactly(DeviceToken.fromHex(BAD));
    }

    private static void retryLater(Notification notification) {
        throw new AssertionError("Nothing is left unsent against the mock server: " + notification);
    }

    private static ApnsSession sessionAgainstTheMock() {
        return ApnsSession.builder().protocol(Protocol.BINARY)
                .credentials(client.credentials())
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                .build();
    }
}
