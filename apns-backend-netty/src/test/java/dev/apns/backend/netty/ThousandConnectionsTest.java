package dev.apns.backend.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The point of the Netty backend: a service pushing for many apps holds one connection per app certificate
 * on a few event-loop threads. 1,000 concurrent connections, each with its own client certificate, from one
 * backend whose event-loop group has twice as many threads as cores; all send, all close cleanly. About 20 s
 * on two cores (the mock server's JSSE handshakes are most of it); {@code -DexcludedGroups=scale} leaves it
 * out, {@code -Dapns.scale.connections=N} changes the count. Prints the figures kept in
 * {@code docs/performance.md}.
 */
@Tag("scale")
class ThousandConnectionsTest {
    private static final int CONNECTIONS = Integer.getInteger("apns.scale.connections", 1_000);

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aThousandAppsEachWithItsOwnCertificateShareAFewEventLoopThreadsAndCloseCleanly() throws Exception {
        int eventLoopLimit = 2 * Runtime.getRuntime().availableProcessors();

        ThousandConnections.Report report = ThousandConnections.run(CONNECTIONS, Duration.ZERO, false);
        System.out.println(report.describe());

        assertThat(report.results()).hasSize(CONNECTIONS)
                .allSatisfy(result -> assertThat(result.isSuccess()).isTrue());
        assertThat(report.accepted()).isEqualTo((long) CONNECTIONS * ThousandConnections.NOTIFICATIONS_PER_APP);
        assertThat(report.serverOpenWhileOpen()).isEqualTo(CONNECTIONS);
        assertThat(report.sessionOpenWhileOpen()).isEqualTo(CONNECTIONS);
        assertThat(report.distinctClientSubjects()).isEqualTo(CONNECTIONS);
        assertThat(report.eventLoopThreads()).isLessThanOrEqualTo(eventLoopLimit).isPositive();
        assertThat(report.serverOpenAfterClose()).isZero();
        assertThat(report.threadsLeftAfterClose()).isEmpty();
    }
}
