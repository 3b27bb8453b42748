package dev.apns.spi.support;

import dev.apns.Endpoint;
import dev.apns.spi.CloseReason;
import dev.apns.spi.Connection;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The close-once state machine that backends extend: each event recorded once, the end reported once. */
class AbstractConnectionTest {
    private static final Endpoint ENDPOINT = Endpoint.of("gateway.test", 2195);

    /** A listener that records what it hears, and can throw. */
    private static final class Recording implements Connection.Listener {
        final List<CloseReason> closed = new CopyOnWriteArrayList<>();
        boolean throwOnClose;

        @Override
        public void onData(ByteBuffer bytes) {
        }

        @Override
        public void onClosed(CloseReason reason) {
            closed.add(reason);
            if (throwOnClose) {
                throw new IllegalStateException("listener failed");
            }
        }
    }

    /** The smallest connection: no I/O, the test drives its state. */
    private static final class Bare extends AbstractConnection {
        boolean transportOpen = true;

        Bare(Connection.Listener listener) {
            super(ENDPOINT, listener, Duration.ofMillis(250));
            negotiated("TLSv1.3", "h2");
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            requireOpen(!transportOpen);
        }

        @Override
        public void close() {
            if (markClosedLocally() && markEnded()) {
                reportEnd(timeoutOrLocalClose());
            }
        }

        @Override
        protected boolean transportOpen() {
            return transportOpen;
        }
    }

    @Test
    void closeIsIdempotentAndTheEndIsReportedOnceThenTheFutureCompletes() {
        Recording listener = new Recording();
        Bare connection = new Bare(listener);

        connection.close();
        connection.close();

        assertThat(listener.closed).containsExactly(CloseReason.local());
        assertThat(connection.closeFuture().toCompletableFuture().getNow(null)).isEqualTo(CloseReason.local());
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.markEnded()).isFalse();
    }

    @Test
    void aListenerThatThrowsFromOnClosedStillGetsTheFutureCompleted() {
        Recording listener = new Recording();
        listener.throwOnClose = true;
        Bare connection = new Bare(listener);

        connection.close();

        assertThat(connection.closeFuture().toCompletableFuture()).isCompletedWithValue(CloseReason.local());
    }

    @Test
    void aWriteTimeoutIsMadeOnceAndDecidesBeforeALocalClose() {
        Bare connection = new Bare(new Recording());

        IOException first = connection.writeTimedOut();
        assertThat(connection.writeTimedOut()).isSameAs(first);
        assertThat(first).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("Write to gateway.test:2195 blocked for more than 250 ms; the peer stopped reading. "
                        + "The connection is closed.");
        connection.markClosedLocally();

        CloseReason reason = connection.timeoutOrLocalClose();
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.cause()).containsSame(first);
        assertThatThrownBy(() -> connection.write(ByteBuffer.allocate(1)))
                .hasMessage("The connection to gateway.test:2195 has failed: " + first.getMessage()).hasCause(first);
    }

    @Test
    void onlyTheFirstWriteFailureIsKeptAndTheConnectionIsNoLongerOpen() {
        Bare connection = new Bare(new Recording());
        IOException first = new IOException("first");

        assertThat(connection.recordWriteFailure(first)).isTrue();
        assertThat(connection.recordWriteFailure(new IOException("second"))).isFalse();

        assertThat(connection.writeFailure()).isSameAs(first);
        assertThat(connection.failure()).isSameAs(first);
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.timeoutOrLocalClose()).isNull();
    }

    @Test
    void aClosedTransportRefusesWritesAndIsNotOpen() {
        Bare connection = new Bare(new Recording());
        assertThat(connection.isOpen()).isTrue();

        connection.transportOpen = false;

        assertThat(connection.isOpen()).isFalse();
        assertThatThrownBy(() -> connection.write(ByteBuffer.allocate(1)))
                .hasMessage("The connection to gateway.test:2195 is closed.");
    }

    @Test
    void whatTheHandshakeNegotiatedIsReported() {
        Bare connection = new Bare(new Recording());

        assertThat(connection.endpoint()).isEqualTo(ENDPOINT);
        assertThat(connection.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(connection.applicationProtocol()).contains("h2");
    }

    @Test
    void anAbandonedConnectionCompletesItsFutureWithoutTellingTheListener() {
        Recording listener = new Recording();
        Bare connection = new Bare(listener);

        assertThat(connection.markEnded()).isTrue();
        connection.endSilently(CloseReason.local());

        assertThat(listener.closed).isEmpty();
        assertThat(connection.closeFuture().toCompletableFuture()).isCompletedWithValue(CloseReason.local());
        assertThat(connection.endedDuringWrite(null)).hasMessage(
                "The connection to gateway.test:2195 ended during a write (" + CloseReason.local() + ").");
    }
}
