package dev.apns.mock.h2;

import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.apns.mock.h2.MockHttp2ValidationTest.PAYLOAD;
import static dev.apns.mock.h2.MockHttp2ValidationTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class MockHttp2AuthenticationTest {
    private static final TestCertificates certificates = TestCertificates.create();
    private static final TestSigningKey key = TestSigningKey.generate();
    private static final TestSigningKey otherTeam = TestSigningKey.generate();

    private static String send(Http2TestClient client, String bearer, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "authorization";
        all[1] = bearer;
        System.arraycopy(headers, 0, all, 2, headers.length);
        Http2TestClient.Response response = client.post(TOKEN, PAYLOAD, bearer == null ? headers : all)
                .get(5, TimeUnit.SECONDS);
        return response.status() + " " + response.body();
    }

    private static MockApnsHttp2Server start(MockApnsHttp2Server.Builder builder) {
        MockApnsHttp2Server server = builder.start();
        key.register(server, Set.of("com.example.app"));
        otherTeam.register(server, Set.of("com.example.app"));
        return server;
    }

    @Test
    void refusesANewTokenSoonerThanTheUpdateIntervalAfterTheLast() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (MockApnsHttp2Server server = start(MockApnsHttp2Server.builder(certificates).clock(clock));
             Http2TestClient client = Http2TestClient.connect(server)) {
            assertThat(send(client, "bearer " + key.providerToken(clock.instant()))).isEqualTo("200 ");
            clock.advance(Duration.ofMinutes(19));
            assertThat(send(client, "bearer " + key.providerToken(clock.instant())))
                    .isEqualTo("429 {\"reason\":\"TooManyProviderTokenUpdates\"}");
            clock.advance(Duration.ofMinutes(2));
            assertThat(send(client, "bearer " + key.providerToken(clock.instant()))).isEqualTo("200 ");
        }
    }

    @Test
    void acceptsAnyChangeWithAnUpdateIntervalOfZero() throws Exception {
        try (MockApnsHttp2Server server = start(MockApnsHttp2Server.builder(certificates)
                .tokenUpdateInterval(Duration.ZERO));
             Http2TestClient client = Http2TestClient.connect(server)) {
            assertThat(send(client, "bearer " + key.providerToken(Instant.now()))).isEqualTo("200 ");
            assertThat(send(client, "bearer " + key.providerToken(Instant.now().minusSeconds(5)))).isEqualTo("200 ");
        }
    }

    @Test
    void bindsTheFirstTeamToTheConnection() throws Exception {
        try (MockApnsHttp2Server server = start(MockApnsHttp2Server.builder(certificates)
                .tokenUpdateInterval(Duration.ZERO));
             Http2TestClient client = Http2TestClient.connect(server)) {
            assertThat(send(client, "bearer " + key.providerToken(Instant.now()))).isEqualTo("200 ");
            assertThat(send(client, "bearer " + otherTeam.providerToken(Instant.now())))
                    .isEqualTo("403 {\"reason\":\"InvalidProviderToken\"}");
            try (Http2TestClient another = Http2TestClient.connect(server)) {
                assertThat(send(another, "bearer " + otherTeam.providerToken(Instant.now()))).isEqualTo("200 ");
            }
        }
    }

    @Test
    void expiresATokenOlderThanItsLifetime() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (MockApnsHttp2Server server = start(MockApnsHttp2Server.builder(certificates).clock(clock)
                .tokenLifetime(Duration.ofMinutes(30)));
             Http2TestClient client = Http2TestClient.connect(server)) {
            String bearer = "bearer " + key.providerToken(clock.instant());
            assertThat(send(client, bearer)).isEqualTo("200 ");
            clock.advance(Duration.ofMinutes(31));
            assertThat(send(client, bearer)).isEqualTo("403 {\"reason\":\"ExpiredProviderToken\"}");
        }
    }

    @Test
    void refusesTokensOfAnUnregisteredKey() throws Exception {
        try (MockApnsHttp2Server server = start(MockApnsHttp2Server.builder(certificates));
             Http2TestClient client = Http2TestClient.connect(server)) {
            String bearer = "bearer " + key.providerToken(Instant.now());
            assertThat(send(client, bearer)).isEqualTo("200 ");
            server.unregisterKey(key.keyId());
            assertThat(send(client, bearer)).isEqualTo("403 {\"reason\":\"InvalidProviderToken\"}");
        }
    }

    @Test
    void startsTokenConnectionsAtTheFullStreamLimitWhenTheFirstRequestRuleIsOff() throws Exception {
        try (MockApnsHttp2Server server = start(MockApnsHttp2Server.builder(certificates).firstRequestLimit(false)
                .maxConcurrentStreams(200));
             Http2TestClient client = Http2TestClient.connect(server)) {
            assertThat(send(client, "bearer " + key.providerToken(Instant.now()))).isEqualTo("200 ");
            assertThat(client.maxConcurrentStreamsSeen()).containsExactly(200L);
        }
    }

    @Test
    void authenticatesACertificateByItsConfiguredTopics() throws Exception {
        IssuedCertificate app = certificates.client("com.example.app", KeyType.EC);
        IssuedCertificate unknown = certificates.client("com.example.unknown", KeyType.EC);
        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).maxConcurrentStreams(500).start()) {
            server.allowCertificateTopics(app, Set.of("com.example.app", "com.example.app.voip"));
            try (Http2TestClient client = Http2TestClient.connect(server, app)) {
                assertThat(send(client, null, "apns-topic", "com.example.app")).isEqualTo("200 ");
                assertThat(client.maxConcurrentStreamsSeen()).containsExactly(500L); // no first-request limit
                assertThat(send(client, null, "apns-topic", "com.example.app.voip", "apns-push-type", "voip"))
                        .isEqualTo("200 ");
                assertThat(send(client, null)).isEqualTo("400 {\"reason\":\"MissingTopic\"}");
                assertThat(send(client, null, "apns-topic", "com.example.other"))
                        .isEqualTo("400 {\"reason\":\"TopicDisallowed\"}");
                assertThat(send(client, null, "apns-topic", "com.example.app.voip"))
                        .isEqualTo("400 {\"reason\":\"DeviceTokenNotForTopic\"}");
            }
            try (Http2TestClient client = Http2TestClient.connect(server, unknown)) {
                assertThat(send(client, null, "apns-topic", "com.example.unknown"))
                        .isEqualTo("403 {\"reason\":\"BadCertificate\"}");
            }
            assertThat(server.accepted()).first().satisfies(notification -> {
                assertThat(notification.certificateSubject()).hasValue(app.certificate().getSubjectX500Principal().getName());
                assertThat(notification.teamId()).isEmpty();
            });
        }
    }
}
