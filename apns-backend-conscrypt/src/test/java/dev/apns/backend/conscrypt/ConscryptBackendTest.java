package dev.apns.backend.conscrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Trust;
import dev.apns.backend.blocking.BlockingBackend;
import dev.apns.spi.Backend;
import dev.apns.spi.CloseReason;
import dev.apns.spi.ConnectFailure;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.testkit.RecordingListener;
import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

/**
 * What the Conscrypt backend does beyond the conformance suite ({@link ConscryptBackendConformanceTest}): its
 * name, priority and features, its threads, and the exception types its failures take with BoringSSL
 * underneath, over real TLS on 127.0.0.1 against apns-mock's mock APNs server. The wording of those
 * exceptions is the blocking backend's {@code SocketTransport}'s, pinned in that module.
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
    void refusingAServerSignedByAnAuthorityItDoesNotTrustIsAnSslHandshakeException() {
        try (MockApnsServer stranger = MockApnsServer.builder(TestCertificates.create()).start()) {
            assertThatThrownBy(() -> backend.connect(request(stranger.gateway()), new RecordingListener()))
                    .isInstanceOf(ConnectFailure.class).hasCauseInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with " + stranger.gateway() + " failed:");
        }
    }

    @Test
    void aHandshakeTheServerNeverAnswersIsATimedOutConnectFailure() throws Exception {
        server.stallHandshakes(true);
        ConnectRequest request = new ConnectRequest(server.gateway(), backend.certificate(CREDENTIALS), TRUST,
                Duration.ofMillis(300), GENEROUS);

        ConnectFailure timeout = catchThrowableOfType(ConnectFailure.class,
                () -> backend.connect(request, new RecordingListener()));

        assertThat(timeout).hasMessage("TLS handshake with " + server.gateway() + " did not finish within 300 ms.");
        assertThat(timeout.kind()).isEqualTo(ConnectFailure.Kind.TIMED_OUT);
    }

    @Test
    void aWriteToAServerThatStopsReadingIsASocketTimeoutThatEndsTheConnection() throws Exception {
        server.stopReading();
        RecordingListener listener = new RecordingListener();
        ConnectRequest request = new ConnectRequest(server.gateway(), backend.certificate(CREDENTIALS), TRUST,
                GENEROUS, Duration.ofMillis(300));
        Connection connection = backend.connect(request, listener);
        ByteBuffer zeros = ByteBuffer.allocate(32 * 1024 * 1024);

        SocketTimeoutException timeout = catchThrowableOfType(SocketTimeoutException.class, () -> {
            for (int i = 0; i < 8; i++) {
                connection.write(zeros.clear());
            }
        });

        assertThat(timeout).hasMessageStartingWith("Write to " + server.gateway() + " blocked for more than 300 ms");
        assertThat(listener.awaitClosed(GENEROUS).cause()).containsSame(timeout);
    }

    @Test
    void closingTheBackendIsHeardOnItsReaderThreadAndThenSaysItIsClosed() throws Exception {
        RecordingListener listener = new RecordingListener();
        backend.connect(request(server.gateway()), listener);

        backend.close();

        assertThat(listener.awaitClosed(GENEROUS)).isSameAs(CloseReason.local());
        assertThat(listener.closingThread()).startsWith("apns-conscrypt-reader-" + server.gateway() + "-");
        assertThatThrownBy(() -> backend.connect(request(server.gateway()), new RecordingListener()))
                .isInstanceOf(IOException.class)
                .hasMessage("The conscrypt APNs backend is closed; it opens no new connections.");
    }

    @Test
    void declaresItsNamePriorityAvailabilityAndTheBlockingBackendsFeatures() {
        assertThat(backend.name()).isEqualTo("conscrypt");
        assertThat(backend.priority()).isEqualTo(6);
        assertThat(backend.availability().isAvailable()).as(backend.availability().toString()).isTrue();
        assertThat(backend.features()).containsExactlyInAnyOrder(Feature.TLS_1_3, Feature.WRITE_TIMEOUT,
                Feature.HANDSHAKE_TIMEOUT, Feature.ALPN, Feature.PROXY);
    }

    @Test
    void itsCertificateNamesTheSubjectAndTheDigest() {
        assertThat(backend.certificate(CREDENTIALS).toString())
                .contains("CN=com.example.conscrypt").contains(CREDENTIALS.digest());
    }

    @Test
    void serviceLoaderFindsItBesideTheBlockingBackend() {
        var found = ServiceLoader.load(Backend.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type).toList();

        assertThat(found).contains(ConscryptBackend.class, BlockingBackend.class);
    }

    private ConnectRequest request(Endpoint endpoint) {
        return new ConnectRequest(endpoint, backend.certificate(CREDENTIALS), TRUST, GENEROUS, GENEROUS);
    }
}
