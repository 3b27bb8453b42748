package dev.apns.internal.binary;

import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Trust;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A feedback service that never stops sending is cut off at the documented limit of entries per read
 * ({@link Feedback#MAX_ENTRIES}), so one read holds bounded memory; what came before the limit is kept and
 * {@link Feedback#failure()} says why the stream ended.
 */
class FeedbackLimitTest {
    private static final Endpoint ENDPOINT = Endpoint.of("feedback.test", 2196);
    /** The endless server gives up after this many tuples even if nobody closes it, so the test is bounded. */
    private static final long FEED_BOUND = 2_000_000;

    @Test
    @Timeout(20)
    void anEndlessFeedIsCutOffAtTheLimitAndWhatCameBeforeIsKept() {
        EndlessFeed backend = new EndlessFeed();
        ConnectRequest request = ConnectRequest.withoutCertificate(ENDPOINT, Trust.system(), Duration.ofSeconds(1),
                Duration.ofSeconds(1));

        try (FeedbackReader feedback = FeedbackReader.open(backend, request, Duration.ofSeconds(5), 1_000)) {
            List<FeedbackEntry> entries = feedback.readAll();

            assertThat(entries).hasSize(1_000);
            assertThat(feedback.failure()).hasValueSatisfying(failure -> assertThat(failure.getMessage())
                    .contains("more than 1000 entries").contains("MAX_ENTRIES").contains(ENDPOINT.toString()));
        }
        assertThat(backend.closedByTheReader.get()).as("the reader hung up on the endless server").isTrue();
        assertThat(backend.sent.get()).as("tuples sent before the hang-up").isLessThan(FEED_BOUND);
    }

    @Test
    void theDocumentedLimitIsWhatAReadUses() {
        assertThat(Feedback.MAX_ENTRIES).isEqualTo(100_000);
    }

    /** A backend whose one connection streams feedback tuples until it is closed. */
    private static final class EndlessFeed implements Backend {
        final AtomicBoolean closedByTheReader = new AtomicBoolean();
        final AtomicLong sent = new AtomicLong();

        @Override
        public String name() {
            return "endless";
        }

        @Override
        public Availability availability() {
            return Availability.available();
        }

        @Override
        public Certificate certificate(Credentials credentials) {
            throw new UnsupportedOperationException("not needed");
        }

        @Override
        public Connection connect(ConnectRequest request, Connection.Listener listener) {
            CompletableFuture<CloseReason> closed = new CompletableFuture<>();
            AtomicBoolean open = new AtomicBoolean(true);
            Connection connection = new Connection() {
                @Override
                public void write(ByteBuffer bytes) {
                    bytes.position(bytes.limit());
                }

                @Override
                public boolean isOpen() {
                    return open.get();
                }

                @Override
                public CompletionStage<CloseReason> closeFuture() {
                    return closed;
                }

                @Override
                public Endpoint endpoint() {
                    return request.endpoint();
                }

                @Override
                public String tlsProtocol() {
                    return "TLSv1.3";
                }

                @Override
                public void close() {
                    if (open.compareAndSet(true, false)) {
                        closedByTheReader.set(true);
                    }
                }
            };
            Thread reader = new Thread(() -> {
                ByteBuffer tuple = ByteBuffer.allocate(6 + 32);
                while (open.get() && sent.get() < FEED_BOUND) {
                    tuple.clear();
                    tuple.putInt((int) sent.get()).putShort((short) 32).put(new byte[31]).put((byte) 1).flip();
                    listener.onData(tuple);
                    sent.incrementAndGet();
                }
                listener.onClosed(open.get() ? CloseReason.peer() : CloseReason.local());
                closed.complete(CloseReason.local());
            }, "endless-feed");
            reader.setDaemon(true);
            reader.start();
            return connection;
        }

        @Override
        public void close() {
        }
    }
}
