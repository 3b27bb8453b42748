package dev.apns.testkit.conformance;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
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
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.TestCertificates;
import dev.apns.testkit.h2.AcceptedNotification;
import dev.apns.testkit.h2.MockApnsHttp2Server;
import dev.apns.testkit.h2.TestSigningKey;
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
            futures.add(sender.submit(n));
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
        Outcome outcome = unchecked.submit(large).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
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
}
