package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apns.gateway.app.AppSpec;
import dev.apns.gateway.store.AppRecord;
import dev.apns.gateway.store.Database;
import dev.apns.gateway.store.JdbcStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An instance's heartbeat goes on while its other housekeeping is slow: when another instance re-provisions an app,
 * this one replaces its sender and waits (up to the shutdown deadline) for the old sender's notifications in flight.
 * Were the heartbeat to wait too, the other instances would count this one dead and send its notifications again.
 */
class HeartbeatTest {
    @Test
    void theHeartbeatGoesOnWhileASenderReplacedByAnotherInstancesProvisioningDrains() throws SQLException {
        String url = Postgres.newDatabase();
        try (MockApns apns = new MockApns();
             Gateway gateway = startWithTwentyUnanswered(url, apns);
             Database other = Database.connect(url, null, null);
             Connection reader = DriverManager.getConnection(url)) {

            // Another instance re-provisions the app (a new version in the shared database).
            JdbcStore store = new JdbcStore(other);
            AppRecord current = store.app(new AppKey(MockApns.TOPIC, "sandbox")).orElseThrow();
            AppSpec spec = AppSpec.fromStored(current.spec());
            store.saveApp(current.key(), current.spec(), spec.fingerprint(), spec.expiresAt(), System.currentTimeMillis());

            long worst = 0;
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                worst = Math.max(worst, heartbeatAge(reader));
                GatewayEndToEndTest.sleep(50);
            }
            apns.server.resumeAnswering();
            assertThat(worst).as("the oldest heartbeat seen while the replaced sender drained (ms)")
                    .isLessThan(1_000);
        }
    }

    @Test
    void theHeartbeatGoesOnWhileAGracefulStopDrainsWhatIsInFlight() throws Exception {
        String url = Postgres.newDatabase();
        try (MockApns apns = new MockApns(); Connection reader = DriverManager.getConnection(url)) {
            Gateway gateway = startWithTwentyUnanswered(url, apns);

            Thread stopping = new Thread(gateway::close, "stopping");
            stopping.start();
            long worst = 0;
            while (stopping.isAlive() && worst < Long.MAX_VALUE) {
                long age = heartbeatAge(reader);
                if (age != Long.MAX_VALUE) {
                    worst = Math.max(worst, age);
                } else if (inFlight(reader) == 0) {
                    break; // released and unregistered: the stop is through
                }
                GatewayEndToEndTest.sleep(50);
            }
            stopping.join(30_000);
            assertThat(stopping.isAlive()).isFalse();
            apns.server.resumeAnswering();
            assertThat(worst).as("the oldest heartbeat seen while the stop drained (ms)").isLessThan(1_000);
            assertThat(inFlight(reader)).as("given back to the queue").isZero();
        }
    }

    /**
     * A gateway on {@code url} with a heartbeat every 200 ms (dead after 1 s) and a 3 s shutdown deadline, its app
     * provisioned, and 20 notifications claimed and sent to the mock, which does not answer them.
     */
    private static Gateway startWithTwentyUnanswered(String url, MockApns apns) {
        Gateway gateway = Gateway.start(GatewayConfig.builder().port(0).database(url, null, null)
                .instanceId("beating").liveness(Duration.ofMillis(200), Duration.ofMillis(1_000))
                .shutdownDeadline(Duration.ofSeconds(3)).build());
        RestClient client = new RestClient(gateway.port(), null);
        assertThat(client.post(GatewayEndToEndTest.APP, apns.tokenApp()).status()).isEqualTo(201);
        apns.server.stopAnswering();
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 20; i++) {
            batch.add(GatewayEndToEndTest.notification(GatewayEndToEndTest.token(i)));
        }
        assertThat(client.post(GatewayEndToEndTest.APP + "/notifications", batch).status()).isEqualTo(202);
        try (Connection reader = DriverManager.getConnection(url)) {
            assertThat(ProcessTests.await(() -> inFlight(reader) == 20, Duration.ofSeconds(10)))
                    .as("all 20 claimed and unanswered").isTrue();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return gateway;
    }

    private static long heartbeatAge(Connection reader) {
        try (PreparedStatement statement = reader.prepareStatement(
                "SELECT heartbeat_at FROM instances WHERE id = 'beating'");
             ResultSet rows = statement.executeQuery()) {
            return rows.next() ? System.currentTimeMillis() - rows.getLong(1) : Long.MAX_VALUE;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long inFlight(Connection reader) {
        try (PreparedStatement statement = reader.prepareStatement(
                "SELECT COUNT(*) FROM notifications WHERE state = 'sending'");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
