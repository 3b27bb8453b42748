package dev.apns.backend.conscrypt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.KeyType;
import dev.apns.testkit.MockApnsExtension;
import dev.apns.testkit.MockApnsServer;
import dev.apns.testkit.ReceivedNotification;
import dev.apns.testkit.TestCertificates;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The public API end to end on the Conscrypt backend: an {@link ApnsSession} chosen with
 * {@code .backend("conscrypt")} against the testkit's mock APNs server over real TLS on 127.0.0.1.
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

    private ApnsSession session(Credentials credentials) {
        ApnsSession session = ApnsSession.builder()
                .backend(ConscryptBackend.NAME)
                .credentials(credentials)
                .gateway(server.gateway())
                .feedback(server.feedback())
                .trust(Trust.fromPem(server.authorityPem()))
                // The sentinel confirms by the server's answer, not by a quiet period, so a loaded machine cannot
                // make a send end before the rejection arrives.
                .confirmation(Confirmation.sentinel(Duration.ofSeconds(10)))
                .build();
        sessions.add(session);
        return session;
    }

    private static List<DeviceToken> tokens(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> DeviceToken.fromHex(String.format("%064x", i))).toList();
    }

    private static Message message(List<DeviceToken> tokens) {
        return Message.builder().tokens(tokens).alert("hello from BoringSSL").badge(1).build();
    }

    @Test
    void theSessionRunsOnTheConscryptBackend() {
        assertThat(session(CLIENT.credentials()).backendName()).isEqualTo("conscrypt");
    }

    @Test
    void aRejectionOfTheFiveHundredthOfAThousandLeavesNineHundredNinetyNineAcceptedOnceEach() {
        List<DeviceToken> tokens = tokens(1_000);
        DeviceToken bad = tokens.get(499);
        server.rejectToken(bad, Status.of(8));

        Result result = session(CLIENT.credentials()).send(message(tokens));

        assertThat(result.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.token()).isEqualTo(bad);
            assertThat(rejection.status().reason()).isEqualTo(Status.Reason.INVALID_TOKEN);
        });
        assertThat(result.accepted()).hasSize(999).doesNotContain(bad);
        assertThat(result.needsRetry()).isFalse();
        List<DeviceToken> received = server.accepted().stream().map(ReceivedNotification::token).toList();
        assertThat(received).hasSize(999).doesNotHaveDuplicates();
        assertThat(new HashSet<>(received)).isEqualTo(new HashSet<>(tokens.stream().filter(t -> !t.equals(bad)).toList()));
        assertThat(server.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void keysGivenAsPemTextOrPkcs12BytesBothWork() {
        char[] password = "secret".toCharArray();
        IssuedCertificate ec = APNS.certificates().client("com.example.ec", KeyType.EC);
        Credentials rsaFromPem = Credentials.fromPem(CLIENT.chainPem() + CLIENT.privateKeyPkcs8Pem());
        Credentials ecFromPkcs12 = Credentials.fromPkcs12(ec.pkcs12(password), password);
        ApnsSession session = session(rsaFromPem);

        assertThat(session.send(message(tokens(5))).isSuccess()).isTrue();
        assertThat(session.send(ecFromPkcs12, message(tokens(5))).isSuccess()).isTrue();

        assertThat(server.acceptedCount()).isEqualTo(10);
        assertThat(server.clientSubjects()).hasSize(2)
                .anySatisfy(subject -> assertThat(subject).contains("com.example.app"))
                .anySatisfy(subject -> assertThat(subject).contains("com.example.ec"));
    }

    @Test
    void feedbackIsReadOverConscrypt() {
        List<DeviceToken> tokens = tokens(3);
        server.addFeedback(new FeedbackEntry(tokens.get(0), Instant.ofEpochSecond(1_700_000_000L)),
                new FeedbackEntry(tokens.get(1), Instant.ofEpochSecond(0xF0000000L)),
                new FeedbackEntry(tokens.get(2), Instant.ofEpochSecond(5)));

        try (Feedback feedback = session(CLIENT.credentials()).feedback()) {
            List<FeedbackEntry> entries = feedback.readAll();

            assertThat(entries).extracting(FeedbackEntry::token).containsExactlyElementsOf(tokens);
            assertThat(entries.get(1).time()).isEqualTo(Instant.ofEpochSecond(0xF0000000L));
            assertThat(feedback.failure()).isEmpty();
        }
    }

    @Test
    void anUntrustedServerIsRefusedAndNothingIsDelivered() {
        try (MockApnsServer impostor = MockApnsServer.builder(TestCertificates.create()).start()) {
            ApnsSession session = ApnsSession.builder()
                    .backend(ConscryptBackend.NAME)
                    .credentials(CLIENT.credentials())
                    .gateway(impostor.gateway())
                    .trust(Trust.fromPem(server.authorityPem()))
                    .maxAttemptsWithoutProgress(1)
                    .build();
            sessions.add(session);

            Result result = session.send(message(tokens(10)));

            assertThat(result.accepted()).isEmpty();
            assertThat(result.retry()).hasValueSatisfying(retry -> assertThat(retry.tokens()).hasSize(10));
            assertThat(result.errors()).isNotEmpty();
            assertThat(impostor.acceptedCount()).isZero();
            assertThat(impostor.clientSubjects()).isEmpty();
        }
    }
}
