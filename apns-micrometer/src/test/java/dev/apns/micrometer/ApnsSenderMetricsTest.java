package dev.apns.micrometer;

import dev.apns.Protocol;
import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderOptions;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.backend.blocking.BlockingBackend;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.testkit.junit.MockApnsExtension;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters report what the sender counted, sending through real TLS to the mock server. */
class ApnsSenderMetricsTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate CLIENT = apns.certificates().client("com.example.meters", KeyType.EC);

    @Test
    @Timeout(20)
    void metersFollowTheSendersCounters() throws Exception {
        List<DeviceToken> tokens = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            tokens.add(DeviceToken.fromHex(String.format("%064x", i)));
        }
        apns.server().rejectToken(tokens.get(99), Status.of(8));
        apns.server().rejectToken(tokens.get(299), Status.of(5));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Payload payload = Payload.builder().alert("metered").build();

        try (BlockingBackend backend = new BlockingBackend();
             ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).backend(backend).credentials(CLIENT.credentials())
                     .gateway(apns.server().gateway()).trust(Trust.fromPem(apns.server().authorityPem())).build();
             ApnsSender sender = session.sender(CLIENT.credentials(), SenderOptions.defaults())) {
            new ApnsSenderMetrics(sender, Tags.of("app", "com.example.meters")).bindTo(registry);
            assertThat(registry.get("apns.sender.submitted").tag("app", "com.example.meters").functionCounter().count())
                    .isZero();

            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (DeviceToken token : tokens) {
                futures.add(sender.submit(Notification.of(token, payload)).toCompletableFuture());
            }
            for (CompletableFuture<Outcome> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }

            assertThat(count(registry, "apns.sender.submitted")).isEqualTo(500);
            assertThat(count(registry, "apns.sender.accepted")).isEqualTo(498);
            assertThat(count(registry, "apns.sender.unsent")).isZero();
            assertThat(registry.get("apns.sender.rejected").tag("reason", "invalid_token").functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get("apns.sender.rejected").tag("reason", "invalid_token_size").functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get("apns.sender.rejected").tag("reason", "processing_error").functionCounter().count())
                    .isZero();
            assertThat(count(registry, "apns.sender.resent")).isEqualTo(sender.metrics().resent()).isPositive();
            assertThat(count(registry, "apns.sender.written")).isEqualTo(sender.metrics().written());
            assertThat(count(registry, "apns.sender.reconnects")).isEqualTo(sender.metrics().reconnects());
            assertThat(registry.get("apns.sender.pending").gauge().value()).isZero();
            assertThat(registry.get("apns.sender.in.flight").gauge().value()).isZero();
            assertThat(registry.get("apns.sender.connections.open").gauge().value())
                    .isEqualTo(sender.metrics().connectionsOpen());
        }
    }

    @Test
    void undocumentedCodesAndReasonsCountAsUnknown() {
        var metrics = new dev.apns.SenderMetrics(6, 6, 0, java.util.Map.of("8", 1L, "42", 1L, "77", 1L,
                "Unregistered", 2L, "SomethingNew", 1L, "BadDeviceToken", 1L), 0, 0, 0, 0, 0, 0, 0, 0, -1);
        assertThat(ApnsSenderMetrics.rejected(metrics, "unknown")).isEqualTo(3);
        assertThat(ApnsSenderMetrics.rejected(metrics, "invalid_token")).isEqualTo(1);
        assertThat(ApnsSenderMetrics.rejected(metrics, "unregistered")).isEqualTo(2);
        assertThat(ApnsSenderMetrics.rejected(metrics, "bad_device_token")).isEqualTo(1);
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.get(name).functionCounter().count();
    }
}
