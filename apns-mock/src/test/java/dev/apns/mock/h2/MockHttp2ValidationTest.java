package dev.apns.mock.h2;

import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.handler.codec.http2.DefaultHttp2Headers;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class MockHttp2ValidationTest {
    static final String TOKEN = "ab".repeat(32);
    static final String PAYLOAD = "{\"aps\":{\"alert\":\"test\"}}";
    private static final TestCertificates certificates = TestCertificates.create();
    private static final TestSigningKey key = TestSigningKey.generate();
    private static final TestSigningKey twoTopicKey = TestSigningKey.generate();
    private static final TestSigningKey stranger = TestSigningKey.generate(key.teamId(), key.keyId());
    private static MockApnsHttp2Server server;

    @BeforeAll
    static void start() {
        server = MockApnsHttp2Server.builder(certificates).start();
        key.register(server, Set.of("com.example.app"));
        twoTopicKey.register(server, Set.of("com.example.app", "com.example.other"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void resetServer() {
        server.reset();
    }

    static String bearer(TestSigningKey signingKey) {
        return "bearer " + signingKey.providerToken(Instant.now());
    }

    private static Http2TestClient.Response post(String token, String payload, String... headers) throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            return client.post(token, payload, headers).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void acceptsAnAlertAndEchoesItsApnsIdWithAUniqueId() throws Exception {
        String id = "3c6f1b66-6f5e-4bd5-9f0c-3a2ab3a1e0aa";
        Http2TestClient.Response response = post(TOKEN, PAYLOAD, "authorization", bearer(key),
                "apns-topic", "com.example.app", "apns-push-type", "alert", "apns-id", id, "apns-priority", "5",
                "apns-expiration", "1700000000", "apns-collapse-id", "group-1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("apns-id")).isEqualTo(id);
        assertThat(RequestEvaluator.isUuid(response.header("apns-unique-id"))).isTrue();
        assertThat(server.accepted()).singleElement().satisfies(notification -> {
            assertThat(notification.token()).isEqualTo(TOKEN);
            assertThat(notification.topic()).isEqualTo("com.example.app");
            assertThat(notification.pushType()).isEqualTo("alert");
            assertThat(notification.priority()).isEqualTo(5);
            assertThat(notification.expiration()).hasValue(1700000000L);
            assertThat(notification.collapseId()).hasValue("group-1");
            assertThat(notification.apnsId()).isEqualTo(id);
            assertThat(notification.payloadText()).isEqualTo(PAYLOAD);
            assertThat(notification.teamId()).hasValue(key.teamId());
            assertThat(notification.keyId()).hasValue(key.keyId());
            assertThat(notification.certificateSubject()).isEmpty();
            assertThat(notification.requestNumber()).isEqualTo(1);
        });
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(server.rejectedCount()).isZero();
    }

    @Test
    void generatesALowerCaseApnsIdWhenTheRequestHasNone() throws Exception {
        Http2TestClient.Response response = post(TOKEN, PAYLOAD, "authorization", bearer(key));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("apns-id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(server.accepted()).singleElement().satisfies(notification -> {
            assertThat(notification.apnsId()).isEqualTo(response.header("apns-id"));
            assertThat(notification.topic()).isEqualTo("com.example.app"); // the key's only topic
        });
    }

    @Test
    void acceptsADerSignatureAsApnsDoes() throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String input = url.encodeToString(("{\"alg\":\"ES256\",\"kid\":\"" + key.keyId() + "\"}")
                .getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString(("{\"iss\":\"" + key.teamId()
                + "\",\"iat\":" + Instant.now().getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        Signature der = Signature.getInstance("SHA256withECDSA");
        der.initSign(key.privateKey());
        der.update(input.getBytes(StandardCharsets.US_ASCII));
        String token = input + "." + url.encodeToString(der.sign());

        assertThat(post(TOKEN, PAYLOAD, "authorization", "bearer " + token).status()).isEqualTo(200);
    }

    @Test
    void answersOtherMethodsWithMethodNotAllowed() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            Http2TestClient.Response response = client.send(new DefaultHttp2Headers().method("GET").scheme("https")
                    .authority("127.0.0.1").path("/3/device/" + TOKEN).add("authorization", bearer(key)), null)
                    .get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(405);
            assertThat(response.body()).isEqualTo("{\"reason\":\"MethodNotAllowed\"}");
        }
        assertThat(server.rejected()).singleElement().satisfies(rejection -> {
            assertThat(rejection.status()).isEqualTo(405);
            assertThat(rejection.reason()).isEqualTo("MethodNotAllowed");
        });
    }

    static Stream<Arguments> badRequests() {
        String auth = "authorization";
        String longCollapse = "c".repeat(65);
        return Stream.of(
                Arguments.of("no authorization", TOKEN, PAYLOAD, List.of(), 403, "MissingProviderToken"),
                Arguments.of("token signed by another key", TOKEN, PAYLOAD, List.of(auth, bearer(stranger)), 403,
                        "InvalidProviderToken"),
                Arguments.of("unknown key id", TOKEN, PAYLOAD, List.of(auth, bearer(TestSigningKey.generate())), 403,
                        "InvalidProviderToken"),
                Arguments.of("malformed token", TOKEN, PAYLOAD, List.of(auth, "bearer not.a-token"), 403,
                        "InvalidProviderToken"),
                Arguments.of("expired token", TOKEN, PAYLOAD,
                        List.of(auth, "bearer " + key.providerToken(Instant.now().minusSeconds(3700))), 403,
                        "ExpiredProviderToken"),
                Arguments.of("short device token", "abcd", PAYLOAD, List.of(auth, bearer(key)), 400, "BadDeviceToken"),
                Arguments.of("device token not hex", "zz".repeat(32), PAYLOAD, List.of(auth, bearer(key)), 400,
                        "BadDeviceToken"),
                Arguments.of("no device token", "", PAYLOAD, List.of(auth, bearer(key)), 400, "MissingDeviceToken"),
                Arguments.of("unknown push type", TOKEN, PAYLOAD, List.of(auth, bearer(key), "apns-push-type", "fax"),
                        400, "InvalidPushType"),
                Arguments.of("no topic with two topics", TOKEN, PAYLOAD, List.of(auth, bearer(twoTopicKey)), 400,
                        "MissingTopic"),
                Arguments.of("someone else's topic", TOKEN, PAYLOAD,
                        List.of(auth, bearer(key), "apns-topic", "com.example.other"), 400, "TopicDisallowed"),
                Arguments.of("malformed topic", TOKEN, PAYLOAD, List.of(auth, bearer(key), "apns-topic", "com example"),
                        400, "BadTopic"),
                Arguments.of("voip push to the bundle id", TOKEN, PAYLOAD,
                        List.of(auth, bearer(key), "apns-topic", "com.example.app", "apns-push-type", "voip"), 400,
                        "DeviceTokenNotForTopic"),
                Arguments.of("priority 7", TOKEN, PAYLOAD, List.of(auth, bearer(key), "apns-priority", "7"), 400,
                        "BadPriority"),
                Arguments.of("background at priority 10", TOKEN, "{\"aps\":{\"content-available\":1}}",
                        List.of(auth, bearer(key), "apns-push-type", "background", "apns-priority", "10"), 400,
                        "BadPriority"),
                Arguments.of("expiration not a number", TOKEN, PAYLOAD,
                        List.of(auth, bearer(key), "apns-expiration", "tomorrow"), 400, "BadExpirationDate"),
                Arguments.of("apns-id not a UUID", TOKEN, PAYLOAD, List.of(auth, bearer(key), "apns-id", "42"), 400,
                        "BadMessageId"),
                Arguments.of("collapse id of 65 bytes", TOKEN, PAYLOAD,
                        List.of(auth, bearer(key), "apns-collapse-id", longCollapse), 400, "BadCollapseId"),
                Arguments.of("apns-priority twice", TOKEN, PAYLOAD,
                        List.of(auth, bearer(key), "apns-priority", "10", "apns-priority", "5"), 400, "DuplicateHeaders"),
                Arguments.of("empty payload", TOKEN, "", List.of(auth, bearer(key)), 400, "PayloadEmpty"),
                Arguments.of("payload of 4097 bytes", TOKEN, jsonOfLength(4097), List.of(auth, bearer(key)), 413,
                        "PayloadTooLarge"),
                Arguments.of("voip payload of 5121 bytes", TOKEN, jsonOfLength(5121),
                        List.of(auth, bearer(key), "apns-topic", "com.example.app.voip", "apns-push-type", "voip"), 413,
                        "PayloadTooLarge"),
                Arguments.of("payload not JSON", TOKEN, "hello", List.of(auth, bearer(key)), 400, "BadPayload"),
                Arguments.of("payload a JSON array", TOKEN, "[1,2]", List.of(auth, bearer(key)), 400, "BadPayload"));
    }

    static String jsonOfLength(int length) {
        String prefix = "{\"aps\":{\"alert\":\"";
        String suffix = "\"}}";
        return prefix + "x".repeat(length - prefix.length() - suffix.length()) + suffix;
    }

    @ParameterizedTest(name = "{0}: {4} {5}")
    @MethodSource("badRequests")
    void answersABadRequestWithApplesStatusAndReason(String description, String token, String payload,
                                                      List<String> headers, int status, String reason) throws Exception {
        Http2TestClient.Response response = post(token, payload, headers.toArray(String[]::new));

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.body()).isEqualTo("{\"reason\":\"" + reason + "\"}");
        assertThat(response.header("content-type")).isEqualTo("application/json");
        assertThat(RequestEvaluator.isUuid(response.header("apns-id"))).isTrue();
        assertThat(server.acceptedCount()).isZero();
        assertThat(server.rejectedCount()).isEqualTo(1);
    }

    @Test
    void speaksHttp2WithPriorKnowledgeToAClientThatOffersNoAlpn() throws Exception {
        try (Http2TestClient client = Http2TestClient.connectWithoutAlpn(server)) {
            Http2TestClient.Response response = client.post(TOKEN, PAYLOAD, "authorization", bearer(key))
                    .get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
        }
    }

    @Test
    void answersAPathOutsideTheDeviceApiWithBadPath() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            Http2TestClient.Response response = client.send(new DefaultHttp2Headers().method("POST").scheme("https")
                    .authority("127.0.0.1").path("/4/broadcasts/apps/com.example.app")
                    .add("authorization", bearer(key)), PAYLOAD.getBytes(StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.body()).isEqualTo("{\"reason\":\"BadPath\"}");
        }
    }

    @Test
    void acceptsEachPushTypeWithTheTopicSuffixItRequires() throws Exception {
        String[][] cases = {{"voip", "com.example.app.voip"}, {"complication", "com.example.app.complication"},
                {"fileprovider", "com.example.app.pushkit.fileprovider"},
                {"liveactivity", "com.example.app.push-type.liveactivity"}, {"pushtotalk", "com.example.app.voip-ptt"},
                {"widgets", "com.example.app.push-type.widgets"}, {"controls", "com.example.app.push-type.controls"},
                {"location", "com.example.app.location-query"}};
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            String bearer = bearer(key);
            for (String[] pushCase : cases) {
                Http2TestClient.Response response = client.post(TOKEN, PAYLOAD, "authorization", bearer,
                        "apns-push-type", pushCase[0], "apns-topic", pushCase[1]).get(5, TimeUnit.SECONDS);
                assertThat(response.status()).as(pushCase[0]).isEqualTo(200);
            }
            Http2TestClient.Response voip = client.post(TOKEN, jsonOfLength(5120), "authorization", bearer,
                    "apns-push-type", "voip", "apns-topic", "com.example.app.voip").get(5, TimeUnit.SECONDS);
            assertThat(voip.status()).isEqualTo(200);
            Http2TestClient.Response background = client.post(TOKEN, PAYLOAD, "authorization", bearer,
                    "apns-push-type", "background", "apns-priority", "5").get(5, TimeUnit.SECONDS);
            assertThat(background.status()).isEqualTo(200);
        }
        assertThat(server.accepted()).extracting(AcceptedNotification::pushType)
                .containsExactly("voip", "complication", "fileprovider", "liveactivity", "pushtotalk", "widgets",
                        "controls", "location", "voip", "background");
    }
}
