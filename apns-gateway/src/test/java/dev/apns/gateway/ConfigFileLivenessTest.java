package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file's liveness and delivery settings (what the crash and multi-instance tests run with). */
class ConfigFileLivenessTest {
    @TempDir
    Path directory;

    private GatewayConfig read(String json) throws IOException {
        Path file = directory.resolve("gateway.json");
        Files.writeString(file, json);
        return ConfigFile.read(file, GatewayConfig.builder()).build();
    }

    @Test
    void setsLivenessAndDeliveryAndKeepsTheDefaultsOfWhatIsNotGiven() throws IOException {
        GatewayConfig config = read("{\"heartbeat_ms\": 500, \"dead_after_ms\": 2000,"
                + " \"delivery\": {\"max_in_flight\": 4000, \"claim_batch\": 500}}");
        assertThat(config.heartbeat()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.deadAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.delivery().maxInFlight()).isEqualTo(4_000);
        assertThat(config.delivery().claimBatch()).isEqualTo(500);
        assertThat(config.delivery().maxAttempts()).isEqualTo(12);

        GatewayConfig heartbeatOnly = read("{\"heartbeat_ms\": 1000}");
        assertThat(heartbeatOnly.deadAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void refusesBadValuesNamingTheKey() {
        assertThatThrownBy(() -> read("{\"heartbeat_ms\": 1000, \"dead_after_ms\": 1500}"))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("dead_after_ms");
        assertThatThrownBy(() -> read("{\"delivery\": {\"max_in_flight\": 0}}"))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("delivery.max_in_flight");
        assertThatThrownBy(() -> read("{\"delivery\": {\"batch\": 10}}"))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("delivery.batch");
    }
}
