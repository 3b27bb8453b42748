package dev.apns.backend.conscrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Trust;
import dev.apns.spi.Backend;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.testkit.KeyType;
import dev.apns.testkit.MockApnsExtension;
import dev.apns.testkit.MockApnsServer;
import dev.apns.testkit.TestCertificates;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * The Conscrypt backend at the SPI level, over real TLS on 127.0.0.1: what it negotiates, whom it refuses,
 * the timeouts it declares as features, and how it is discovered. Connection semantics it shares with the
 * blocking backend (its {@code SocketTransport}) are pinned in that module and by the conformance suite.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConscryptBackendTest {
    private static final Duration GENEROUS = Duration.ofSeconds(5);

    @RegisterExtension
    static final MockApnsExtension APNS = new MockApnsExtension();

    private static final TestCertificates PKI = APNS.certificates();
    private static final Credentials CREDENTIALS = PKI.client("com.example.conscrypt").credentials();
    private static final Trust TRUST = Trust.fromPem(PKI.authorityPem());

    private final MockApnsServer server = APNS.server();
    private final ConscryptBackend backend = new ConscryptBackend();

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    @Test
    void connectsWithTheClientCertificateOverTls13() throws Exception {
        Connection connection = backend.connect(request(server.gateway()), new ClosingListener());

        assertThat(connection.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(connection.isOpen()).isTrue();
        assertThat(server.awaitUntil(s -> !s.clientSubjects().isEmpty(), GENEROUS)).isTrue();
        assertThat(server.clientSubjects()).singleElement().asString().contains("CN=com.example.conscrypt");
    }

    @Test
    void connectsWithAnEcClientKeyToo() throws Exception {
        Credentials ec = PKI.client("com.example.ec", KeyType.EC).credentials();
        ConnectRequest request = new ConnectRequest(server.gateway(), backend.certificate(ec), TRUST, GENEROUS, GENEROUS);

        Connection connection = backend.connect(request, new ClosingListener());

        assertThat(connection.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(server.awaitUntil(s -> !s.clientSubjects().isEmpty(), GENEROUS)).isTrue();
        assertThat(server.clientSubjects()).singleElement().asString().contains("CN=com.example.ec");
    }

    @Test
    void negotiatesTls12WithAServerThatHasNothingNewer() throws Exception {
        SSLContext serverContext = PKI.server().sslContext(PKI.authority().certificate());
        try (HandshakeOnlyServer older = new HandshakeOnlyServer(serverContext, "TLSv1.2")) {
            Connection connection = backend.connect(request(older.endpoint()), new ClosingListener());

            assertThat(connection.tlsProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void refusesAServerSignedByAnAuthorityItDoesNotTrust() {
        try (MockApnsServer stranger = MockApnsServer.builder(TestCertificates.create()).start()) {
            assertThatThrownBy(() -> backend.connect(request(stranger.gateway()), new ClosingListener()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with " + stranger.gateway() + " failed:");
        }
    }

    @Test
    void refusesAServerWhoseCertificateNamesAnotherHost() throws Exception {
        SSLContext otherHost = PKI.serverFor("other.example").sslContext(PKI.authority().certificate());
        try (HandshakeOnlyServer server = new HandshakeOnlyServer(otherHost)) {
            assertThatThrownBy(() -> backend.connect(request(server.endpoint()), new ClosingListener()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with " + server.endpoint() + " failed:")
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void aHandshakeTheServerNeverAnswersTimesOutAtTheConnectTimeout() throws Exception {
        // A first connection loads BoringSSL and builds the TLS context, so the timer below sees the handshake only.
        backend.connect(request(server.gateway()), new ClosingListener());
        server.stallHandshakes(true);
        ConnectRequest request = new ConnectRequest(server.gateway(), backend.certificate(CREDENTIALS), TRUST,
                Duration.ofMillis(300), GENEROUS);
        long started = System.nanoTime();

        SocketTimeoutException timeout = catchThrowableOfType(SocketTimeoutException.class,
                () -> backend.connect(request, new ClosingListener()));

        assertThat(timeout).hasMessage("TLS handshake with " + server.gateway() + " did not finish within 300 ms.");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    }

    @Test
    void aWriteToAServerThatStopsReadingFailsAtTheWriteTimeoutAndEndsTheConnection() throws Exception {
        server.stopReading();
        ClosingListener listener = new ClosingListener();
        ConnectRequest request = new ConnectRequest(server.gateway(), backend.certificate(CREDENTIALS), TRUST,
                GENEROUS, Duration.ofMillis(300));
        Connection connection = backend.connect(request, listener);
        ByteBuffer zeros = ByteBuffer.allocate(32 * 1024 * 1024);
        long started = System.nanoTime();

        SocketTimeoutException timeout = catchThrowableOfType(SocketTimeoutException.class, () -> {
            for (int i = 0; i < 8; i++) {
                connection.write(zeros.clear());
            }
        });

        assertThat(timeout).hasMessageStartingWith("Write to " + server.gateway() + " blocked for more than 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        CloseReason reason = listener.closed.get(5, TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.cause()).containsSame(timeout);
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void closingTheBackendClosesItsConnectionsAsLocalAndRefusesNewOnes() throws Exception {
        ClosingListener listener = new ClosingListener();
        backend.connect(request(server.gateway()), listener);

        backend.close();

        assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isSameAs(CloseReason.local());
        assertThat(listener.readerThread).startsWith("apns-conscrypt-reader-" + server.gateway() + "-");
        assertThatThrownBy(() -> backend.connect(request(server.gateway()), new ClosingListener()))
                .isInstanceOf(IOException.class)
                .hasMessage("The conscrypt APNs backend is closed; it opens no new connections.");
    }

    @Test
    void declaresItsNamePriorityAvailabilityAndTheBlockingBackendsFeatures() {
        assertThat(backend.name()).isEqualTo("conscrypt");
        assertThat(backend.priority()).isEqualTo(6);
        assertThat(backend.availability().isAvailable()).as(backend.availability().toString()).isTrue();
        assertThat(backend.features()).containsExactlyInAnyOrder(Feature.TLS_1_3, Feature.WRITE_TIMEOUT,
                Feature.HANDSHAKE_TIMEOUT);
    }

    @Test
    void itsCertificateNamesTheSubjectButNeverTheKey() {
        String text = backend.certificate(CREDENTIALS).toString();

        String keyBase64 = java.util.Base64.getEncoder().encodeToString(CREDENTIALS.privateKey().getEncoded());
        assertThat(text).contains("CN=com.example.conscrypt").contains(CREDENTIALS.digest())
                .doesNotContain("PRIVATE").doesNotContain(keyBase64.substring(40, 80));
        assertThat(backend.certificate(CREDENTIALS)).isEqualTo(backend.certificate(CREDENTIALS));
    }

    @Test
    void serviceLoaderFindsItBesideTheBlockingBackend() {
        var found = ServiceLoader.load(Backend.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type).toList();

        assertThat(found).contains(ConscryptBackend.class, dev.apns.backend.blocking.BlockingBackend.class);
    }

    private ConnectRequest request(Endpoint endpoint) {
        return new ConnectRequest(endpoint, backend.certificate(CREDENTIALS), TRUST, GENEROUS, GENEROUS);
    }

    /** Records how the connection ended and on which thread; drops data. */
    private static final class ClosingListener implements Connection.Listener {
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        volatile String readerThread;

        @Override
        public void onData(ByteBuffer bytes) {
            bytes.position(bytes.limit());
        }

        @Override
        public void onClosed(CloseReason reason) {
            readerThread = Thread.currentThread().getName();
            closed.complete(reason);
        }
    }
}
