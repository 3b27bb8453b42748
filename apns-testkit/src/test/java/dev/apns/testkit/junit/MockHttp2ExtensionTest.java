package dev.apns.testkit.junit;

import dev.apns.mock.h2.Http2TestClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class MockHttp2ExtensionTest {
    private static final String TOKEN = "ab".repeat(32);
    private static final String PAYLOAD = "{\"aps\":{\"alert\":\"test\"}}";

    @RegisterExtension
    static final MockApnsHttp2Extension apns = new MockApnsHttp2Extension();

    @Test
    void servesAClientWithTheExtensionsKey() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(apns.server())) {
            Http2TestClient.Response response = client.post(TOKEN, PAYLOAD, "authorization",
                    "bearer " + apns.signingKey().providerToken(Instant.now())).get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(apns.server().awaitAccepted(1, Duration.ofSeconds(1))).isTrue();
        assertThat(apns.server().accepted()).singleElement()
                .satisfies(notification -> assertThat(notification.topic()).isEqualTo("com.example.app"));
    }

    @Test
    void resetsTheServerBeforeEachTestButKeepsTheKey() throws Exception {
        assertThat(apns.server().acceptedCount()).isZero();
        try (Http2TestClient client = Http2TestClient.connect(apns.server())) {
            Http2TestClient.Response response = client.post(TOKEN, PAYLOAD, "authorization",
                    "bearer " + apns.signingKey().providerToken(Instant.now())).get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
        }
    }
}
