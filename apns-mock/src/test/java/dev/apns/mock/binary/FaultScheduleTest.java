package dev.apns.mock.binary;

import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.Status;
import dev.apns.protocol.binary.ErrorResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultScheduleTest {
    private static final Duration WAIT = Duration.ofSeconds(3);

    @Test
    void theSameSeedGivesTheSameFaults() {
        for (long seed = -50; seed < 50; seed++) {
            assertThat(FaultSchedule.random(seed, 2_000).faults()).isEqualTo(FaultSchedule.random(seed, 2_000).faults());
        }
    }

    @Test
    void differentSeedsGiveDifferentSchedules() {
        Set<List<FaultSchedule.Fault>> distinct = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            distinct.add(FaultSchedule.random(seed, 2_000).faults());
        }
        assertThat(distinct).hasSizeGreaterThan(40);
    }

    @Test
    void randomFaultsStayWithinTheRunUseTokenStatusesAndNeverShareANotification() {
        for (long seed = 0; seed < 500; seed++) {
            FaultSchedule schedule = FaultSchedule.random(seed, 300);
            List<Long> numbers = new ArrayList<>();
            for (FaultSchedule.Fault fault : schedule.faults()) {
                if (fault instanceof FaultSchedule.Rejection rejection) {
                    numbers.add(rejection.notification());
                    assertThat(rejection.status().category()).isEqualTo(Status.Category.TOKEN);
                } else if (fault instanceof FaultSchedule.SilentClose close) {
                    numbers.add(close.notification());
                } else if (fault instanceof FaultSchedule.Shutdown shutdown) {
                    numbers.add(shutdown.notification());
                } else if (fault instanceof FaultSchedule.ReadingPause pause) {
                    numbers.add(pause.notification());
                    assertThat(pause.pause()).isBetween(Duration.ofMillis(10), Duration.ofMillis(80));
                }
            }
            assertThat(numbers).as("seed %d", seed).doesNotHaveDuplicates().allSatisfy(k -> assertThat(k).isBetween(1L, 300L));
            assertThat(numbers).as("faults tied to a notification come in order").isSorted();
        }
    }

    @Test
    void toStringNamesTheSeedAndHowToReplayIt() {
        FaultSchedule schedule = FaultSchedule.random(42, 2_000);

        assertThat(schedule.seed()).hasValue(42);
        assertThat(schedule.toString()).startsWith("FaultSchedule[seed=42 (replay: FaultSchedule.random(42L, 2000)): ");
        assertThat(FaultSchedule.of(new FaultSchedule.SilentClose(7)).toString())
                .isEqualTo("FaultSchedule[close silently after #7]");
    }

    @Test
    void invalidFaultsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new FaultSchedule.Shutdown(0)).hasMessage("Notifications are numbered from 1; was 0.");
        assertThatThrownBy(() -> FaultSchedule.random(1, 0))
                .hasMessage("A fault schedule needs a run of at least 1 notification; was 0.");
    }

    @Test
    @Timeout(5)
    void applyingAScheduleScriptsTheServer() throws IOException {
        TestCertificates certificates = TestCertificates.create();
        try (MockApnsServer server = MockApnsServer.builder(certificates).start()) {
            applyAScheduleTo(server, certificates.client("c", KeyType.EC).sslContext(certificates.authority().certificate()));
        }
    }

    private static void applyAScheduleTo(MockApnsServer server, SSLContext context) throws IOException {
        FaultSchedule.of(new FaultSchedule.Rejection(2, Status.of(8)), new FaultSchedule.Shutdown(3)).applyTo(server);

        try (RawClient client = RawClient.connect(context, server.gateway())) {
            client.write(TestFrames.notifications(1, 3));
            assertThat(client.readResponse()).isEqualTo(MockApnsServerTest.errorResponse(8, 2));
        }
        try (RawClient client = RawClient.connect(context, server.gateway())) {
            client.write(TestFrames.notifications(3, 2));
            assertThat(client.readResponse()).isEqualTo(MockApnsServerTest.errorResponse(10, 3));
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.errorResponsesSent()).containsExactly(new ErrorResponse(Status.of(8), 2),
                new ErrorResponse(Status.of(10), 3));
    }
}
