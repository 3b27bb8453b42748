package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.DeviceToken;
import dev.apns.FeedbackEntry;
import dev.apns.Status;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.binary.MockApnsServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app on the binary protocol with certificate authentication, end to end: the gateway (on its embedded store)
 * sends to apns-mock's binary mock APNs gateway over real TLS with a client certificate, reads the mock's feedback
 * service, and reports a rejection in the notification's result, the disconnection log and the dead tokens.
 */
class BinaryProtocolAppTest {
    private static final String APP = "/apps/com.example.binary/sandbox";

    @TempDir
    Path directory;

    MockApnsServer apns;
    IssuedCertificate client;
    Gateway gateway;
    RestClient rest;

    @BeforeEach
    void start() {
        apns = MockApnsServer.builder(MockApns.CERTIFICATES).start();
        client = MockApns.CERTIFICATES.client("com.example.binary");
        gateway = Gateway.start(GatewayConfig.builder().port(0).dataDirectory(directory.resolve("data")).build());
        rest = new RestClient(gateway.port(), null);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        apns.close();
    }

    private ObjectNode binaryApp(String certificate) {
        ObjectNode app = RestClient.JSON.createObjectNode();
        app.put("protocol", "binary");
        app.put("certificate", certificate);
        app.put("endpoint", apns.gateway().host() + ":" + apns.gateway().port());
        app.put("feedback", apns.feedback().host() + ":" + apns.feedback().port());
        app.put("trust", apns.authorityPem());
        return app;
    }

    @Test
    void aRejectedTokenShowsInItsResultTheDisconnectionLogAndTheDeadTokensAndFeedbackIsRead() {
        JsonNode app = provision(binaryApp(client.combinedPem()));
        assertThat(app.get("protocol").asText()).isEqualTo("binary");
        assertThat(app.get("auth").asText()).isEqualTo("certificate");
        assertThat(app.get("feedback").asText()).isEqualTo(apns.feedback().toString());
        assertThat(app.has("certificate")).as("PEM text given: no path to show").isFalse();

        String rejected = GatewayEndToEndTest.token(1);
        apns.rejectToken(DeviceToken.fromHex(rejected), Status.of(8));
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 3; i++) {
            batch.add(GatewayEndToEndTest.notification(GatewayEndToEndTest.token(i)).put("identifier", "n" + i));
        }
        RestClient.Response posted = rest.post(APP + "/notifications", batch);
        assertThat(posted.status()).as("%s", posted.body()).isEqualTo(202);
        JsonNode queued = posted.body().get("response");

        JsonNode result = await(queued.get(1).get("id").asText(), n -> n.get("status").asText().equals("rejected"));
        assertThat(result.get("reason").asText()).isEqualTo("InvalidToken");
        assertThat(result.get("token").asText()).isEqualTo(rejected);
        assertThat(result.has("http_status")).as("the binary protocol has no HTTP status").isFalse();
        for (int i : new int[] {0, 2}) {
            await(queued.get(i).get("id").asText(), n -> n.get("status").asText().equals("accepted"));
        }
        assertThat(apns.accepted()).hasSize(2);

        JsonNode disconnections = rest.get(APP + "/disconnections").body().get("response");
        assertThat(disconnections).hasSize(1);
        JsonNode disconnection = disconnections.get(0);
        assertThat(disconnection.get("type").asText()).isEqualTo("disconnection");
        assertThat(disconnection.get("token").asText()).isEqualTo(rejected);
        assertThat(disconnection.get("id").asText()).isEqualTo(queued.get(1).get("id").asText());
        assertThat(disconnection.get("identifier").asText()).isEqualTo("n1");
        assertThat(disconnection.get("reason").asText()).isEqualTo("InvalidToken");
        assertThat(disconnection.get("detail").asText()).containsIgnoringCase("invalid token");

        String fromFeedback = GatewayEndToEndTest.token(7);
        Instant since = Instant.parse("2026-05-01T08:30:00Z");
        apns.addFeedback(new FeedbackEntry(DeviceToken.fromHex(fromFeedback), since));
        JsonNode feedback = rest.get(APP + "/feedback").body().get("response");
        List<String> dead = new ArrayList<>();
        feedback.forEach(entry -> dead.add(entry.get("token").asText() + " " + entry.get("reason").asText() + " "
                + entry.get("source").asText()));
        assertThat(dead).containsExactlyInAnyOrder(rejected + " InvalidToken rejection",
                fromFeedback + " Feedback feedback");
        assertThat(feedback.findValuesAsText("timestamp")).contains(since.toString());
        assertThat(apns.feedbackConnectionsAccepted()).isEqualTo(1);
        assertThat(apns.clientSubjects()).allSatisfy(subject -> assertThat(subject).contains("com.example.binary"));
    }

    @Test
    void aCertificateGivenAsAFilePathIsShownByPathFingerprintAndExpiryNeverAsPem() throws Exception {
        Path file = directory.resolve("com.example.binary.pem");
        Files.writeString(file, client.combinedPem());
        JsonNode created = provision(binaryApp(file.toString()));
        String expires = client.certificate().getNotAfter().toInstant().toString();
        for (JsonNode view : List.of(created, rest.get(APP).body().get("response"),
                rest.get("/apps").body().get("response").get(0))) {
            assertThat(view.get("certificate").asText()).isEqualTo(file.toString());
            assertThat(view.get("fingerprint").asText()).hasSize(64);
            assertThat(view.get("expires").asText()).isEqualTo(expires);
        }
        String keyLine = client.privateKeyPkcs8Pem().split("\n")[1];
        for (String path : List.of(APP, "/apps", "/status.json")) {
            assertThat(rest.get(path).raw().body()).as(path).doesNotContain("-----BEGIN").doesNotContain(keyLine);
        }

        rest.post(APP + "/notifications", GatewayEndToEndTest.notification(GatewayEndToEndTest.token(3)));
        assertThat(apns.awaitAccepted(1, Duration.ofSeconds(20))).isTrue();

        RestClient.Response missing = rest.post(APP, binaryApp(directory.resolve("missing.pem").toString()));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().get("field").asText()).isEqualTo("certificate");
        RestClient.Response tokenOnBinary = rest.post(APP, binaryApp(file.toString()).put("key", "x"));
        assertThat(tokenOnBinary.status()).isEqualTo(400);
        RestClient.Response feedbackOnHttp2 = rest.post(APP, binaryApp(file.toString()).put("protocol", "http2"));
        assertThat(feedbackOnHttp2.status()).isEqualTo(400);
        assertThat(feedbackOnHttp2.body().get("field").asText()).isEqualTo("feedback");
    }

    private JsonNode provision(ObjectNode app) {
        RestClient.Response response = rest.post(APP, app);
        assertThat(response.status()).as("provisioning: %s", response.body()).isEqualTo(201);
        return response.body().get("response");
    }

    private JsonNode await(String id, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = rest.get(APP + "/notifications/" + id).body().get("response");
            if (done.test(last)) {
                return last;
            }
            GatewayEndToEndTest.sleep(50);
        }
        throw new AssertionError("notification " + id + " did not get there in 20 s; last seen: " + last);
    }
}
