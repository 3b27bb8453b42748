package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.gateway.http.ApiKey;
import dev.apns.mock.h2.AcceptedNotification;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway end to end over real HTTP and real TLS: a client posts to its REST interface on loopback, the gateway
 * stores the notifications in a real database and sends them with the SDK to apns-mock's HTTP/2 mock APNs server.
 * Run once per store by the subclasses.
 */
abstract class GatewayEndToEndTest {
    static final String APP = "/apps/" + MockApns.TOPIC + "/sandbox";
    static final String ADMIN_KEY = "admin-key-0123456789abcdef";
    static final String APP_KEY = "app-key-0123456789abcdef";

    @TempDir
    Path dataDirectory;

    MockApns apns;
    Gateway gateway;
    RestClient client;

    /** Points the builder at the store under test. */
    abstract GatewayConfig.Builder storage(GatewayConfig.Builder builder);

    @BeforeEach
    void startMock() {
        apns = new MockApns();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        apns.close();
    }

    Gateway start(GatewayConfig.Builder builder) {
        gateway = Gateway.start(storage(builder.port(0)).build());
        client = new RestClient(gateway.port(), null);
        return gateway;
    }

    RestClient.Response provision(RestClient as) {
        RestClient.Response response = as.post(APP, apns.tokenApp());
        assertThat(response.status()).as("provisioning: %s", response.body()).isEqualTo(201);
        return response;
    }

    static ObjectNode notification(String token) {
        ObjectNode node = RestClient.JSON.createObjectNode();
        node.put("token", token);
        node.putObject("payload").putObject("aps").put("alert", "Hello " + token.substring(0, 6));
        return node;
    }

    static String token(int i) {
        return String.format("%064x", 0x1000 + i);
    }

    JsonNode awaitNotification(RestClient as, String id, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            RestClient.Response response = as.get(APP + "/notifications/" + id);
            assertThat(response.status()).isEqualTo(200);
            last = response.body().get("response");
            if (done.test(last)) {
                return last;
            }
            sleep(50);
        }
        throw new AssertionError("notification " + id + " did not get there in 20 s; last seen: " + last);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void provisionsListsAndReadsAnAppWithoutShowingItsKey() {
        start(GatewayConfig.builder());
        JsonNode created = provision(client).body().get("response");
        assertThat(created.get("type").asText()).isEqualTo("app");
        assertThat(created.get("app_id").asText()).isEqualTo(MockApns.TOPIC);
        assertThat(created.get("auth").asText()).isEqualTo("token");
        assertThat(created.get("fingerprint").asText()).hasSize(64);

        RestClient.Response list = client.get("/apps");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("code").asInt()).isEqualTo(200);
        assertThat(list.body().get("response")).hasSize(1);
        RestClient.Response one = client.get(APP);
        assertThat(one.body().get("response").get("key_id").asText()).isEqualTo(apns.key.keyId());
        String keyBody = apns.key.privateKeyPkcs8Pem().split("\n")[1];
        for (RestClient.Response response : List.of(list, one)) {
            assertThat(response.raw().body()).doesNotContain("PRIVATE KEY").doesNotContain(keyBody);
        }

