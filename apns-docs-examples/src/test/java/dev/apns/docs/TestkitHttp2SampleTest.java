package dev.apns.docs;

import dev.apns.ApnsSession;
import dev.apns.Message;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.AcceptedNotification;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP/2 mock's first sample in docs/testkit.md, with the SDK as the client under test. */
class TestkitHttp2SampleTest {

    @Test
    void startingTheMockAndRegisteringAKey() {
        // tag::testkit-h2-start[]
        TestCertificates certificates = TestCertificates.create();
        TestSigningKey key = TestSigningKey.generate();                    // an EC P-256 key with a team id and key id

        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).start()) {
            server.registerKey(key.teamId(), key.keyId(), key.publicKey(), Set.of("com.example.app"));
            // the client under test: server.address() (127.0.0.1:PORT), trusting server.authorityPem(),
            // signing with key.privateKeyPkcs8Pem() (the .p8 text), key.keyId() and key.teamId()
            // end::testkit-h2-start[]
            try (ApnsSession session = ApnsSession.builder()
                    .signingKey(SigningKey.fromP8(key.privateKeyPkcs8Pem(), key.keyId(), key.teamId()))
                    .gateway(server.address()).trust(Trust.fromPem(server.authorityPem())).build()) {
                session.send(Message.builder().alert("hi").topic("com.example.app").token("ab".repeat(32)).build());
            }
            // tag::testkit-h2-start[]
            assertThat(server.awaitAccepted(1, Duration.ofSeconds(1))).isTrue();
            AcceptedNotification first = server.accepted().get(0);   // token, topic, push type, priority, payload, ...
            // end::testkit-h2-start[]
            assertThat(first.token()).isEqualTo("ab".repeat(32));
            assertThat(first.topic()).isEqualTo("com.example.app");
            // tag::testkit-h2-start[]
        }
        // end::testkit-h2-start[]
    }
}
