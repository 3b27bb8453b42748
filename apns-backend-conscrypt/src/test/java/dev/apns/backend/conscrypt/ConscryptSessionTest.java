package dev.apns.backend.conscrypt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An {@link ApnsSession} that chooses the Conscrypt backend by name ({@code .backend("conscrypt")}), against
 * apns-mock's mock APNs server over real TLS on 127.0.0.1. The protocol itself on this backend is the conformance
 * suite's ([e2e-*] and [sender-*], with the backend given as an instance).
 */
@Timeout(20)
class ConscryptSessionTest {
    @RegisterExtension
    static final MockApnsExtension APNS = new MockApnsExtension();

    private static final IssuedCertificate CLIENT = APNS.certificates().client("com.example.app");

    private final List<ApnsSession> sessions = new ArrayList<>();
    private final MockApnsServer server = APNS.server();

    @AfterEach
    void closeSessions() {
        sessions.forEach(ApnsSession::close);
    }

    private ApnsSession session(MockApnsServer gateway) {
        ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .backend(ConscryptBackend.NAME)
                .credentials(CLIENT.credentials())
                .gateway(gateway.gateway())
                .trust(Trust.fromPem(server.authorityPem()))
                .maxAttemptsWithoutProgress(1)
                .build();
        sessions.add(session);
        return session;
    }

    private static Message message(int count) {
        List<DeviceToken> tokens = IntStream.rangeClosed(1, count)
                .mapToObj(i -> DeviceToken.fromHex(String.format("%064x", i))).toList();
        return Message.builder().tokens(tokens).alert("hello from BoringSSL").badge(1).build();
    }

    @Test
    void theSessionRunsOnTheConscryptBackendWhenNamed() {
        assertThat(session(server).backendName()).isEqualTo("conscrypt");
    }

    @Test
    void anUntrustedServerIsRefusedAndNothingIsDelivered() {
        try (MockApnsServer impostor = MockApnsServer.builder(TestCertificates.create()).start()) {
            Result result = session(impostor).send(message(10));

            assertThat(result.accepted()).isEmpty();
            assertThat(result.retry()).hasValueSatisfying(retry -> assertThat(retry.tokens()).hasSize(10));
            assertThat(result.errors()).isNotEmpty();
            assertThat(impostor.acceptedCount()).isZero();
            assertThat(impostor.clientSubjects()).isEmpty();
        }
    }
}
