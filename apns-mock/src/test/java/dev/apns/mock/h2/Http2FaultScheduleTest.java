package dev.apns.mock.h2;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class Http2FaultScheduleTest {
    @Test
    void drawsTheSameFaultsFromTheSameSeed() {
        for (long seed = 0; seed < 50; seed++) {
            assertThat(Http2FaultSchedule.random(seed, 1000).faults())
                    .isEqualTo(Http2FaultSchedule.random(seed, 1000).faults());
        }
        assertThat(Http2FaultSchedule.random(42, 1000).toString())
                .startsWith("Http2FaultSchedule[seed=42 (replay: Http2FaultSchedule.random(42L, 1000)): ");
    }

    @Test
    void drawsOnlyRequestNumbersWithinTheRun() {
        for (long seed = 0; seed < 200; seed++) {
            for (Http2FaultSchedule.Fault fault : Http2FaultSchedule.random(seed, 100).faults()) {
                if (fault.kind() == Http2FaultSchedule.Fault.Kind.DELAY) {
                    assertThat(fault.delay()).isBetween(Duration.ofMillis(1), Duration.ofMillis(20));
                } else {
                    assertThat(fault.requestNumber()).isBetween(1L, 100L);
                }
            }
        }
        assertThatThrownBy(() -> Http2FaultSchedule.random(1, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 10 requests");
    }

    @Test
    void scriptsItsFaultsOnTheServer() throws Exception {
        TestSigningKey key = TestSigningKey.generate();
        Http2FaultSchedule schedule = Http2FaultSchedule.of(
                new Http2FaultSchedule.Fault(Http2FaultSchedule.Fault.Kind.REFUSE_STREAM, 2, Duration.ZERO),
                new Http2FaultSchedule.Fault(Http2FaultSchedule.Fault.Kind.GO_AWAY, 3, Duration.ZERO));
        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(TestCertificates.create()).start()) {
            key.register(server, Set.of("com.example.app"));
            schedule.applyTo(server);
            try (Http2TestClient client = Http2TestClient.connect(server)) {
                String bearer = "bearer " + key.providerToken(Instant.now());
                assertThat(client.post(TOKEN, PAYLOAD, "authorization", bearer).get(5, TimeUnit.SECONDS).status())
                        .isEqualTo(200);
                assertThat(client.post(TOKEN, PAYLOAD, "authorization", bearer).get(5, TimeUnit.SECONDS).resetCode())
                        .isEqualTo(Http2FaultSchedule.REFUSED_STREAM);
                assertThat(client.post(TOKEN, PAYLOAD, "authorization", bearer).get(5, TimeUnit.SECONDS).status())
                        .isEqualTo(200);
                Http2TestClient.GoAway goAway = client.goAway.get(5, TimeUnit.SECONDS);
                assertThat(goAway.debugData()).isEqualTo("{\"reason\":\"Shutdown\"}");
            }
        }
        assertThat(schedule.toString()).isEqualTo("Http2FaultSchedule[refuse #2; GOAWAY after #3]");
    }
}
