package dev.apns.mock.h2;

import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.apns.mock.h2.MockHttp2ValidationTest.PAYLOAD;
import static dev.apns.mock.h2.MockHttp2ValidationTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class MockHttp2FaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final TestCertificates certificates = TestCertificates.create();
    private static final TestSigningKey key = TestSigningKey.generate();
    private static final String BEARER = "bearer " + key.providerToken(Instant.now());
    private static MockApnsHttp2Server server;

    @BeforeAll
    static void start() {
        server = MockApnsHttp2Server.builder(certificates).start();
        key.register(server, Set.of("com.example.app"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void resetServer() {
        server.disconnectAll();
        assertThat(server.awaitUntil(() -> server.openConnections() == 0, WAIT)).isTrue();
        server.reset();
    }

    private static Http2TestClient.Response send(Http2TestClient client, String token) throws Exception {
        return client.post(token, PAYLOAD, "authorization", BEARER).get(5, TimeUnit.SECONDS);
    }

    /** A server for one test alone, with the test key registered. */
    private static MockApnsHttp2Server ownServer() {
        MockApnsHttp2Server own = MockApnsHttp2Server.builder(certificates).start();
        key.register(own, Set.of("com.example.app"));
        return own;
    }

    /** A client of {@code server} whose first request (number 1) was answered, so that it allows 1000 streams. */
    private static Http2TestClient warmClient(MockApnsHttp2Server server) throws Exception {
        Http2TestClient client = Http2TestClient.connect(server);
        assertThat(send(client, TOKEN).status()).isEqualTo(200);
        assertThat(client.awaitMaxConcurrentStreams(1000, WAIT)).isTrue();
        return client;
    }

    /** A client whose first request (number 1) was answered, so that the server allows 1000 streams. */
    private static Http2TestClient warmClient() throws Exception {
        // Faults are scheduled by request number across all connections: let an earlier test's connection finish
        // closing first, so that none of its requests takes the number meant for this test's client.
        assertThat(server.awaitUntil(() -> server.openConnections() == 0, WAIT)).isTrue();
        Http2TestClient client = Http2TestClient.connect(server);
        assertThat(send(client, TOKEN).status()).isEqualTo(200);
        assertThat(client.awaitMaxConcurrentStreams(1000, WAIT)).isTrue();
        return client;
    }

    @Test
    void allowsOneStreamUntilARequestWithAValidTokenWasAnswered() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            Http2TestClient.Response refused = client.post(TOKEN, PAYLOAD, "authorization", "bearer x.y.z")
                    .get(5, TimeUnit.SECONDS);
            assertThat(refused.body()).isEqualTo("{\"reason\":\"InvalidProviderToken\"}");
            assertThat(client.maxConcurrentStreamsSeen()).containsExactly(1L);

            assertThat(send(client, TOKEN).status()).isEqualTo(200);
            assertThat(client.awaitMaxConcurrentStreams(1000, WAIT)).isTrue();
            assertThat(client.maxConcurrentStreamsSeen()).containsExactly(1L, 1000L);
        }
    }

    @Test
    void rejectsAScriptedTokenWithItsReason() throws Exception {
        String bad = "cd".repeat(32);
        server.rejectToken(bad, "BadDeviceToken");
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            Http2TestClient.Response rejected = send(client, bad.toUpperCase());
            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.body()).isEqualTo("{\"reason\":\"BadDeviceToken\"}");
            assertThat(send(client, TOKEN).status()).isEqualTo(200);
        }
    }

    @Test
    void answersAnUnregisteredTokenWith410AndItsTimestamp() throws Exception {
        String gone = "ef".repeat(32);
        Instant since = Instant.ofEpochMilli(1_700_000_000_123L);
        server.unregister(gone, since);
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            Http2TestClient.Response response = send(client, gone);
            assertThat(response.status()).isEqualTo(410);
            assertThat(response.body()).isEqualTo("{\"reason\":\"Unregistered\",\"timestamp\":1700000000123}");
        }
    }

    @Test
    void goAwayAnswersTheStreamsAtOrBelowItsLastStreamIdAndNoneAbove() throws Exception {
        // A server of its own: faults are numbered by request across all connections, and no other test's
        // connection may take the number meant for this one.
        try (MockApnsHttp2Server own = ownServer(); Http2TestClient client = warmClient(own)) {
            own.goAwayAfter(1, 0, "Shutdown");
            List<CompletableFuture<Http2TestClient.Response>> responses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                responses.add(client.post(TOKEN, PAYLOAD, "authorization", BEARER));
            }
            Http2TestClient.GoAway goAway = client.goAway.get(5, TimeUnit.SECONDS);
            Http2TestClient.Response first = responses.get(0).get(5, TimeUnit.SECONDS);

            assertThat(first.status()).isEqualTo(200);
            assertThat(goAway.lastStreamId()).isEqualTo(first.streamId());
            assertThat(goAway.errorCode()).isZero();
            assertThat(goAway.debugData()).isEqualTo("{\"reason\":\"Shutdown\"}");
            client.closed.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Http2TestClient.Response> later : responses.subList(1, 4)) {
                Http2TestClient.Response response = later.get(5, TimeUnit.SECONDS);
                assertThat(response.streamId()).isGreaterThan(goAway.lastStreamId());
                assertThat(response.answered()).isFalse();
            }
            assertThat(own.acceptedCount()).isEqualTo(2);
        }
    }

    @Test
    void goAwayCarriesTheScriptedErrorCode() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            server.goAwayAfter(1, 11);
            assertThat(send(client, TOKEN).status()).isEqualTo(200);
            Http2TestClient.GoAway goAway = client.goAway.get(5, TimeUnit.SECONDS);
            assertThat(goAway.errorCode()).isEqualTo(11);
            assertThat(goAway.debugData()).isEmpty();
            client.closed.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void resetsTheScriptedStreamInsteadOfAnsweringIt() throws Exception {
        try (Http2TestClient client = warmClient()) {
            server.resetStream(2, 7);
            Http2TestClient.Response reset = send(client, TOKEN);
            assertThat(reset.answered()).isFalse();
            assertThat(reset.resetCode()).isEqualTo(7);
            assertThat(send(client, TOKEN).status()).isEqualTo(200);
        }
        assertThat(server.resetCount()).isEqualTo(1);
        assertThat(server.acceptedCount()).isEqualTo(2);
    }

    @Test
    void lowersAndRestoresMaxConcurrentStreamsOnOpenConnections() throws Exception {
        try (Http2TestClient client = warmClient()) {
            server.lowerMaxConcurrentStreams(1);
            assertThat(client.awaitMaxConcurrentStreams(1, WAIT)).isTrue();
            server.restoreMaxConcurrentStreams();
            assertThat(client.awaitMaxConcurrentStreamsCount(4, WAIT)).isTrue();
            assertThat(client.maxConcurrentStreamsSeen()).containsExactly(1L, 1000L, 1L, 1000L);
        }
    }

    @Test
    void answersAStormWithTooManyRequestsThenServiceUnavailable() throws Exception {
        server.tooManyRequests(2);
        server.serviceUnavailable(1);
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Http2TestClient.Response response = send(client, TOKEN);
                answers.add(response.status() + " " + response.body());
            }
            assertThat(answers).containsExactly("429 {\"reason\":\"TooManyRequests\"}",
                    "429 {\"reason\":\"TooManyRequests\"}", "503 {\"reason\":\"ServiceUnavailable\"}", "200 ");
        }
    }

    @Test
    void delaysResponsesWithoutHoldingUpOtherConnections() throws Exception {
        try (Http2TestClient slow = Http2TestClient.connect(server);
             Http2TestClient other = Http2TestClient.connect(server)) {
            server.delayResponses(Duration.ofMillis(400));
            long start = System.nanoTime();
            CompletableFuture<Http2TestClient.Response> delayed = slow.post(TOKEN, PAYLOAD, "authorization", BEARER);
            CompletableFuture<Http2TestClient.Response> alsoDelayed = other.post(TOKEN, PAYLOAD, "authorization", BEARER);
            assertThat(delayed.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(alsoDelayed.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            server.delayResponses(Duration.ZERO);
            assertThat(send(slow, TOKEN).status()).isEqualTo(200);
        }
    }

    @Test
    void holdsAnswersWhileStoppedAndKeepsTheConnection() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            server.stopAnswering();
            CompletableFuture<Http2TestClient.Response> held = client.post(TOKEN, PAYLOAD, "authorization", BEARER);
            assertThat(server.awaitUntil(() -> server.acceptedCount() == 1, WAIT)).isTrue();
            Thread.sleep(200);
            assertThat(held).isNotDone();
            assertThat(server.openConnections()).isEqualTo(1);

            server.resumeAnswering();
            assertThat(held.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void dropsTheConnectionWithStreamsOpen() throws Exception {
        try (MockApnsHttp2Server own = ownServer(); Http2TestClient client = warmClient(own)) {
            own.dropConnectionAfter(1);
            List<CompletableFuture<Http2TestClient.Response>> responses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                responses.add(client.post(TOKEN, PAYLOAD, "authorization", BEARER));
            }
            client.closed.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Http2TestClient.Response> response : responses) {
                assertThat(response.get(5, TimeUnit.SECONDS).answered()).isFalse();
            }
            assertThat(client.goAway).isNotDone();
            assertThat(own.awaitUntil(() -> own.openConnections() == 0, WAIT)).isTrue();
            assertThat(own.acceptedCount()).isEqualTo(1);
        }
    }

    @Test
    void refusesHandshakesWhileToldTo() throws Exception {
        server.refuseHandshakes(true);
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            client.closed.get(5, TimeUnit.SECONDS);
        } catch (java.net.SocketException e) {
            // The reset may arrive before the connect completes: refused either way.
            assertThat(e).hasMessageContaining("reset");
        }
        assertThat(server.awaitUntil(() -> server.refusedConnections() == 1, WAIT)).isTrue();
        assertThat(server.connectionsAccepted()).isZero();

        server.refuseHandshakes(false);
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            assertThat(send(client, TOKEN).status()).isEqualTo(200);
        }
        assertThat(server.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void resetForgetsFaultsCountsAndNumbering() throws Exception {
        server.tooManyRequests(5);
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            assertThat(send(client, TOKEN).status()).isEqualTo(429);
            server.reset();
            assertThat(server.rejectedCount()).isZero();
            assertThat(send(client, TOKEN).status()).isEqualTo(200);
        }
        assertThat(server.accepted()).singleElement()
                .satisfies(notification -> assertThat(notification.requestNumber()).isEqualTo(1));
    }

    @Test
    void countsWithoutRecordingWhenRecordingIsOff() throws Exception {
        try (MockApnsHttp2Server counting = MockApnsHttp2Server.builder(certificates).recordAccepted(false).start()) {
            key.register(counting, Set.of("com.example.app"));
            try (Http2TestClient client = Http2TestClient.connect(counting)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(client.post(TOKEN, PAYLOAD, "authorization", BEARER).get(5, TimeUnit.SECONDS).status())
                            .isEqualTo(200);
                }
                assertThat(client.post("12", PAYLOAD, "authorization", BEARER).get(5, TimeUnit.SECONDS).status())
                        .isEqualTo(400);
            }
            assertThat(counting.awaitAccepted(3, WAIT)).isTrue();
            assertThat(counting.accepted()).isEmpty();
            assertThat(counting.rejected()).isEmpty();
            assertThat(counting.rejectedCount()).isEqualTo(1);
        }
    }
}
