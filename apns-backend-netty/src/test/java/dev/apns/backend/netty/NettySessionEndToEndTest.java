package dev.apns.backend.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.MockApnsServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An {@link ApnsSession} that chooses the Netty backend by name ({@code .backend("netty")}) and so owns it,
 * against apns-mock's mock APNs server. The protocol itself on this backend is the conformance suite's
 * ([e2e-*] and [sender-*], with the backend given as an instance).
 */
@Timeout(20)
class NettySessionEndToEndTest {
    @RegisterExtension
    static final MockApnsExtension APNS = new MockApnsExtension();

    private static final IssuedCertificate CLIENT = APNS.certificates().client("com.example.app", KeyType.EC);

    private final List<ApnsSession> sessions = new ArrayList<>();
    private final MockApnsServer server = APNS.server();

    @AfterEach
    void closeSessions() {
        sessions.forEach(ApnsSession::close);
    }

    private ApnsSession session() {
        ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .backend(NettyBackend.NAME)
                .credentials(CLIENT.credentials())
                .gateway(server.gateway())
                .trust(Trust.fromPem(server.authorityPem()))
                // A quiet period keeps the connection open after a send (a sentinel makes the server close it).
                .confirmation(Confirmation.quietPeriod(Duration.ofMillis(400)))
                .build();
        sessions.add(session);
        return session;
    }

    private static Message message(int count) {
        List<DeviceToken> tokens = IntStream.rangeClosed(1, count)
                .mapToObj(i -> DeviceToken.fromHex(String.format("%064x", i))).toList();
        return Message.builder().tokens(tokens).alert("hello").build();
    }

    @Test
    void theSessionRunsOnTheNettyBackendWhenNamed() {
        ApnsSession session = session();

        Result result = session.send(message(10));

        assertThat(session.backendName()).isEqualTo("netty");
        assertThat(result.isSuccess()).isTrue();
        assertThat(server.acceptedCount()).isEqualTo(10);
    }

    @Test
    void closingTheSessionClosesTheNettyBackendItChoseAndItsConnections() throws InterruptedException {
        ApnsSession session = session();
        session.send(message(5));
        assertThat(server.openConnections()).isEqualTo(1);

        session.close();

        assertThat(server.awaitUntil(s -> s.openConnections() == 0, Duration.ofSeconds(5))).isTrue();
        assertThat(NettyBackendTest.nettyThreadsStillAliveAfter(Duration.ofSeconds(3))).isEmpty();
    }
}
