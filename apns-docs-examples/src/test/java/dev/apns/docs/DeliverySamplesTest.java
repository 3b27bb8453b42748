package dev.apns.docs;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Http2Defaults;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP/2 sample of docs/delivery.md, and the page's claims about GOAWAY and unanswered notifications. */
@Timeout(30)
class DeliverySamplesTest {
    private static final Http2Mock apns = new Http2Mock();
    private static final long NO_ERROR = 0;

    private final List<Notification> mayHaveArrived = new CopyOnWriteArrayList<>();
    private final List<Notification> sendAgain = new CopyOnWriteArrayList<>();

    @BeforeEach
    void reset() {
        apns.reset();
    }

    @AfterAll
    static void stop() {
        apns.close();
    }

    @Test
    void aNotificationNeverAnsweredEndsUnsentAndPossiblyDelivered() throws Exception {
        Notification notification = Notification.of(DeviceToken.fromHex("11".repeat(32)), Payload.builder().alert("hi").build());
        apns.server.stopAnswering();

        try (ApnsSession session = apns.session()) {
            // tag::delivery-unsent[]
            SenderOptions options = SenderOptions.builder()
                    .http2(Http2Defaults.defaults().withTopic("com.example.app"))
                    .requestTimeout(Duration.ofSeconds(30))   // no answer by then: the connection is replaced
                    .maxBlindResends(1)                       // and the notification sent once more, at most
                    // end::delivery-unsent[]
                    .requestTimeout(Duration.ofMillis(300))
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                    // tag::delivery-unsent[]
                    .build();
            try (ApnsSender sender = session.sender(options)) {
                Outcome outcome = sender.submit(notification).toCompletableFuture().get();
                if (outcome.kind() == Outcome.Kind.UNSENT) {
                    if (outcome.possiblyDelivered()) {        // written, never answered: APNs may have it
                        mayHaveArrived.add(outcome.notification());   // sending it again may show it twice
                    } else {
                        sendAgain.add(outcome.notification());        // APNs never had it
                    }
                }
                long duplicates = sender.metrics().duplicatesPossible();   // 1: sent once more without knowing its fate
                // end::delivery-unsent[]
                assertThat(duplicates).isEqualTo(1);
                // tag::delivery-unsent[]
            }
            // end::delivery-unsent[]
            assertThat(mayHaveArrived).containsExactly(notification);
            assertThat(sendAgain).isEmpty();
        }
    }

    @Test
    void aGoAwayResendsOnlyWhatTheServerDidNotProcessSoNothingIsDuplicated() throws Exception {
        int count = 50;
        SenderOptions options = SenderOptions.builder().http2(Http2Defaults.defaults().withTopic("com.example.app")).build();
        apns.server.goAwayAfter(10, NO_ERROR, "Shutdown");
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();

        try (ApnsSession session = apns.session(); ApnsSender sender = session.sender(options)) {
            for (int i = 0; i < count; i++) {
                futures.add(sender.submit(Notification.of(DeviceToken.fromHex(String.format("%064x", i + 1)),
                        Payload.builder().alert("n" + i).build())).toCompletableFuture());
            }
            for (CompletableFuture<Outcome> future : futures) {
                assertThat(future.get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            }
            assertThat(sender.metrics().duplicatesPossible()).isZero();
        }
        assertThat(apns.server.acceptedCount()).isEqualTo(count);
        assertThat(apns.server.connectionsAccepted()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void serverErrorsAreRetriedAndThenEndUnsentWithTheReasonAndNotPossiblyDelivered() throws Exception {
        SenderOptions options = SenderOptions.builder().http2(Http2Defaults.defaults().withTopic("com.example.app"))
                .maxServerRetries(2).serverRetryBackoff(Duration.ofMillis(10)).build();
        apns.server.serviceUnavailable(3);

        try (ApnsSession session = apns.session(); ApnsSender sender = session.sender(options)) {
            Outcome outcome = sender.submit(Notification.of(DeviceToken.fromHex("11".repeat(32)),
                    Payload.builder().alert("hi").build())).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(outcome.kind()).isEqualTo(Outcome.Kind.UNSENT);
            assertThat(outcome.possiblyDelivered()).isFalse();
            assertThat(outcome.reason()).hasValueSatisfying(r -> assertThat(r.description()).contains("503"));
            assertThat(sender.metrics().retried()).isEqualTo(2);
        }
    }
}
