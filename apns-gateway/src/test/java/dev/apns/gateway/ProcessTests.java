package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.mock.h2.AcceptedNotification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the tests that run the gateway as processes share: counting at the mock, reading the database, waiting. */
final class ProcessTests {
    private static final Pattern ACCEPTED_METRIC = Pattern.compile(
            "apns_gateway_notifications_total\\{reason=\"none\",result=\"accepted\"} ([0-9.E]+)");

    private ProcessTests() {
    }

    /** What the mock accepted: how often it accepted each apns-id. */
    record Counted(Map<String, Integer> times, long total) {
        Set<String> duplicated() {
            Set<String> ids = new HashSet<>();
            times.forEach((id, n) -> {
                if (n > 1) {
                    ids.add(id);
                }
            });
            return ids;
        }

        /** Accepted more than once: the total less the distinct ids. */
        long duplicates() {
            return total - times.size();
        }
    }

    static Counted count(MockApns apns) {
        Map<String, Integer> times = new HashMap<>();
        long total = 0;
        for (AcceptedNotification n : apns.server.accepted()) {
            times.merge(n.apnsId(), 1, Integer::sum);
            total++;
        }
        return new Counted(times, total);
    }

    /** Waits, at most {@code timeout}, until the mock accepted every one of {@code ids}; what it accepted then. */
    static Counted awaitAll(MockApns apns, Set<String> ids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Counted counted = count(apns);
        while (!counted.times().keySet().containsAll(ids) && System.nanoTime() < deadline) {
            apns.server.awaitAccepted(Math.max(ids.size(), counted.total() + 1), Duration.ofMillis(500));
            counted = count(apns);
        }
        return counted;
    }

    /** The ids in {@code expected} that {@code actual} lacks, at most 10 (AssertJ's containsAll is quadratic). */
    static Set<String> missing(Set<String> expected, Set<String> actual) {
        Set<String> missing = new HashSet<>();
        for (String id : expected) {
            if (!actual.contains(id) && missing.size() < 10) {
                missing.add(id);
            }
        }
        return missing;
    }

    /** Waits, at most {@code timeout}, for {@code condition}; whether it held. */
    static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            GatewayEndToEndTest.sleep(100);
        }
        return true;
    }

    /** A configuration file for the gateway processes: short liveness and a small in-flight bound. */
    static Path config(Path directory, int maxInFlight, int claimBatch) {
        Path file = directory.resolve("gateway-" + maxInFlight + ".json");
        try {
            Files.createDirectories(directory);
            Files.writeString(file, "{\"heartbeat_ms\": 500, \"dead_after_ms\": 2000, \"delivery\": {\"max_in_flight\": "
                    + maxInFlight + ", \"claim_batch\": " + claimBatch + "}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** How many notifications a gateway process reports accepted by APNs (its Prometheus metrics). */
    static long acceptedMetric(GatewayProcess gateway) {
        String metrics = gateway.client().get("/metrics").raw().body();
        Matcher matcher = ACCEPTED_METRIC.matcher(metrics);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }

    /** The gateway's database as the tests read it after the run. */
    static Connection open(String jdbcUrl) {
        try {
            return DriverManager.getConnection(jdbcUrl);
        } catch (SQLException e) {
            throw new IllegalStateException("could not open " + jdbcUrl, e);
        }
    }

    /** Notification counts by state. */
    static Map<String, Long> states(String jdbcUrl) {
        Map<String, Long> states = new HashMap<>();
        try (Connection connection = open(jdbcUrl); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT state, COUNT(*) FROM notifications GROUP BY state")) {
            while (rows.next()) {
                states.put(rows.getString(1), rows.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return states;
    }

    /** The ids of the notifications marked possibly sent (they were in flight when their instance died). */
    static Set<String> possiblySent(String jdbcUrl) {
        Set<String> ids = new HashSet<>();
        try (Connection connection = open(jdbcUrl); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT apns_id FROM notifications WHERE possibly_sent")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }
}
