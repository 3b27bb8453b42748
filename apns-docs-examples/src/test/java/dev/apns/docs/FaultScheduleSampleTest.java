package dev.apns.docs;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.mock.binary.FaultSchedule;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.binary.ReceivedNotification;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The FaultSchedule sample of docs/testkit.md: one seeded chaos run against the mock server. */
@Timeout(30)
class FaultScheduleSampleTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    @Test
    void aRandomScheduleLosesNoAcceptedNotificationAndNamesItsSeed() {
        MockApnsServer server = apns.server();
        List<DeviceToken> tokens = new ArrayList<>();
        for (int i = 1; i <= 2_000; i++) {
            tokens.add(DeviceToken.fromHex(String.format("%064x", i)));
        }
        Message message = Message.builder().tokens(tokens).alert("chaos").build();

        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)                 // connects on first use, after the reset
                .credentials(client.credentials())
                .gateway(server.gateway())
                .feedback(server.feedback())
                .trust(Trust.fromPem(server.authorityPem()))
                .confirmation(Confirmation.sentinel(Duration.ofSeconds(5)))
                .build()) {
            // tag::testkit-fault-schedule[]
            long seed = new SplittableRandom().nextLong();
            FaultSchedule schedule = FaultSchedule.random(seed, 2_000);
            server.reset();
            schedule.applyTo(server);
            Result result = session.send(message);                   // with Confirmation.sentinel(...)
            assertThat(lost(result, server.accepted())).as("%s", schedule).isEmpty();
            // FaultSchedule[seed=-604... (replay: FaultSchedule.random(-604...L, 2000)): reject #17 with Invalid token (8); ...]
            // end::testkit-fault-schedule[]
            assertThat(schedule.toString()).as("what the sample's comment shows").startsWith(
                    "FaultSchedule[seed=" + seed + " (replay: FaultSchedule.random(" + seed + "L, 2000)): ");
        }
    }

    @Test
    void aRejectionPrintsItsNumberAndStatus() {
        FaultSchedule schedule = FaultSchedule.of(new FaultSchedule.Rejection(17, dev.apns.Status.of(8)));
        assertThat(schedule.toString()).contains("reject #17 with Invalid token (8)");
    }

    /** The tokens the result reports accepted that the server never received. */
    private static List<DeviceToken> lost(Result result, List<ReceivedNotification> received) {
        Set<DeviceToken> receivedTokens = new HashSet<>();
        received.forEach(notification -> receivedTokens.add(notification.token()));
        return result.accepted().stream().filter(token -> !receivedTokens.contains(token)).toList();
    }
}