        RestClient.Response again = client.post(APP, apns.tokenApp());
        assertThat(again.body().get("response").get("version").asLong()).isEqualTo(2);
    }

    @Test
    void deliversEveryPostedNotificationAndReportsItAccepted() {
        start(GatewayConfig.builder());
        provision(client);
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 200; i++) {
            batch.add(notification(token(i)).put("identifier", i));
        }
        RestClient.Response posted = client.post(APP + "/notifications", batch);
        assertThat(posted.status()).as("%s", posted.body()).isEqualTo(202);
        JsonNode queued = posted.body().get("response");
        assertThat(queued).hasSize(200);
        assertThat(queued.get(7).get("identifier").asText()).isEqualTo("7");
        assertThat(queued.get(7).get("status").asText()).isEqualTo("queued");

        assertThat(apns.server.awaitAccepted(200, Duration.ofSeconds(20))).isTrue();
        String id = queued.get(7).get("id").asText();
        JsonNode accepted = awaitNotification(client, id, n -> n.get("status").asText().equals("accepted"));
        assertThat(accepted.get("http_status").asInt()).isEqualTo(200);
        assertThat(accepted.get("token").asText()).isEqualTo(token(7));
        Set<String> ids = new HashSet<>();
        for (AcceptedNotification n : apns.server.accepted()) {
            ids.add(n.apnsId());
        }
        assertThat(ids).hasSize(200).contains(id);
    }

    @Test
    void sendsForSeveralAppsAndTeamsEachWithItsOwnKey() {
        start(GatewayConfig.builder());
        provision(client);
        String otherTopic = "com.example.other";
        dev.apns.mock.h2.TestSigningKey otherKey = dev.apns.mock.h2.TestSigningKey
                .generate("TEAM2TEAM2", "KEY2KEY2KE").register(apns.server, Set.of(otherTopic));
        ObjectNode other = apns.tokenApp().put("key", otherKey.privateKeyPkcs8Pem()).put("key_id", otherKey.keyId())
                .put("team_id", otherKey.teamId()).put("topic", otherTopic);
        assertThat(client.post("/apps/" + otherTopic + "/production", other).status()).isEqualTo(201);

        assertThat(client.post(APP + "/notifications", notification(token(1))).status()).isEqualTo(202);
        assertThat(client.post("/apps/" + otherTopic + "/production/notifications", notification(token(2))).status())
                .isEqualTo(202);
        assertThat(apns.server.awaitAccepted(2, Duration.ofSeconds(20))).isTrue();
        Map<String, String> teamByToken = new java.util.HashMap<>();
        for (AcceptedNotification n : apns.server.accepted()) {
            teamByToken.put(n.token(), n.teamId().orElseThrow() + "/" + n.keyId().orElseThrow() + "/" + n.topic());
        }
        assertThat(teamByToken).containsEntry(token(1), apns.key.teamId() + "/" + apns.key.keyId() + "/" + MockApns.TOPIC)
                .containsEntry(token(2), "TEAM2TEAM2/KEY2KEY2KE/" + otherTopic);
        assertThat(client.get("/apps").body().get("response")).hasSize(2);
    }

    @Test
    void recordsRejectionsWithTheirReasonAndListsDeadTokensAsFeedback() {
        start(GatewayConfig.builder());
        provision(client);
        Instant since = Instant.parse("2026-11-30T12:00:00Z");
        apns.server.unregister(token(1), since);
        apns.server.rejectToken(token(2), "BadDeviceToken");
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 3; i++) {
            batch.add(notification(token(i)));
        }
        JsonNode queued = client.post(APP + "/notifications", batch).body().get("response");

        JsonNode unregistered = awaitNotification(client, queued.get(1).get("id").asText(),
                n -> n.get("status").asText().equals("rejected"));
        assertThat(unregistered.get("http_status").asInt()).isEqualTo(410);
        assertThat(unregistered.get("reason").asText()).isEqualTo("Unregistered");
        assertThat(unregistered.get("timestamp").asText()).isEqualTo(since.toString());
        JsonNode bad = awaitNotification(client, queued.get(2).get("id").asText(),
                n -> n.get("status").asText().equals("rejected"));
        assertThat(bad.get("http_status").asInt()).isEqualTo(400);
        assertThat(bad.get("reason").asText()).isEqualTo("BadDeviceToken");
        awaitNotification(client, queued.get(0).get("id").asText(), n -> n.get("status").asText().equals("accepted"));

        JsonNode feedback = client.get(APP + "/feedback").body().get("response");
        List<String> dead = new ArrayList<>();
        feedback.forEach(entry -> dead.add(entry.get("token").asText() + " " + entry.get("reason").asText()));
        assertThat(dead).containsExactlyInAnyOrder(token(1) + " Unregistered", token(2) + " BadDeviceToken");
        assertThat(feedback.findValuesAsText("timestamp")).contains(since.toString());
    }

    @Test
    void logsAGoAwayInTheDisconnectionLogAndDeliversEverything() {
        start(GatewayConfig.builder());
        provision(client);
        apns.server.goAwayAfter(30, 0, "Shutdown");
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 100; i++) {
            batch.add(notification(token(i)));
        }
        client.post(APP + "/notifications", batch);
        assertThat(apns.server.awaitAccepted(100, Duration.ofSeconds(20))).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode log = null;
        while (System.nanoTime() < deadline) {
            log = client.get(APP + "/disconnections").body().get("response");
            if (log.size() > 0) {
                break;
            }
            sleep(50);
        }
        assertThat(log).isNotEmpty();
        assertThat(log.get(0).get("type").asText()).isEqualTo("disconnection");
        assertThat(log.get(0).get("reason").asText()).isEqualTo("GoAway");
        assertThat(log.get(0).get("detail").asText()).contains("Shutdown");
    }

    @Test
    void refusesABadNotificationNamingItAndStoresNoneOfTheRequest() {
        start(GatewayConfig.builder());
        provision(client);
        ArrayNode batch = RestClient.JSON.createArrayNode();
        batch.add(notification(token(0)));
        batch.add(notification(token(1)));
        batch.add(notification(token(2)).put("token", "not-hex"));
        RestClient.Response refused = client.post(APP + "/notifications", batch);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("field").asText()).isEqualTo("[2].token");
        assertThat(refused.body().get("code").asInt()).isEqualTo(400);
        assertThat(refused.body().get("error").asText()).contains("[2].token");

        ObjectNode background = notification(token(3)).put("push_type", "background").put("priority", 10);
        RestClient.Response wrongPriority = client.post(APP + "/notifications", background);
        assertThat(wrongPriority.status()).isEqualTo(400);
        assertThat(wrongPriority.body().get("error").asText()).containsIgnoringCase("priority");

        RestClient.Response nul = client.post(APP + "/notifications", notification(token(4)).put("identifier", "a\u0000b"));
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.body().get("field").asText()).isEqualTo("identifier");
        assertThat(nul.body().get("error").asText()).contains("U+0000");
        assertThat(client.post(APP + "/notifications", notification(token(4)).put("collapse_id", "a\nb")).body()
                .get("field").asText()).isEqualTo("collapse_id");

        assertThat(client.post(APP + "/notifications", "{not json").body().get("field").asText()).isEqualTo("body");
        assertThat(client.post(APP + "/notifications", RestClient.JSON.createObjectNode().put("token", token(1)))
                .body().get("field").asText()).isEqualTo("payload");
        assertThat(client.post("/apps/com.example.other/sandbox/notifications", notification(token(1))).status())
                .isEqualTo(404);
        assertThat(client.post("/apps/x/staging/notifications", notification(token(1))).body().get("field").asText())
                .isEqualTo("path");
        sleep(300);
        assertThat(apns.server.processedCount()).isZero();
    }

    @Test
    void apiKeysAreRequiredAndScopedToApps() {
        start(GatewayConfig.builder()
                .apiKey(ApiKey.of("ops", ADMIN_KEY, Set.of(), true))
                .apiKey(ApiKey.of("app", APP_KEY, Set.of(MockApns.TOPIC), false))
                .apiKey(ApiKey.of("other", "other-key-0123456789abcdef", Set.of("com.example.other"), false)));
        RestClient admin = client.withKey(ADMIN_KEY);
        RestClient app = client.withKey(APP_KEY);
        RestClient other = client.withKey("other-key-0123456789abcdef");

        assertThat(client.post(APP, apns.tokenApp()).status()).isEqualTo(401);
        assertThat(client.withKey("wrong-key-0123456789abcdef").get("/apps").status()).isEqualTo(401);
        assertThat(app.post(APP, apns.tokenApp()).status()).isEqualTo(403);
        provision(admin);

        assertThat(client.post(APP + "/notifications", notification(token(1))).status()).isEqualTo(401);
        assertThat(other.post(APP + "/notifications", notification(token(1))).status()).isEqualTo(403);
        assertThat(other.get("/apps").body().get("response")).isEmpty();
        assertThat(app.get("/apps").body().get("response")).hasSize(1);
        RestClient.Response posted = app.post(APP + "/notifications", notification(token(1)));
        assertThat(posted.status()).isEqualTo(202);
        assertThat(apns.server.awaitAccepted(1, Duration.ofSeconds(20))).isTrue();
        assertThat(client.get("/health").status()).isEqualTo(200);
        assertThat(client.get("/status.json").status()).isEqualTo(401);
        assertThat(admin.get("/status.json").status()).isEqualTo(200);
        assertThat(client.get("/metrics").status()).isEqualTo(401);
        assertThat(app.get("/metrics").status()).isEqualTo(403);
        assertThat(admin.get("/metrics").raw().body()).contains("apns_gateway_queue_depth");
    }

    @Test
    void aRetriedPostWithTheSameIdempotencyKeySendsOnce() {
        start(GatewayConfig.builder());
        provision(client);
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 5; i++) {
            batch.add(notification(token(i)));
        }
        Map<String, String> key = Map.of("Idempotency-Key", "order-4711");
        RestClient.Response first = client.post(APP + "/notifications", batch, key);
        RestClient.Response second = client.post(APP + "/notifications", batch, key);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(apns.server.awaitAccepted(5, Duration.ofSeconds(20))).isTrue();
        sleep(500);
        assertThat(apns.server.acceptedCount()).isEqualTo(5);
        RestClient.Response third = client.post(APP + "/notifications", batch, Map.of("Idempotency-Key", "order-4712"));
        assertThat(third.body()).isNotEqualTo(first.body());
    }

    @Test
    void aGracefulStopKeepsTheUnansweredQueuedWithinItsDeadlineAndTheNextStartSendsThem() {
        GatewayConfig.Builder config = GatewayConfig.builder().shutdownDeadline(Duration.ofSeconds(1));
        start(config);
        provision(client);
        apns.server.stopAnswering();
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 100; i++) {
            batch.add(notification(token(i)));
        }
        JsonNode queued = client.post(APP + "/notifications", batch).body().get("response");
        assertThat(apns.server.awaitUntil(() -> apns.server.processedCount() + apns.server.rejectedCount() > 0
                || apns.server.openConnections() > 0, Duration.ofSeconds(20))).isTrue();
        sleep(300);
        long stopping = System.nanoTime();
        gateway.close();
        long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
        gateway = null;
        assertThat(stopMillis).as("stop took %d ms with a 1 s deadline", stopMillis).isLessThan(8_000);

        apns.server.resumeAnswering();
        start(config);
        for (JsonNode notification : queued) {
            awaitNotification(client, notification.get("id").asText(), n -> n.get("status").asText().equals("accepted"));
        }
        Set<String> tokens = new HashSet<>();
        apns.server.accepted().forEach(n -> tokens.add(n.token()));
        assertThat(tokens).hasSize(100);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() {
        start(GatewayConfig.builder().maxRequestBytes(4096));
        provision(client);
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 60; i++) {
            batch.add(notification(token(i)));
        }
        RestClient.Response refused = client.post(APP + "/notifications", batch);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.body().get("code").asInt()).isEqualTo(413);
        assertThat(refused.body().get("field").asText()).isEqualTo("body");
        assertThat(client.post(APP + "/notifications", notification(token(1))).status()).isEqualTo(202);
    }

    @Test
    void aFullQueueIsAnsweredWith429AndRetryAfter() {
        start(GatewayConfig.builder().maxQueued(10));
        provision(client);
        apns.server.stopAnswering();
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 8; i++) {
            batch.add(notification(token(i)));
        }
        assertThat(client.post(APP + "/notifications", batch).status()).isEqualTo(202);
        RestClient.Response refused = client.post(APP + "/notifications", batch);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.body().get("error").asText()).contains("queue is full");
        apns.server.resumeAnswering();
    }

    @Test
    void postsFinalResultsToTheAppsCallbackUrlAgainUntilItAnswers2xx() throws Exception {
        List<JsonNode> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/results", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean fail = calls.incrementAndGet() == 1;
            if (!fail) {
                received.add(RestClient.JSON.readTree(body));
            }
            exchange.sendResponseHeaders(fail ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            start(GatewayConfig.builder());
            ObjectNode app = apns.tokenApp().put("callback_url",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/results");
            assertThat(client.post(APP, app).status()).isEqualTo(201);
            apns.server.rejectToken(token(3), "BadDeviceToken");
            ArrayNode batch = RestClient.JSON.createArrayNode();
            for (int i = 0; i < 20; i++) {
                batch.add(notification(token(i)).put("identifier", "order-" + i));
            }
            client.post(APP + "/notifications", batch);

            Map<String, JsonNode> byIdentifier = new java.util.concurrent.ConcurrentHashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (byIdentifier.size() < 20 && System.nanoTime() < deadline) {
                for (JsonNode post : received) {
                    assertThat(post.get("type").asText()).isEqualTo("results");
                    assertThat(post.get("app_id").asText()).isEqualTo(MockApns.TOPIC);
                    post.get("results").forEach(r -> byIdentifier.put(r.get("identifier").asText(), r));
                }
                sleep(50);
            }
            assertThat(byIdentifier).hasSize(20);
            assertThat(calls.get()).as("the first post was answered 503 and posted again").isGreaterThan(1);
            assertThat(byIdentifier.get("order-3").get("status").asText()).isEqualTo("rejected");
            assertThat(byIdentifier.get("order-3").get("reason").asText()).isEqualTo("BadDeviceToken");
            assertThat(byIdentifier.get("order-4").get("status").asText()).isEqualTo("accepted");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void metricsHealthAndStatusDescribeTheGateway() {
        start(GatewayConfig.builder());
        provision(client);
        client.post(APP + "/notifications", notification(token(1)));
        assertThat(apns.server.awaitAccepted(1, Duration.ofSeconds(20))).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = client.get("/status.json").body();
            if (status.get("apps").get(0).get("counts").get("accepted").asLong() == 1) {
                break;
            }
            sleep(50);
        }
        assertThat(status.get("apps").get(0).get("counts").get("accepted").asLong()).isEqualTo(1);
        assertThat(status.get("instances").get(0).asText()).isEqualTo(gateway.instanceId());
        String metrics = client.get("/metrics").raw().body();
        assertThat(metrics).contains("apns_gateway_notifications_total{reason=\"none\",result=\"accepted\"} 1.0");
        assertThat(metrics).contains("apns_gateway_queue_depth");
        assertThat(metrics).contains("apns_sender_accepted_total{app=\"" + MockApns.TOPIC
                + "\",environment=\"sandbox\"} 1.0");
        assertThat(metrics).contains("apns_sender_connections_open{app=\"" + MockApns.TOPIC
                + "\",environment=\"sandbox\"} 1.0");
        client.post(APP, apns.tokenApp());
        String afterReprovisioning = client.get("/metrics").raw().body();
        assertThat(afterReprovisioning).contains("apns_sender_accepted_total{app=\"" + MockApns.TOPIC
                + "\",environment=\"sandbox\"} 0.0");
        RestClient.Response page = client.get("/status");
        assertThat(page.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.raw().body()).contains("<title>apns-gateway status</title>");
    }
}
