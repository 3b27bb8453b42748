package dev.apns.testkit.junit;

import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.binary.RawClient;
import dev.apns.mock.binary.TestFrames;
import dev.apns.DeviceToken;
import dev.apns.FeedbackEntry;
import dev.apns.Status;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MockApnsExtensionTest {

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnAStaticField {
        @RegisterExtension
        static final MockApnsExtension apns = new MockApnsExtension();
        static MockApnsServer first;

        @Test
        @Order(1)
        @Timeout(5)
        void startsOneServerForTheClass() {
            first = apns.server();
            first.rejectNotification(1, Status.of(8));
            first.addFeedback(new FeedbackEntry(DeviceToken.fromHex("00ff"), Instant.EPOCH));
            assertThat(first.gateway().port()).isPositive();
            assertThat(first.authorityPem()).isEqualTo(apns.certificates().authorityPem());
        }

        @Test
        @Order(2)
        @Timeout(5)
        void resetsItBeforeEachTest() throws Exception {
            assertThat(apns.server()).isSameAs(first);
            try (RawClient client = RawClient.connect(
                    apns.certificates().client("c").sslContext(apns.certificates().authority().certificate()),
                    apns.server().gateway())) {
                client.write(TestFrames.notifications(1, 1));
                assertThat(apns.server().awaitAccepted(1, Duration.ofSeconds(3))).isTrue();
            }
            assertThat(apns.server().errorResponsesSent()).isEmpty();
        }
    }

    @Nested
    class OnAnInstanceField {
        @RegisterExtension
        final MockApnsExtension apns = new MockApnsExtension(builder -> builder.requireClientCertificate(false));

        @Test
        @Timeout(5)
        void startsAServerForEachTest() {
            assertThat(apns.server().openConnections()).isZero();
        }
    }

    @Test
    void serverIsUnavailableOutsideTheTests() {
        assertThatThrownBy(() -> new MockApnsExtension().server())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
    }
}
