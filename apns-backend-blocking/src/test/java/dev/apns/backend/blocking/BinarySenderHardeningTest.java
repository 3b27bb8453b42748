package dev.apns.backend.blocking;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.Endpoint;
import dev.apns.DeviceToken;
import dev.apns.InvalidNotificationException;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Protocol;
import dev.apns.Result;
import dev.apns.SenderOptions;
import dev.apns.Trust;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary protocol's senders never die of one bad thing and never overrun their deadline: a notification
 * the binary frame cannot carry is refused on its own, a stalled handshake does not hold {@code shutdown}, no
 * sender thread outlives the session, expired credentials are refused before connecting, and a server's refusal
 * of the certificate says so. Against apns-mock's mock gateway over real TLS on 127.0.0.1.
 */
@Timeout(30)
class BinarySenderHardeningTest {
    @RegisterExtension
    static final MockApnsExtension APNS = new MockApnsExtension();

    private static final IssuedCertificate CLIENT = APNS.certificates().client("com.example.hardening");
    /** More than the binary frame's 16-bit length field carries. */
    private static final Payload TOO_LONG = Payload.builder().alert("x".repeat(70_000)).build();
    private static final Payload SHORT = Payload.builder().alert("hello").build();

    private final MockApnsServer server = APNS.server();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        server.stallHandshakes(false);
    }

    private ApnsSession session(Duration connectTimeout) {
        BlockingBackend backend = new BlockingBackend(); // the session does not own it, so does not close it
        opened.add(backend);
        ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .backend(backend)
                .credentials(CLIENT.credentials())
                .gateway(server.gateway())
                .trust(Trust.fromPem(server.authorityPem()))
                .connectTimeout(connectTimeout)
                .maxAttemptsWithoutProgress(2)
                .build();
        opened.add(session);
        return session;
    }

    private static Notification notification(int i, Payload payload) {
        return Notification.of(DeviceToken.fromHex(String.format("%064x", i)), payload);
    }

    private static List<DeviceToken> tokens(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> DeviceToken.fromHex(String.format("%064x", i))).toList();
    }

    @Test
    void aPayloadTheBinaryFrameCannotCarryIsRefusedAtSubmitAndTheSenderGoesOn() throws Exception {
        ApnsSender sender = session(Duration.ofSeconds(5)).sender(SenderOptions.defaults());
        CompletableFuture<Outcome> before = sender.submit(notification(1, SHORT)).toCompletableFuture();

        assertThatThrownBy(() -> sender.submit(notification(2, TOO_LONG)))
                .isInstanceOf(InvalidNotificationException.class)
                .hasMessageContaining("payload is " + TOO_LONG.size() + " bytes")
                .hasMessageContaining("65535");
        assertThatThrownBy(() -> sender.offer(notification(3, TOO_LONG))).isInstanceOf(InvalidNotificationException.class);
        List<CompletableFuture<Outcome>> after = new ArrayList<>();
        for (int i = 4; i < 14; i++) {
            after.add(sender.submit(notification(i, SHORT)).toCompletableFuture());
        }

        assertThat(before.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
        for (CompletableFuture<Outcome> outcome : after) {
            assertThat(outcome.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
        }
        assertThat(server.awaitAccepted(11, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aMessageTheBinaryFrameCannotCarryIsRefusedBySendWithoutBorrowingAConnection() {
        ApnsSession session = session(Duration.ofSeconds(5));
        Message tooLong = Message.builder().tokens(tokens(3)).payload(TOO_LONG).build();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> session.send(tooLong)).isInstanceOf(InvalidNotificationException.class)
                    .hasMessageContaining("65535");
        }
        assertThat(session.openConnections()).isZero();
        assertThat(server.connectionsAccepted()).isZero();

        Result result = session.send(Message.builder().tokens(tokens(5)).payload(SHORT).build());
        assertThat(result.accepted()).hasSize(5);
        assertThat(server.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void shutdownKeepsItsDeadlineWhileAHandshakeIsStalledAndNoSenderThreadOutlivesTheSession() throws Exception {
        server.stallHandshakes(true);
        ApnsSession session = session(Duration.ofSeconds(20));
        ApnsSender sender = session.sender(SenderOptions.defaults());
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            outcomes.add(sender.submit(notification(i, SHORT)).toCompletableFuture());
        }
        Thread.sleep(300); // the worker is now in the stalled handshake (the server counts only finished ones)

        long began = System.nanoTime();
        List<Notification> unsent = sender.shutdown(Duration.ofMillis(100));
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        // The connect timeout is 20 s: a shutdown that waited for the stalled handshake would take that long.
        assertThat(took).as("shutdown(100 ms) with a stalled handshake").isLessThan(Duration.ofSeconds(5));
        assertThat(unsent).hasSize(5);
        for (CompletableFuture<Outcome> outcome : outcomes) {
            assertThat(outcome.get(1, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.UNSENT);
        }

        session.close();
        assertThat(senderThreads()).as("sender threads alive after session.close()").isEmpty();
    }

    @Test
    void expiredCredentialsGivenPerSendOrPerSenderAreRefusedBeforeConnecting() {
        ApnsSession session = session(Duration.ofSeconds(5));
        IssuedCertificate expired = APNS.certificates().expiredClient("com.example.expired");

        assertThatThrownBy(() -> session.sender(expired.credentials(), SenderOptions.defaults()))
                .isInstanceOf(CredentialsException.class)
                .satisfies(e -> assertThat(((CredentialsException) e).problem()).isEqualTo(CredentialsException.Problem.EXPIRED));
        assertThatThrownBy(() -> session.send(expired.credentials(), Message.builder().tokens(tokens(2)).payload(SHORT).build()))
                .isInstanceOf(CredentialsException.class);
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    void aCertificateTheServerRefusesIsHandedBackWithAMessageThatSaysSoNotThatItIsResent() throws Exception {
        IssuedCertificate stranger = TestCertificates.create().client("com.example.stranger", KeyType.EC);
        ApnsSession session = session(Duration.ofSeconds(5));
        ApnsSender sender = session.sender(stranger.credentials(), SenderOptions.defaults());
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            outcomes.add(sender.submit(notification(i, SHORT)).toCompletableFuture());
        }

        for (CompletableFuture<Outcome> future : outcomes) {
            Outcome outcome = future.get(10, TimeUnit.SECONDS);
            assertThat(outcome.kind()).isEqualTo(Outcome.Kind.UNSENT);
            String why = String.valueOf(outcome.cause().map(Throwable::getMessage).orElse(null));
            assertThat(why).as("the cause of %s", outcome).doesNotContain("at-least-once").doesNotContain("are resent")
                    .containsIgnoringCase("refused");
        }
        assertThat(server.acceptedCount()).isZero();
    }

    @Test
    void aBackendDefectOnOneConnectionEndsOnlyWhatItCarriedAndTheSenderGoesOn() throws Exception {
        BlockingBackend inner = new BlockingBackend();
        opened.add(inner);
        AtomicInteger connects = new AtomicInteger();
        Backend firstConnectionBroken = new Backend() {
            @Override
            public String name() {
                return "broken-once";
            }

            @Override
            public Availability availability() {
                return Availability.available();
            }

            @Override
            public Certificate certificate(Credentials credentials) {
                return inner.certificate(credentials);
            }

            @Override
            public Connection connect(ConnectRequest request, Connection.Listener listener) throws IOException {
                Connection real = inner.connect(request, listener);
                if (connects.incrementAndGet() > 1) {
                    return real;
                }
                return new Connection() {
                    @Override
                    public void write(ByteBuffer bytes) {
                        throw new IllegalStateException("a bug in the backend's write");
                    }

                    @Override
                    public boolean isOpen() {
                        return real.isOpen();
                    }

                    @Override
                    public CompletionStage<CloseReason> closeFuture() {
                        return real.closeFuture();
                    }

                    @Override
                    public Endpoint endpoint() {
                        return real.endpoint();
                    }

                    @Override
                    public String tlsProtocol() {
                        return real.tlsProtocol();
                    }

                    @Override
                    public void close() {
                        real.close();
                    }
                };
            }

            @Override
            public void close() {
            }
        };
        ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).backend(firstConnectionBroken)
                .credentials(CLIENT.credentials()).gateway(server.gateway()).trust(Trust.fromPem(server.authorityPem()))
                .build();
        opened.add(session);
        ApnsSender sender = session.sender(SenderOptions.builder()
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100)).build());

        CompletableFuture<Outcome> first = sender.submit(notification(1, SHORT)).toCompletableFuture();
        Outcome firstOutcome = first.get(10, TimeUnit.SECONDS);
        List<CompletableFuture<Outcome>> later = new ArrayList<>();
        for (int i = 2; i <= 11; i++) {
            later.add(sender.submit(notification(i, SHORT)).toCompletableFuture());
        }

        assertThat(firstOutcome.kind()).isEqualTo(Outcome.Kind.UNSENT);
        assertThat(firstOutcome.cause()).hasValueSatisfying(cause -> assertThat(cause).hasMessageContaining("a bug"));
        for (CompletableFuture<Outcome> outcome : later) {
            assertThat(outcome.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
        }
    }

    private static List<String> senderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("apns-sender-")).toList();
    }
}
