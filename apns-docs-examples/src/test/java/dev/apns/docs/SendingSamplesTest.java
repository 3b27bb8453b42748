package dev.apns.docs;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.Environment;
import dev.apns.Http2Defaults;
import dev.apns.Http2Reason;
import dev.apns.InvalidNotificationException;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Proxy;
import dev.apns.PushType;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.testkit.TestHttpProxy;
import dev.apns.mock.h2.AcceptedNotification;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP/2 samples of docs/sending.md, run against the HTTP/2 mock. */
@Timeout(30)
class SendingSamplesTest {
    private static final Http2Mock apns = new Http2Mock();

    private static final DeviceToken TOKEN = DeviceToken.fromHex("11".repeat(32));
    private static final DeviceToken GONE = DeviceToken.fromHex("bb".repeat(32));

    private final List<String> printed = new CopyOnWriteArrayList<>();
    private final Map<DeviceToken, Optional<Instant>> forgotten = new ConcurrentHashMap<>();
    private final List<Notification> retried = new CopyOnWriteArrayList<>();

    @BeforeEach
    void reset() {
        apns.reset();
    }

    @AfterAll
    static void stop() {
        apns.close();
    }

    @Test
    void aSessionWithAKeyTheAlternatePortAndAProxy() throws Exception {
        String p8Text = apns.key.privateKeyPkcs8Pem();
        String keyId = apns.key.keyId();
        String teamId = apns.key.teamId();
        String proxyPassword = "proxy-secret";
        try (TestHttpProxy corporateProxy = TestHttpProxy.start()) {
            corporateProxy.requireBasicAuth("pusher", proxyPassword);

            // tag::sending-session[]
            ApnsSession session = ApnsSession.builder()
                    .signingKey(SigningKey.fromP8(p8Text, keyId, teamId))       // token authentication: the .p8 key
                    .environment(Environment.PRODUCTION)                        // api.push.apple.com:443, the default
                    .gateway(Environment.PRODUCTION.api().withPort(Endpoint.API_ALTERNATE_PORT))   // 2197, where 443 is blocked
                    .proxy(Proxy.httpConnect("proxy.example.com", 3128).withBasicAuth("pusher", proxyPassword))
                    .connectTimeout(Duration.ofSeconds(5))                      // TCP connect, and TLS handshake, each
                    // end::sending-session[]
                    .gateway(apns.server.address())
                    .trust(Trust.fromPem(apns.server.authorityPem()))
                    .proxy(Proxy.httpConnect(corporateProxy.endpoint().host(), corporateProxy.endpoint().port())
                            .withBasicAuth("pusher", proxyPassword))
                    // tag::sending-session[]
                    .build();                                                   // opens no connection yet
            // end::sending-session[]
            try (session; ApnsSender sender = session.sender(defaultTopic())) {
                assertThat(sender.submit(Notification.of(TOKEN, Payload.builder().alert("hi").build()))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS).isAccepted()).isTrue();
            }
            assertThat(corporateProxy.requests()).isNotEmpty();
        }
    }

    @Test
    void notificationsCarryTheirHeadersAndTopicsPerPushType() throws Exception {
        DeviceToken token = TOKEN;
        Payload voipPayload = Payload.builder().customField("caller", "Ada").build();

        // tag::sending-notification[]
        Notification alert = Notification.builder(token, Payload.builder().alert("Your order has shipped").build())
                .topic("com.example.app")                          // the apns-topic, as it goes on the wire
                .priority(10)                                      // 10 now (the default), 5 power-considerate, 1 lowest
                .expiry(Instant.now().plus(1, ChronoUnit.HOURS))   // Apple keeps trying until then; Instant.EPOCH: once
                .collapseId("order-4711")                          // replaces one with the same id on the device
                .apnsId(UUID.randomUUID())                         // yours, or the server makes one
                .build();

        Notification call = Notification.builder(token, voipPayload)
                .pushType(PushType.VOIP)                           // the push type first,
                .bundleId("com.example.app")                       // then the topic becomes com.example.app.voip
                .build();

        Notification refresh = Notification.builder(token, Payload.builder().contentAvailable(true).build())
                .pushType(PushType.BACKGROUND)
                .priority(5)                                       // background notifications must have 5
                .bundleId("com.example.app")                       // no suffix: com.example.app
                .build();
        // end::sending-notification[]

        try (ApnsSession session = apns.session(); ApnsSender sender = session.sender()) {
            for (Notification notification : List.of(alert, call, refresh)) {
                assertThat(sender.submit(notification).toCompletableFuture().get(10, TimeUnit.SECONDS).isAccepted())
                        .isTrue();
            }
        }
        List<AcceptedNotification> seen = apns.server.accepted();
        assertThat(seen).extracting(AcceptedNotification::topic)
                .containsExactly("com.example.app", "com.example.app.voip", "com.example.app");
        assertThat(seen).extracting(AcceptedNotification::pushType).containsExactly("alert", "voip", "background");
        assertThat(seen.get(0).collapseId()).contains("order-4711");
        assertThat(seen.get(0).apnsId()).isEqualTo(alert.apnsId().orElseThrow().toString());
        assertThat(seen.get(2).priority()).isEqualTo(5);
    }

    @Test
    void eachOutcomeKindSaysWhatToDo() throws Exception {
        apns.server.unregister(GONE.toHex(), Instant.parse("2026-01-01T00:00:00Z"));
        SenderOptions options = SenderOptions.builder().http2(Http2Defaults.defaults().withTopic("com.example.app"))
                .maxServerRetries(1).serverRetryBackoff(Duration.ofMillis(10)).build();
        Payload payload = Payload.builder().alert("hi").build();

        try (ApnsSession session = apns.session(); ApnsSender sender = session.sender(options)) {
            act(sender.submit(Notification.of(TOKEN, payload)).toCompletableFuture().get(10, TimeUnit.SECONDS));
            act(sender.submit(Notification.of(GONE, payload)).toCompletableFuture().get(10, TimeUnit.SECONDS));
            apns.server.serviceUnavailable(2);                 // the first try and the one retry
            act(sender.submit(Notification.of(TOKEN, payload)).toCompletableFuture().get(10, TimeUnit.SECONDS));
        }

        assertThat(printed.get(0)).startsWith("apns-id ");
        assertThat(printed.get(1)).isEqualTo("410 Unregistered");
        assertThat(printed.get(2)).contains("ServiceUnavailable");
        assertThat(forgotten).containsExactly(Map.entry(GONE, Optional.of(Instant.parse("2026-01-01T00:00:00Z"))));
        assertThat(retried).hasSize(1);
    }

    private void act(Outcome outcome) {
        // tag::sending-outcome[]
        switch (outcome.kind()) {
            case ACCEPTED -> print("apns-id " + outcome.apnsId().orElseThrow());   // the server's id for its logs
            case REJECTED -> {
                if (outcome.reason().orElseThrow() instanceof Http2Reason reason) {   // a Status over the binary protocol
                    print(reason.status() + " " + reason.reason());                 // 410 Unregistered
                }
                if (outcome.reason().orElseThrow().tokenIsInvalid()) {            // Unregistered, ExpiredToken, BadDeviceToken
                    forget(outcome.notification().token(), outcome.reason().orElseThrow().tokenInvalidSince());
                }
            }
            case UNSENT -> {
                print(outcome.cause().orElseThrow().getMessage());      // retries used up, shut down, key refused...
                if (!outcome.possiblyDelivered()) {                      // the server never had it:
                    retryLater(outcome.notification());                  // sending it again cannot duplicate it
                }
            }
        }
        // end::sending-outcome[]
    }

    @Test
    void optionsRetryServerErrorsAndRefuseWhatAppleWouldRefuse() throws Exception {
        apns.server.serviceUnavailable(2);
        Payload payload = Payload.builder().alert("hi").build();
        Set<DeviceToken> tokenStore = ConcurrentHashMap.newKeySet();

        try (ApnsSession session = apns.session()) {
            // tag::sending-options[]
            SenderOptions options = SenderOptions.builder()
                    .connections(2)                               // HTTP/2 connections, each with many streams
                    .maxStreamsPerConnection(1000)                // in flight on one; the server's SETTINGS may lower it
                    .maxPending(50_000)                           // queued or in flight at most; then submit waits
                    .maxPendingBytes(64L * 1024 * 1024)           // payload bytes queued or in flight at most
                    .submitTimeout(Duration.ofSeconds(2))         // then submit throws SenderFullException
                    .maxServerRetries(3)                          // 5xx and TooManyRequests: sent again up to 3 times,
                    .serverRetryBackoff(Duration.ofSeconds(1))    // after about 1 s, 2 s and 4 s (jittered)
                    .requestTimeout(Duration.ofSeconds(30))       // an answer later than this: the connection is replaced
                    .http2(Http2Defaults.defaults()
                            .withTopic("com.example.app")         // for notifications that name no topic
                            .withPushType(PushType.ALERT)         // and no push type
                            .withChecks(true))                    // Apple's documented limits, checked at submit
                    .onInvalidToken(rejection -> tokenStore.remove(rejection.token()))
                    .build();
            ApnsSender sender = session.sender(options);

            Outcome outcome = sender.submit(Notification.of(TOKEN, payload)).toCompletableFuture().get(); // 503, 503, accepted
            try {
                sender.submit(Notification.builder(TOKEN, payload).pushType(PushType.BACKGROUND).build());
            } catch (InvalidNotificationException e) {
                print(e.getMessage());                            // A background notification must have priority 5; ...
            }

            List<Notification> unsent = sender.shutdown(Duration.ofSeconds(5));   // the rest, to send again later
            SenderMetrics metrics = sender.metrics();
            print("accepted " + metrics.accepted() + ", rejected " + metrics.rejected() + ", retried " + metrics.retried()
                    + ", unsent " + metrics.unsent() + ", duplicates possible " + metrics.duplicatesPossible());
            // end::sending-options[]
            assertThat(outcome.isAccepted()).isTrue();
            assertThat(unsent).isEmpty();
            assertThat(metrics.retried()).isEqualTo(2);
        }
        assertThat(printed).containsExactly(
                "A background notification must have priority 5; it has none (the server would take 10).",
                "accepted 1, rejected {}, retried 2, unsent 0, duplicates possible 0");
    }

    @Test
    void theListenerFormHearsEveryOutcomeWithoutAFuturePerNotification() throws InterruptedException {
        List<DeviceToken> tokens = List.of(TOKEN, GONE);
        apns.server.unregister(GONE.toHex(), Instant.parse("2026-01-01T00:00:00Z"));
        Payload payload = Payload.builder().alert("hi").build();
        Set<DeviceToken> rejected = ConcurrentHashMap.newKeySet();
        LongAdder delivered = new LongAdder();

        try (ApnsSession session = apns.session()) {
            SenderOptions options = defaultTopic();
            // tag::sending-listener[]
            Consumer<Outcome> onOutcome = outcome -> {          // one listener for every notification
                switch (outcome.kind()) {
                    case ACCEPTED -> delivered.increment();
                    case REJECTED -> rejected.add(outcome.notification().token());
                    case UNSENT -> retryLater(outcome.notification());
                }
            };
            try (ApnsSender sender = session.sender(options)) {
                for (DeviceToken token : tokens) {
                    sender.submit(Notification.of(token, payload), onOutcome);
                }
            }                                                   // close() lets every outcome arrive first
            // end::sending-listener[]
        }
        assertThat(delivered.sum()).isEqualTo(1);
        assertThat(rejected).containsExactly(GONE);
        assertThat(retried).isEmpty();
    }

    @Test
    void theContextFormHandsEachOutcomeBackWithTheCallersOwnRecord() throws InterruptedException {
        apns.server.unregister(GONE.toHex(), Instant.parse("2026-01-01T00:00:00Z"));
        Payload payload = Payload.builder().alert("hi").build();
        List<Row> rowsToPush = List.of(new Row(1, TOKEN), new Row(2, GONE));

        try (ApnsSession session = apns.session()) {
            SenderOptions options = defaultTopic();
            // tag::sending-context[]
            BiConsumer<Outcome, Row> onOutcome = (outcome, row) -> row.settle(outcome.kind());   // your record, back
            try (ApnsSender sender = session.sender(options)) {
                for (Row row : rowsToPush) {
                    sender.submit(Notification.of(row.token(), payload), row, onOutcome);
                }
            }
            // end::sending-context[]
        }
        assertThat(rowsToPush.get(0).settled).containsExactly(Outcome.Kind.ACCEPTED);
        assertThat(rowsToPush.get(1).settled).containsExactly(Outcome.Kind.REJECTED);
    }

    /** A service's own record of one push, as a row of its database would be. */
    private static final class Row {
        final long id;
        private final DeviceToken token;
        final List<Outcome.Kind> settled = new CopyOnWriteArrayList<>();

        Row(long id, DeviceToken token) {
            this.id = id;
            this.token = token;
        }

        DeviceToken token() {
            return token;
        }

        void settle(Outcome.Kind kind) {
            settled.add(kind);
        }
    }

    @Test
    void theBatchApiGivesOneExactResult() {
        List<String> tokens = List.of(TOKEN.toHex(), GONE.toHex());
        apns.server.unregister(GONE.toHex(), Instant.parse("2026-01-01T00:00:00Z"));
        List<String> actions = new ArrayList<>();

        try (ApnsSession session = apns.session()) {
            // tag::sending-batch[]
            Message message = Message.builder()
                    .topic("com.example.app")                   // the batch API has no default topic: name it
                    .pushType(PushType.ALERT)
                    .collapseId("sale-2026-12")
                    .alert("Flash sale: 20 % off today")
                    .hexTokens(tokens)
                    .build();
            Result result = session.send(message);              // every notification answered, or handed back
            for (Rejection rejection : result.rejections()) {
                actions.add(rejection.explanation());           // The server rejected token ...: HTTP 410 Unregistered ...
            }
            result.retry().ifPresent(later ->                   // 5xx after the retries, a closed session...
                    actions.add("store for later: " + later.toJson()));
            // end::sending-batch[]
            assertThat(result.accepted()).containsExactly(TOKEN);
            assertThat(result.retry()).isEmpty();
        }
        assertThat(actions).singleElement().asString().contains("HTTP 410 Unregistered").contains(GONE.toString());
    }

    private static SenderOptions defaultTopic() {
        return SenderOptions.builder().http2(Http2Defaults.defaults().withTopic("com.example.app")).build();
    }

    private void print(String line) {
        printed.add(line);
    }

    private void forget(DeviceToken token, Optional<Instant> since) {
        forgotten.put(token, since);
    }

    private void retryLater(Notification notification) {
        retried.add(notification);
    }
}
