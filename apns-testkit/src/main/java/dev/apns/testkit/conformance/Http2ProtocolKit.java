package dev.apns.testkit.conformance;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.ConnectionEnded;
import dev.apns.DeviceToken;
import dev.apns.Http2Defaults;
import dev.apns.Http2Reason;
import dev.apns.InvalidNotificationException;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.PushType;
import dev.apns.SenderOptions;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.spi.Backend;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.AcceptedNotification;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP/2 protocol kit: the SDK's HTTP/2 sender end to end over a backend, against the testkit's
 * {@link MockApnsHttp2Server} (an HTTP/2 implementation independent of the SDK's). Where the transport kit
 * ({@link BackendConformanceSuite}) checks the byte pipe, this checks what users see: exactly one outcome per
 * notification, Apple's retry rules, GOAWAY and reset streams handled without loss. A backend's test extends it
 * and supplies the backend, like the transport kit; each test names its obligation ({@code [h2-N]}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class Http2ProtocolKit {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOPIC = "com.example.kit";

    private TestCertificates certificates;
    private IssuedCertificate client;
    private TestSigningKey testKey;
    private SigningKey signingKey;
    private MockApnsHttp2Server server;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** A new, unused instance of the backend under test; the kit closes it. */
    protected abstract Backend createBackend();

    @BeforeAll
    protected final void startTheMockServer() {
        certificates = TestCertificates.create();
        client = certificates.client(TOPIC);
        testKey = TestSigningKey.generate();
        signingKey = SigningKey.fromP8(testKey.privateKeyPkcs8Pem(), testKey.keyId(), testKey.teamId());
        server = MockApnsHttp2Server.builder(certificates).start();
    }

    @AfterAll
    protected final void stopTheMockServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    protected final void resetTheMockServer() {
        // Faults are scheduled by request number across connections: no earlier test's connection may take one.
        assertThat(server.awaitUntil(() -> server.openConnections() == 0, WAIT))
                .as("the mock server still had connections from the previous test").isTrue();
        server.reset();
        testKey.register(server, Set.of(TOPIC));
        server.allowCertificateTopics(client, Set.of(TOPIC));
    }

    @AfterEach
    protected final void closeWhatTheTestOpened() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    private ApnsSession session() {
        Backend backend = createBackend();
        opened.push(backend);
        ApnsSession session = ApnsSession.builder().backend(backend).signingKey(signingKey).gateway(server.address())
                .trust(Trust.fromPem(server.authorityPem())).build();
        opened.push(session);
        return session;
    }

    private ApnsSender sender(SenderOptions.Builder options) {
        ApnsSender sender = session().sender(options.build());
        opened.push(sender);
        return sender;
    }

    private static SenderOptions.Builder options() {
        return SenderOptions.builder().serverRetryBackoff(Duration.ofMillis(20))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .http2(Http2Defaults.defaults().withTopic(TOPIC));
    }

    private static Notification notification(int i) {
        String hex = String.format("%064x", i + 1);
        return Notification.builder(DeviceToken.fromHex(hex), Payload.builder().alert("n" + i).build()).build();
    }

    private static List<Outcome> submitAll(ApnsSender sender, List<Notification> notifications) throws Exception {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (Notification n : notifications) {
            futures.add(sender.submit(n).toCompletableFuture());
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> future : futures) {
            outcomes.add(future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        return outcomes;
    }

    private static List<Notification> notifications(int count) {
        List<Notification> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(notification(i));
        }
        return list;
    }

    @Test
    @DisplayName("[h2-1] notifications sent with token authentication are accepted, each once, with the server's apns-id")
    void acceptedWithTokenAuthentication() throws Exception {
        ApnsSender sender = sender(options());
        UUID id = UUID.randomUUID();
        Notification first = notification(0).toBuilder().apnsId(id).priority(5).expiry(Instant.ofEpochSecond(2_000_000_000))
                .collapseId("c1").build();
        List<Notification> all = new ArrayList<>(List.of(first));
        all.addAll(notifications(500).subList(1, 500));

        List<Outcome> outcomes = submitAll(sender, all);

        assertThat(outcomes).allMatch(Outcome::isAccepted);
        assertThat(outcomes.get(0).apnsId()).contains(id.toString());
        assertThat(outcomes).allMatch(o -> o.apnsId().isPresent());
        assertThat(server.acceptedCount()).isEqualTo(500);
        AcceptedNotification seen = server.accepted().stream().filter(a -> a.token().equals(first.token().toHex()))
                .findFirst().orElseThrow();
        assertThat(seen.topic()).isEqualTo(TOPIC);
        assertThat(seen.pushType()).isEqualTo("alert");
        assertThat(seen.payloadText()).isEqualTo(first.payload().toJson());
        assertThat(server.accepted()).extracting(AcceptedNotification::token).doesNotHaveDuplicates();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sender.metrics().roundTripNanos() < 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(sender.metrics().roundTripNanos()).as("the PING round trip measured at connect").isPositive();
    }

    @Test
    @DisplayName("[h2-2] notifications sent with a client certificate are accepted")
    void acceptedWithCertificateAuthentication() throws Exception {
        Backend backend = createBackend();
        opened.push(backend);
        ApnsSession session = ApnsSession.builder().backend(backend).credentials(client.credentials())
                .gateway(server.address()).trust(Trust.fromPem(server.authorityPem())).build();
        opened.push(session);
        ApnsSender sender = session.sender(client.credentials(), options().build());
        opened.push(sender);

        List<Outcome> outcomes = submitAll(sender, notifications(50));

        assertThat(outcomes).allMatch(Outcome::isAccepted);
        assertThat(server.acceptedCount()).isEqualTo(50);
    }

    @Test
    @DisplayName("[h2-3] a token the server refuses ends rejected with the reason and its timestamp; the others are accepted")
    void unregisteredTokenIsRejectedWithItsTimestamp() throws Exception {
        Instant since = Instant.ofEpochMilli(1_700_000_000_123L);
        List<Notification> all = notifications(20);
        server.unregister(all.get(7).token().toHex(), since);
        server.rejectToken(all.get(9).token().toHex(), "BadDeviceToken");
        ApnsSender sender = sender(options());

        List<Outcome> outcomes = submitAll(sender, all);

        assertThat(outcomes.get(7).kind()).isEqualTo(Outcome.Kind.REJECTED);
        Http2Reason reason = (Http2Reason) outcomes.get(7).reason().orElseThrow();
        assertThat(reason.status()).isEqualTo(410);
        assertThat(reason.code()).isEqualTo(Http2Reason.Code.UNREGISTERED);
        assertThat(reason.tokenInvalidSince()).contains(since);
        assertThat(reason.tokenIsInvalid()).isTrue();
        assertThat(outcomes.get(9).reason().map(r -> ((Http2Reason) r).code())).contains(Http2Reason.Code.BAD_DEVICE_TOKEN);
        assertThat(outcomes).filteredOn(Outcome::isAccepted).hasSize(18);
        assertThat(sender.metrics().rejected()).containsEntry("Unregistered", 1L).containsEntry("BadDeviceToken", 1L);
    }

    @Test
    @DisplayName("[h2-4] service unavailable answers are retried with backoff and then accepted; nothing is lost")
    void serverErrorsAreRetried() throws Exception {
        server.serviceUnavailable(5);
        ApnsSender sender = sender(options());

        List<Outcome> outcomes = submitAll(sender, notifications(30));

        assertThat(outcomes).allMatch(Outcome::isAccepted);
        assertThat(server.acceptedCount()).isEqualTo(30);
        assertThat(sender.metrics().retried()).isGreaterThanOrEqualTo(5);
    }

    @Test
    @DisplayName("[h2-5] a notification that keeps getting 429 ends unsent after the retry limit, with the reason, known not delivered")
    void retriesEndAtTheLimit() throws Exception {
        server.tooManyRequests(1_000);
        ApnsSender sender = sender(options().maxServerRetries(2));

        Outcome outcome = submitAll(sender, notifications(1)).get(0);

        assertThat(outcome.kind()).isEqualTo(Outcome.Kind.UNSENT);
        assertThat(outcome.reason().map(r -> ((Http2Reason) r).code())).contains(Http2Reason.Code.TOO_MANY_REQUESTS);
        assertThat(outcome.possiblyDelivered()).isFalse();
        assertThat(outcome.cause().orElseThrow()).hasMessageContaining("2 retries");
    }

    @Test
    @DisplayName("[h2-6] after a GOAWAY the unprocessed streams go again on a new connection: each notification accepted once")
    void goAwayResendsOnlyUnprocessedStreams() throws Exception {
        server.goAwayAfter(100, 0, "Shutdown");
        ApnsSender sender = sender(options());

        List<Outcome> outcomes = submitAll(sender, notifications(1_000));

        assertThat(outcomes).allMatch(Outcome::isAccepted);
        assertThat(server.accepted()).extracting(AcceptedNotification::token).doesNotHaveDuplicates().hasSize(1_000);
        assertThat(server.connectionsAccepted()).isGreaterThanOrEqualTo(2);
    }

    @Test
    @DisplayName("[h2-18] the connection-ended listener is told of a GOAWAY with its reason and of a dropped connection, and of nothing when the sender closes its own connections")
    void connectionEndedListenerIsToldWhyConnectionsEnded() throws Exception {
        List<ConnectionEnded> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.goAwayAfter(50, 0, "Shutdown");
        ApnsSender sender = sender(options().onConnectionEnded(ended::add));
        assertThat(submitAll(sender, notifications(200))).allMatch(Outcome::isAccepted);
        assertThat(ended).anySatisfy(e -> {
            assertThat(e.reason()).isEqualTo("GoAway");
            assertThat(e.detail()).contains("Shutdown");
            assertThat(e.endpoint()).isEqualTo(server.address());
            assertThat(e.notification()).isEmpty();
        });

        List<ConnectionEnded> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.reset();
        server.dropConnectionAfter(50);
        ApnsSender second = sender(options().onConnectionEnded(dropped::add));
        assertThat(submitAll(second, notifications(200))).allMatch(Outcome::isAccepted);
        assertThat(dropped).anySatisfy(e -> assertThat(e.reason()).isIn("ClosedByServer", "ConnectionError"));

        List<ConnectionEnded> quiet = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.reset();
        ApnsSender third = sender(options().onConnectionEnded(quiet::add));
        assertThat(submitAll(third, notifications(20))).allMatch(Outcome::isAccepted);
        third.shutdown(WAIT);
        assertThat(quiet).isEmpty();
    }

    @Test
    @DisplayName("[h2-7] a refused stream goes again and is accepted once")
    void refusedStreamIsSentAgain() throws Exception {
        server.resetStream(5, 7 /* REFUSED_STREAM */);
        ApnsSender sender = sender(options());

        List<Outcome> outcomes = submitAll(sender, notifications(20));

        assertThat(outcomes).allMatch(Outcome::isAccepted);
        assertThat(server.accepted()).extracting(AcceptedNotification::token).doesNotHaveDuplicates().hasSize(20);
    }

    @Test
    @DisplayName("[h2-8] a dropped connection loses nothing: every notification ends accepted, its unanswered ones counted as possible duplicates")
    void droppedConnectionLosesNothing() throws Exception {
        server.dropConnectionAfter(300);
        ApnsSender sender = sender(options());

        List<Outcome> outcomes = submitAll(sender, notifications(1_000));

        assertThat(outcomes).allMatch(Outcome::isAccepted);
        assertThat(server.accepted()).extracting(AcceptedNotification::token).containsAll(
                notifications(1_000).stream().map(n -> n.token().toHex()).toList());
    }

    @Test
    @DisplayName("[h2-9] checks before sending refuse a background notification without priority 5 and an oversized payload at submit; they can be turned off")
    void checksBeforeSending() throws Exception {
        ApnsSender sender = sender(options());
        Notification background = notification(1).toBuilder().pushType(PushType.BACKGROUND).priority(10).build();
        assertThatThrownBy(() -> sender.submit(background)).isInstanceOf(InvalidNotificationException.class)
                .hasMessageContaining("priority 5");
        String big = "x".repeat(4200);
        Notification large = Notification.builder(notification(2).token(), Payload.builder().alert(big).build()).build();
        assertThatThrownBy(() -> sender.submit(large)).isInstanceOf(InvalidNotificationException.class)
                .hasMessageContaining("4096");

        ApnsSender unchecked = sender(options().http2(Http2Defaults.defaults().withTopic(TOPIC).withChecks(false)));
        Outcome outcome = unchecked.submit(large).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(outcome.kind()).isEqualTo(Outcome.Kind.REJECTED);
        assertThat(outcome.reason().map(r -> ((Http2Reason) r).code())).contains(Http2Reason.Code.PAYLOAD_TOO_LARGE);
    }

    @Test
    @DisplayName("[h2-10] the server lowering MAX_CONCURRENT_STREAMS to 1 and back slows the sender but loses nothing")
    void concurrencyDropsToOneAndBack() throws Exception {
        server.lowerMaxConcurrentStreams(1);
        ApnsSender sender = sender(options());
        List<Outcome> first = submitAll(sender, notifications(50));
        server.restoreMaxConcurrentStreams();
        List<Outcome> second = submitAll(sender, notifications(300).subList(50, 300));

        assertThat(first).allMatch(Outcome::isAccepted);
        assertThat(second).allMatch(Outcome::isAccepted);
        assertThat(server.acceptedCount()).isEqualTo(300);
    }
    @Test
    @DisplayName("[h2-11] every invalid-token rejection reaches the invalid-token listener with its timestamp, once")
    void invalidTokenListenerHearsEachDeadToken() throws Exception {
        Instant since = Instant.ofEpochMilli(1_700_000_000_000L);
        List<Notification> all = notifications(30);
        server.unregister(all.get(3).token().toHex(), since);
        server.rejectToken(all.get(4).token().toHex(), "BadDeviceToken");
        server.rejectToken(all.get(5).token().toHex(), "BadTopic");
        List<dev.apns.Rejection> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        ApnsSender sender = sender(options().onInvalidToken(heard::add));

        submitAll(sender, all);

        assertThat(heard).extracting(r -> r.token().toHex())
                .containsExactlyInAnyOrder(all.get(3).token().toHex(), all.get(4).token().toHex());
        assertThat(heard).filteredOn(r -> r.token().equals(all.get(3).token()))
                .allSatisfy(r -> assertThat(r.reason().tokenInvalidSince()).contains(since));
    }

    @Test
    @DisplayName("[h2-12] a server that stops answering is found by the answer timeout; the connection is replaced and nothing is lost")
    void unansweredRequestsAreSentAgainOnANewConnection() throws Exception {
        ApnsSender sender = sender(options().requestTimeout(Duration.ofMillis(500)));
        assertThat(submitAll(sender, notifications(10))).allMatch(Outcome::isAccepted);
        server.stopAnswering();
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (Notification n : notifications(40).subList(10, 40)) {
            futures.add(sender.submit(n).toCompletableFuture());
        }
        assertThat(server.awaitUntil(() -> server.connectionsAccepted() >= 2, WAIT))
                .as("the stuck connection is replaced after the answer timeout").isTrue();
        server.resumeAnswering();

        for (CompletableFuture<Outcome> future : futures) {
            assertThat(future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).isAccepted()).isTrue();
        }
        assertThat(server.connectionsAccepted()).isGreaterThanOrEqualTo(2);
        assertThat(sender.metrics().duplicatesPossible()).isPositive();
    }

    @Test
    @DisplayName("[h2-13] a provider token refused as expired is sent once more, then rejected: no storm of retries or new tokens")
    void expiredProviderTokenIsRetriedOnceNotForever() throws Exception {
        server.rejectToken(notification(0).token().toHex(), "ExpiredProviderToken");
        ApnsSender sender = sender(options());

        Outcome outcome = submitAll(sender, notifications(1)).get(0);

        assertThat(outcome.kind()).isEqualTo(Outcome.Kind.REJECTED);
        assertThat(outcome.reason().map(r -> ((Http2Reason) r).code())).contains(Http2Reason.Code.EXPIRED_PROVIDER_TOKEN);
        assertThat(server.rejectedCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("[h2-14] shutdown with a deadline ends every notification: those the server never answered are unsent, and say whether they may have been delivered")
    void shutdownEndsEveryNotification() throws Exception {
        ApnsSender sender = sender(options());
        assertThat(submitAll(sender, notifications(5))).allMatch(Outcome::isAccepted);
        server.stopAnswering();
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (Notification n : notifications(25).subList(5, 25)) {
            futures.add(sender.submit(n).toCompletableFuture());
        }
        assertThat(server.awaitUntil(() -> server.processedCount() >= 25, WAIT)).isTrue();

        List<Notification> unsent = sender.shutdown(Duration.ofMillis(200));

        assertThat(unsent).hasSize(20);
        for (CompletableFuture<Outcome> future : futures) {
            Outcome outcome = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(outcome.kind()).isEqualTo(Outcome.Kind.UNSENT);
            assertThat(outcome.possiblyDelivered()).as("written and never answered").isTrue();
        }
        server.resumeAnswering();
    }

    @Test
    @DisplayName("[h2-15] the batch API over HTTP/2: accepted tokens, rejections with reasons, and nothing to retry")
    void batchApiOverHttp2() {
        List<Notification> all = notifications(200);
        server.unregister(all.get(17).token().toHex(), Instant.ofEpochMilli(1_600_000_000_000L));
        ApnsSession session = session();
        dev.apns.Message message = dev.apns.Message.builder().alert("batch").topic(TOPIC)
                .tokens(all.stream().map(Notification::token).toList()).build();

        dev.apns.Result result = session.send(message);

        assertThat(result.accepted()).hasSize(199);
        assertThat(result.rejections()).singleElement().satisfies(r -> {
            assertThat(r.token()).isEqualTo(all.get(17).token());
            assertThat(((Http2Reason) r.reason()).code()).isEqualTo(Http2Reason.Code.UNREGISTERED);
        });
        assertThat(result.retry()).isEmpty();
        assertThat(server.acceptedCount()).isEqualTo(199);
    }

    @Test
    @DisplayName("[h2-16] chaos: under seeded GOAWAYs, resets, drops and 503s every notification gets exactly one outcome, none is lost, and the server accepted a notification twice only where a connection died before answering")
    void chaos() throws Exception {
        long seed = Long.getLong("apns.kit.seed", 20261203L);
        java.util.Random random = new java.util.Random(seed);
        ApnsSender sender = sender(options().maxServerRetries(10).requestTimeout(Duration.ofSeconds(2)));
        List<Notification> all = notifications(3_000);
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i % 300 == 150) {
                switch (random.nextInt(4)) {
                    case 0 -> server.goAwayAfter(server.processedCount() + 1 + random.nextInt(50), 0, "Shutdown");
                    case 1 -> server.resetStream(server.processedCount() + 1 + random.nextInt(50), 7);
                    case 2 -> server.dropConnectionAfter(server.processedCount() + 1 + random.nextInt(50));
                    default -> server.serviceUnavailable(1 + random.nextInt(20));
                }
            }
            futures.add(sender.submit(all.get(i)).toCompletableFuture());
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> future : futures) {
            outcomes.add(future.get(60, TimeUnit.SECONDS));
        }

        assertThat(outcomes).as("seed %d", seed).allMatch(Outcome::isAccepted);
        List<String> accepted = server.accepted().stream().map(AcceptedNotification::token).toList();
        assertThat(accepted).as("seed %d: nothing lost", seed)
                .containsAll(all.stream().map(n -> n.token().toHex()).toList());
        long duplicates = accepted.size() - accepted.stream().distinct().count();
        assertThat(duplicates).as("seed %d: duplicates only where a connection died unanswered", seed)
                .isLessThanOrEqualTo(sender.metrics().duplicatesPossible());
    }
    @Test
    @DisplayName("[h2-17] with maxBlindResends(0) nothing is sent twice: notifications a dropped connection never answered end unsent and say they may have been delivered")
    void atMostOnceWhenBlindResendsAreOff() throws Exception {
        server.dropConnectionAfter(100);
        ApnsSender sender = sender(options().maxBlindResends(0));

        List<Outcome> outcomes = submitAll(sender, notifications(600));

        List<String> accepted = server.accepted().stream().map(AcceptedNotification::token).toList();
        assertThat(accepted).doesNotHaveDuplicates();
        assertThat(outcomes).allSatisfy(o -> {
            if (o.kind() == Outcome.Kind.UNSENT) {
                assertThat(o.possiblyDelivered()).isTrue();
            } else {
                assertThat(o.kind()).isEqualTo(Outcome.Kind.ACCEPTED);
            }
        });
        assertThat(outcomes).filteredOn(o -> o.kind() == Outcome.Kind.UNSENT).isNotEmpty();
        assertThat(sender.metrics().duplicatesPossible()).isZero();
    }
}
