package dev.apns.backend.blocking;

import dev.apns.Protocol;
import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.ReceivedNotification;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race a fast server opens after a sentinel: it answers the sentinel and closes the connection before
 * the client's write of the sentinel has returned, so the write reports a failure although every byte
 * arrived. The sender must still recognise the answer as the sentinel's and accept the window, not resend
 * it (which would deliver every notification of the window twice). The race is made certain by a backend
 * that wraps the blocking one and, after writing a sentinel, waits for the connection to end and then
 * reports the write as failed, as a backend whose reader saw the close first does.
 */
class SentinelWriteRaceTest {
    /** Shorter than any frame with a 32-byte token: only the sentinel (no token, payload "{}") is this short. */
    private static final int SENTINEL_MAX_BYTES = 40;

    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate CLIENT = apns.certificates().client("com.example.race", KeyType.EC);

    @Test
    @Timeout(20)
    void aSentinelWriteThatFailsAfterTheServerAnsweredStillConfirmsTheWindow() throws Exception {
        int count = 2_000;
        AtomicInteger failedSentinelWrites = new AtomicInteger();
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        SenderMetrics metrics;
        try (LateFailingBackend backend = new LateFailingBackend(failedSentinelWrites);
             ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).backend(backend).credentials(CLIENT.credentials())
                     .gateway(apns.server().gateway()).trust(Trust.fromPem(apns.server().authorityPem())).build();
             ApnsSender sender = session.sender(CLIENT.credentials(), SenderOptions.builder().sentinelEvery(500).build())) {
            Payload payload = Payload.builder().alert("race").build();
            for (int i = 1; i <= count; i++) {
                futures.add(sender.submit(Notification.of(DeviceToken.fromHex(String.format("%064x", i)), payload)).toCompletableFuture());
            }
            for (CompletableFuture<Outcome> future : futures) {
                assertThat(future.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.ACCEPTED);
            }
            metrics = sender.metrics();
        }
        assertThat(failedSentinelWrites).as("sentinel writes reported failed").hasPositiveValue();
        List<DeviceToken> received = apns.server().accepted().stream().map(ReceivedNotification::token).toList();
        assertThat(received).doesNotHaveDuplicates().hasSize(count);
        assertThat(metrics.resent()).isZero();
        assertThat(metrics.duplicatesPossible()).isZero();
    }

    /** The blocking backend, except that a sentinel's write reports failure once the server closed. */
    private static final class LateFailingBackend implements Backend {
        private final BlockingBackend delegate = new BlockingBackend();
        private final AtomicInteger failedSentinelWrites;

        LateFailingBackend(AtomicInteger failedSentinelWrites) {
            this.failedSentinelWrites = failedSentinelWrites;
        }

        @Override
        public String name() {
            return "late-failing";
        }

        @Override
        public Availability availability() {
            return delegate.availability();
        }

        @Override
        public Certificate certificate(Credentials credentials) {
            return delegate.certificate(credentials);
        }

        @Override
        public Connection connect(ConnectRequest request, Connection.Listener listener) throws IOException {
            CountDownLatch ended = new CountDownLatch(1);
            Connection connection = delegate.connect(request, new Connection.Listener() {
                @Override
                public void onData(ByteBuffer bytes) {
                    listener.onData(bytes);
                }

                @Override
                public void onClosed(CloseReason reason) {
                    listener.onClosed(reason);
                    ended.countDown();
                }
            });
            return new Connection() {
                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    boolean sentinel = bytes.remaining() <= SENTINEL_MAX_BYTES;
                    connection.write(bytes);
                    if (sentinel) {
                        try {
                            if (!ended.await(5, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("The server did not close after the sentinel.");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        failedSentinelWrites.incrementAndGet();
                        throw new IOException("The connection ended during a write (closed by the peer).");
                    }
                }

                @Override
                public boolean isOpen() {
                    return connection.isOpen();
                }

                @Override
                public java.util.concurrent.CompletionStage<CloseReason> closeFuture() {
                    return connection.closeFuture();
                }

                @Override
                public dev.apns.Endpoint endpoint() {
                    return connection.endpoint();
                }

                @Override
                public String tlsProtocol() {
                    return connection.tlsProtocol();
                }

                @Override
                public void close() {
                    connection.close();
                }
            };
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
