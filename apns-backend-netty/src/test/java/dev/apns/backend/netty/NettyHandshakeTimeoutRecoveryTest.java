package dev.apns.backend.netty;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Protocol;
import dev.apns.Result;
import dev.apns.SenderOptions;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the Netty backend a TLS handshake that times out is transient: the streaming sender and the batch API
 * reconnect and deliver once the server answers again, instead of stopping for good (Netty reports its
 * handshake timer as an {@code SSLHandshakeException}, which the old classification took for a refusal).
 */
@Timeout(40)
class NettyHandshakeTimeoutRecoveryTest {
    @RegisterExtension
    static final MockApnsExtension APNS = new MockApnsExtension();

    private static final IssuedCertificate CLIENT = APNS.certificates().client("com.example.timeouts", KeyType.EC);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(250);

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final MockApnsServer server = APNS.server();

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        server.stallHandshakes(false);
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private ApnsSession session() {
        ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .backend(NettyBackend.NAME)
                .credentials(CLIENT.credentials())
                .gateway(server.gateway())
                .trust(Trust.fromPem(server.authorityPem()))
                .connectTimeout(CONNECT_TIMEOUT)
                .maxAttemptsWithoutProgress(50)
                .build();
        opened.add(session);
        return session;
    }

    private static List<DeviceToken> tokens(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> DeviceToken.fromHex(String.format("%064x", i))).toList();
    }

    @Test
    void theStreamingSenderRecoversAfterHandshakeTimeouts() throws Exception {
        server.stallHandshakes(true);
        ApnsSender sender = session().sender(SenderOptions.builder().reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build());
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (DeviceToken token : tokens(20)) {
            outcomes.add(sender.submit(Notification.of(token, Payload.builder().alert("hi").build())).toCompletableFuture());
        }
        Thread.sleep(4 * CONNECT_TIMEOUT.toMillis()); // several handshakes time out meanwhile

        assertThat(outcomes).as("nothing is settled while the handshakes time out").noneMatch(CompletableFuture::isDone);
        server.stallHandshakes(false);

        for (CompletableFuture<Outcome> outcome : outcomes) {
            assertThat(outcome.get(20, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
        }
        assertThat(server.awaitAccepted(20, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void theBatchApiRetriesAfterHandshakeTimeouts() throws Exception {
        server.stallHandshakes(true);
        ApnsSession session = session();
        Thread unstall = new Thread(() -> {
            try {
                Thread.sleep(4 * CONNECT_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.stallHandshakes(false);
        });
        unstall.start();

        Result result = session.send(Message.builder().tokens(tokens(10)).alert("hi").build());
        unstall.join(10_000);

        assertThat(result.accepted()).hasSize(10);
        assertThat(result.errors()).as("the timeouts met on the way").isNotEmpty()
                .allSatisfy(error -> assertThat(error.description()).contains("did not finish within"));
    }
}
