package dev.apns.docs;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples of docs/testkit.md that stand alone. */
@Timeout(20)
class TestkitSamplesTest {

    @Test
    void aMockServerStartedInCodeAcceptsASessionsNotification() {
        String hex = "11".repeat(32);
        Result sent;

        // tag::testkit-start[]
        TestCertificates certificates = TestCertificates.create();         // a CA and a server certificate for 127.0.0.1
        IssuedCertificate client = certificates.client("com.example.app");  // a client certificate from that CA

        try (MockApnsServer server = MockApnsServer.builder(certificates).start();
             ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                     .credentials(client.credentials())
                     .gateway(server.gateway())
                     .feedback(server.feedback())
                     .trust(Trust.fromPem(server.authorityPem()))
                     .build()) {
            Result result = session.send(Message.builder().alert("hi").token(hex).build());
            assertThat(server.awaitAccepted(1, Duration.ofSeconds(1))).isTrue();
            // end::testkit-start[]
            sent = result;
            // tag::testkit-start[]
        }
        // end::testkit-start[]

        assertThat(sent.isSuccess()).isTrue();
    }
}
