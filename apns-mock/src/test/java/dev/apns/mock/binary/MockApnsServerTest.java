package dev.apns.mock.binary;

import dev.apns.mock.MockApnsMain;
import dev.apns.mock.MockApnsProcess;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.FeedbackEntry;
import dev.apns.Status;
import dev.apns.protocol.binary.ErrorResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import static dev.apns.mock.binary.TestFrames.concat;
import static dev.apns.mock.binary.TestFrames.concatFrame;
import static dev.apns.mock.binary.TestFrames.enhanced;
import static dev.apns.mock.binary.TestFrames.frame;
import static dev.apns.mock.binary.TestFrames.item;
import static dev.apns.mock.binary.TestFrames.notifications;
import static dev.apns.mock.binary.TestFrames.notification;
import static dev.apns.mock.binary.TestFrames.simple;
import static dev.apns.mock.binary.TestFrames.token;
import static dev.apns.mock.binary.TestFrames.u32;
import static dev.apns.mock.binary.TestFrames.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MockApnsServerTest {
    private static final Duration WAIT = Duration.ofSeconds(3);

    private static final TestCertificates CERTIFICATES = TestCertificates.create();
    private static final IssuedCertificate CLIENT = CERTIFICATES.client("c");
    private static final SSLContext clientContext = CLIENT.sslContext(CERTIFICATES.authority().certificate());
    /** One server for the class, reset before each test. */
    private static MockApnsServer shared;

    @BeforeAll
    static void startServer() {
        shared = MockApnsServer.builder(CERTIFICATES).start();
    }

    @BeforeEach
    void resetServer() {
        shared.reset();
    }

    @AfterAll
    static void closeServer() {
        shared.close();
    }

    private static final byte[] TOKEN_A = token(0xA0);
    private static final byte[] TOKEN_B = token(0xB0);

    // ------------------------------------------------------------------------------------------------
    // Accepting.

    @Test
    @Timeout(5)
    void acceptsSimpleEnhancedAndFrameNotificationsAndRecordsEveryField() throws Exception {
        MockApnsServer server = shared;
        try (RawClient client = connect(server.gateway())) {
            client.write(
                    simple(TOKEN_A, "{\"n\":1}"),
                    enhanced(7, 1_700_000_000L, TOKEN_B, "{\"n\":2}"),
                    frame(item(2, utf8("{\"n\":3}")), item(5, new byte[] {5}), item(1, TOKEN_A), item(4, u32(0xFFFF_FFFFL)),
                            item(3, u32(0xFFFF_FFFEL))),
                    frame(item(1, TOKEN_B), item(2, utf8("{\"n\":4}"))));

            assertThat(server.awaitAccepted(4, WAIT)).isTrue();
        }
        List<ReceivedNotification> accepted = shared.accepted();
        int connection = accepted.get(0).connection();
        assertThat(accepted).containsExactly(
                new ReceivedNotification(connection, 0, 0, OptionalLong.empty(), OptionalInt.empty(),
                        DeviceToken.fromBytes(TOKEN_A), utf8("{\"n\":1}"), 1),
                new ReceivedNotification(connection, 1, 7, OptionalLong.of(1_700_000_000L), OptionalInt.empty(),
                        DeviceToken.fromBytes(TOKEN_B), utf8("{\"n\":2}"), 2),
                new ReceivedNotification(connection, 2, 0xFFFF_FFFEL, OptionalLong.of(0xFFFF_FFFFL), OptionalInt.of(5),
                        DeviceToken.fromBytes(TOKEN_A), utf8("{\"n\":3}"), 3),
                new ReceivedNotification(connection, 2, 0, OptionalLong.empty(), OptionalInt.empty(),
                        DeviceToken.fromBytes(TOKEN_B), utf8("{\"n\":4}"), 4));
        assertThat(accepted.get(2).payloadText()).isEqualTo("{\"n\":3}");
        assertThat(shared.errorResponsesSent()).isEmpty();
    }

    @Test
    @Timeout(5)
    void acceptsAPayloadOfExactly2048Bytes() throws Exception {
        byte[] payload = new byte[2048];
        Arrays.fill(payload, (byte) 'x');
        try (RawClient client = connect(shared.gateway())) {
            client.write(notification(1, TOKEN_A, payload));
            assertThat(shared.awaitAccepted(1, WAIT)).isTrue();
        }
        assertThat(shared.accepted().get(0).payload()).isEqualTo(payload);
    }

    @Test
    @Timeout(5)
    void notificationsSplitAcrossManyWritesAreReassembled() throws Exception {
        byte[] all = concat(notification(1, TOKEN_A, utf8("{\"a\":1}")), notification(2, TOKEN_B, utf8("{\"b\":2}")),
                enhanced(3, 0, TOKEN_A, "{\"c\":3}"), simple(TOKEN_B, "{\"d\":4}"));
        try (RawClient client = connect(shared.gateway())) {
            for (byte b : all) {
                client.write(new byte[] {b});
            }
            assertThat(shared.awaitAccepted(4, WAIT)).isTrue();
        }
        assertThat(shared.accepted()).extracting(ReceivedNotification::payloadText)
                .containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}", "{\"d\":4}");
    }

    // ------------------------------------------------------------------------------------------------
    // Validation.

    static Stream<Arguments> invalidNotifications() {
        byte[] id9 = item(3, u32(9));
        byte[] payload = item(2, utf8("{}"));
        byte[] tooLong = new byte[2049];
        Arrays.fill(tooLong, (byte) 'x');
        byte[] valid = frame(id9, item(1, TOKEN_A), payload);
        byte[] truncatedFrame = valid.clone();
        ByteBuffer.wrap(truncatedFrame).putInt(1, valid.length - 5 - 1); // the last item now runs past the frame
        return Stream.of(
                Arguments.of("frame without a token item", frame(id9, payload), 2, 9),
                Arguments.of("frame with an empty token", frame(id9, item(1, new byte[0]), payload), 2, 9),
                Arguments.of("frame with a 31-byte token", frame(id9, item(1, new byte[31]), payload), 5, 9),
                Arguments.of("frame with a 33-byte token", frame(id9, item(1, new byte[33]), payload), 5, 9),
                Arguments.of("frame without a payload item", frame(id9, item(1, TOKEN_A)), 4, 9),
                Arguments.of("frame with an empty payload", frame(id9, item(1, TOKEN_A), item(2, new byte[0])), 4, 9),
                Arguments.of("frame with a 2049-byte payload", frame(id9, item(1, TOKEN_A), item(2, tooLong)), 7, 9),
                Arguments.of("frame without identifier item and a bad token", frame(item(1, new byte[8]), payload), 5, 0),
                Arguments.of("frame with an unknown item", frame(id9, item(1, TOKEN_A), payload, item(6, new byte[2])), 128, 9),
                Arguments.of("frame with a 3-byte identifier", frame(item(3, new byte[3]), item(1, TOKEN_A), payload), 128, 0),
                Arguments.of("frame with a 2-byte expiry", frame(id9, item(1, TOKEN_A), payload, item(4, new byte[2])), 128, 9),
                Arguments.of("frame with a 2-byte priority", frame(id9, item(1, TOKEN_A), payload, item(5, new byte[2])), 128, 9),
                Arguments.of("frame with a repeated token", frame(id9, item(1, TOKEN_A), item(1, TOKEN_B), payload), 128, 9),
                Arguments.of("frame whose length cuts its last item", truncatedFrame, 128, 9),
                Arguments.of("frame whose length leaves a partial item header", concatFrame(concat(id9, item(1, TOKEN_A),
                        payload, new byte[] {2, 0})), 128, 9),
                Arguments.of("frame with a 65,535-byte payload", frame(id9, item(1, TOKEN_A), item(2, new byte[0xFFFF])), 7, 9),
                Arguments.of("frame declaring more bytes than any valid frame holds",
                        concat(new byte[] {2}, u32(200_000), id9), 128, 0),
                Arguments.of("unknown command byte", new byte[] {9, 0, 0, 0, 0, 0, 0}, 128, 0),
                Arguments.of("enhanced with an empty token", enhanced(11, 0, new byte[0], "{}"), 2, 11),
                Arguments.of("enhanced with a 31-byte token", enhanced(11, 0, new byte[31], "{}"), 5, 11),
                Arguments.of("enhanced with an empty payload", enhanced(11, 0, TOKEN_A, ""), 4, 11),
                Arguments.of("enhanced with a 2049-byte payload", enhanced(11, 0, TOKEN_A, new String(tooLong,
                        StandardCharsets.US_ASCII)), 7, 11));
    }

    @ParameterizedTest(name = "{0}: status {2} naming {3}")
    @MethodSource("invalidNotifications")
    @Timeout(5)
    void invalidNotificationGetsTheGatewaysStatusThenTheConnectionCloses(String description, byte[] bytes, int status,
                                                                        long identifier) throws Exception {
        try (RawClient client = connect(shared.gateway())) {
            client.write(bytes);
            assertThat(client.readResponse()).isEqualTo(errorResponse(status, identifier));
            assertThat(client.endsWithoutMoreBytes()).isTrue();
        }
        assertThat(shared.errorResponsesSent()).containsExactly(new ErrorResponse(Status.of(status), identifier));
        assertThat(shared.accepted()).isEmpty();
    }

    @Test
    @Timeout(5)
    void invalidSimpleNotificationClosesTheConnectionWithoutAnErrorResponse() throws Exception {
        try (RawClient client = connect(shared.gateway())) {
            client.write(simple(new byte[31], "{}"), simple(TOKEN_A, "{}"));
            assertThat(client.readResponse()).isEmpty();
        }
        assertThat(shared.awaitIdle(WAIT)).isTrue();
        assertThat(shared.errorResponsesSent()).isEmpty();
        assertThat(shared.accepted()).isEmpty();
        assertThat(shared.discardedCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------
    // Scripted rejections.

    @Test
    @Timeout(5)
    void rejectedTokenIsRejectedOnEveryNotificationToIt() throws Exception {
        MockApnsServer server = shared;
        server.rejectToken(DeviceToken.fromBytes(TOKEN_B), Status.of(8));
        try (RawClient client = connect(server.gateway())) {
            client.write(notification(1, TOKEN_A, utf8("{}")), notification(2, TOKEN_B, utf8("{}")),
                    notification(3, TOKEN_A, utf8("{}")));
            assertThat(client.readResponse()).isEqualTo(errorResponse(8, 2));
        }
        try (RawClient client = connect(server.gateway())) {
            client.write(notification(1, TOKEN_B, utf8("{}")));
            assertThat(client.readResponse()).isEqualTo(errorResponse(8, 1));
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.accepted()).extracting(ReceivedNotification::identifier).containsExactly(1L);
        assertThat(server.discardedCount()).isEqualTo(1);
    }

    @Test
    @Timeout(5)
    void rejectedNotificationIsReportedAndEverythingAfterItOnTheConnectionIsDiscarded() throws Exception {
        MockApnsServer server = shared;
        server.rejectNotification(2, Status.of(8));
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 5));
            assertThat(client.readResponse()).isEqualTo(errorResponse(8, 2));
            assertThat(client.endsWithoutMoreBytes()).isTrue();
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.accepted()).extracting(ReceivedNotification::identifier).containsExactly(1L);
        assertThat(server.discardedCount()).isEqualTo(3);
        assertThat(server.processedCount()).isEqualTo(2);
    }

    @Test
    @Timeout(5)
    void notificationsWrittenAfterTheErrorResponseAreDrainedAndCountedAsDiscarded() throws Exception {
        MockApnsServer server = shared;
        server.rejectNotification(1, Status.of(8));
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 1));
            assertThat(client.readResponse()).isEqualTo(errorResponse(8, 1));
            client.write(notifications(2, 3)); // TLS 1.3 allows writing after the server's close_notify
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.discardedCount()).isEqualTo(3);
        assertThat(server.accepted()).isEmpty();
    }

    @Test
    @Timeout(5)
    void notificationsAreCountedAcrossConnectionsForScriptedRejections() throws Exception {
        MockApnsServer server = shared;
        server.rejectNotification(3, Status.of(1));
        try (RawClient first = connect(server.gateway()); RawClient second = connect(server.gateway())) {
            first.write(notifications(1, 2));
            assertThat(server.awaitAccepted(2, WAIT)).isTrue();
            second.write(notifications(1, 2));
            assertThat(second.readResponse()).isEqualTo(errorResponse(1, 1));
        }
        List<ReceivedNotification> accepted = server.accepted();
        assertThat(accepted).extracting(ReceivedNotification::connection)
                .containsExactly(accepted.get(0).connection(), accepted.get(0).connection());
        assertThat(accepted).extracting(ReceivedNotification::index).containsExactly(1L, 2L);
    }

    @Test
    @Timeout(5)
    void scriptedRejectionCanNameAnotherIdentifier() throws Exception {
        MockApnsServer server = shared;
        server.rejectNotification(1, Status.of(1), 0);
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(5, 1));
            assertThat(client.readResponse()).isEqualTo(errorResponse(1, 0));
        }
        server.rejectNotification(2, Status.of(255), 0xFFFF_FFFFL);
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(6, 1));
            assertThat(client.readResponse()).isEqualTo(errorResponse(255, 0xFFFF_FFFFL));
        }
    }

    @Test
    @Timeout(5)
    void shutdownSendsStatus10NamingTheLastAcceptedNotification() throws Exception {
        MockApnsServer server = shared;
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 2));
            assertThat(server.awaitAccepted(2, WAIT)).isTrue();
            server.shutdownAfter(3);
            client.write(notifications(3, 5));
            assertThat(client.readResponse()).isEqualTo(errorResponse(10, 5));
            assertThat(client.endsWithoutMoreBytes()).isTrue();
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.accepted()).extracting(ReceivedNotification::identifier).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(server.discardedCount()).isEqualTo(2);
        assertThat(server.errorResponsesSent()).containsExactly(new ErrorResponse(Status.of(10), 5));
    }

    @Test
    @Timeout(5)
    void closeSilentlyAfterClosesWithoutAnErrorResponse() throws Exception {
        MockApnsServer server = shared;
        server.closeSilentlyAfter(2);
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 4));
            assertThat(client.readResponse()).isEmpty();
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.accepted()).extracting(ReceivedNotification::identifier).containsExactly(1L, 2L);
        assertThat(server.errorResponsesSent()).isEmpty();
        assertThat(server.discardedCount()).isEqualTo(2);
    }

    @Test
    @Timeout(5)
    void closeSilentlyAfterBytesResetsTheConnectionInTheMiddleOfANotification() throws Exception {
        MockApnsServer server = shared;
        byte[] one = notification(1, TOKEN_A, utf8("{}"));
        server.closeSilentlyAfterBytes(one.length + one.length / 2);
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 3));
            assertThat(client.readResponse()).isEmpty();
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.accepted()).extracting(ReceivedNotification::identifier).containsExactly(1L);
        assertThat(server.errorResponsesSent()).isEmpty();
        try (RawClient client = connect(server.gateway())) { // once only
            client.write(notifications(1, 3));
            assertThat(server.awaitAccepted(4, WAIT)).isTrue();
        }
    }

    @Test
    @Timeout(5)
    void faultsScheduledByNotificationNumberFireOnEachConnectionInTurn() throws Exception {
        MockApnsServer server = shared;
        server.shutdownAfterNotification(2);
        server.closeSilentlyAfterNotification(4);
        server.shutdownAfterNotification(5);
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 3));
            assertThat(client.readResponse()).isEqualTo(errorResponse(10, 2));
        }
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(3, 3)); // processed as 3 and 4; closed after 4
            assertThat(client.readResponse()).isEmpty();
        }
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(5, 2)); // processed as 5: shut down
            assertThat(client.readResponse()).isEqualTo(errorResponse(10, 5));
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.accepted()).extracting(ReceivedNotification::identifier).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(server.errorResponsesSent()).containsExactly(new ErrorResponse(Status.of(10), 2),
                new ErrorResponse(Status.of(10), 5));
    }

    @Test
    @Timeout(5)
    void aFaultScheduledOnARejectedNotificationDoesNotFire() throws Exception {
        MockApnsServer server = shared;
        server.rejectNotification(2, Status.of(8));
        server.closeSilentlyAfterNotification(2);
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 3));
            assertThat(client.readResponse()).isEqualTo(errorResponse(8, 2));
        }
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(3, 2));
            assertThat(server.awaitAccepted(3, WAIT)).isTrue();
        }
        assertThat(server.errorResponsesSent()).containsExactly(new ErrorResponse(Status.of(8), 2));
    }

    @Test
    @Timeout(5)
    void pauseReadingAfterNotificationStallsReadingForThePauseThenReadsOn() throws Exception {
        MockApnsServer server = shared;
        server.pauseReadingAfterNotification(1, Duration.ofMillis(300));
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 1));
            assertThat(server.awaitAccepted(1, WAIT)).isTrue();
            long started = System.nanoTime();
            client.write(notifications(2, 1));
            assertThat(server.awaitAccepted(2, WAIT)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    @Timeout(5)
    void resumeReadingEndsAPauseEarly() throws Exception {
        MockApnsServer server = shared;
        server.pauseReadingAfterNotification(1, Duration.ofSeconds(30));
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 1));
            assertThat(server.awaitAccepted(1, WAIT)).isTrue();
            client.write(notifications(2, 1));
            assertThat(server.awaitAccepted(2, Duration.ofMillis(200))).isFalse();
            server.resumeReading();
            assertThat(server.awaitAccepted(2, WAIT)).isTrue();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Reading: backpressure, throttling, delays.

    @Test
    @Timeout(10)
    void stopReadingMakesTheClientsWritesBlockUntilReadingResumes() throws Exception {
        MockApnsServer server = shared;
        byte[] payload = new byte[2000];
        Arrays.fill(payload, (byte) 'p');
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 32; i++) {
            batch.write(notification(i + 1, TOKEN_A, payload));
        }
        byte[] chunk = batch.toByteArray(); // about 64 KiB
        int chunks = 256; // about 16 MiB: far more than the socket buffers hold
        server.stopReading();
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        try (RawClient client = connect(server.gateway())) {
            Future<?> writer = writerThread.submit(() -> {
                for (int i = 0; i < chunks; i++) {
                    client.write(chunk);
                }
                return null;
            });
            assertThatThrownBy(() -> writer.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(server.acceptedCount()).isZero();

            server.resumeReading();
            writer.get(5, TimeUnit.SECONDS);
            assertThat(server.awaitAccepted(32L * chunks, WAIT)).isTrue();
        } finally {
            writerThread.shutdownNow();
        }
    }

    @Test
    @Timeout(5)
    void readSlowlyThrottlesHowFastTheServerReads() throws Exception {
        MockApnsServer server = shared;
        byte[] batch = notifications(1, 40); // 40 * (61 + 2) = 2520 bytes
        server.readSlowly(5000);
        long started = System.nanoTime();
        try (RawClient client = connect(server.gateway())) {
            client.write(batch);
            assertThat(server.awaitAccepted(40, WAIT)).isTrue();
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(350); // 2520 bytes at 5000 B/s: about half a second
    }

    @Test
    @Timeout(5)
    void errorResponsesAreDelayedAsScripted() throws Exception {
        MockApnsServer server = shared;
        server.delayErrorResponses(Duration.ofMillis(300));
        server.rejectNotification(1, Status.of(8));
        try (RawClient client = connect(server.gateway())) {
            long started = System.nanoTime();
            client.write(notifications(1, 1));
            assertThat(client.readResponse()).isEqualTo(errorResponse(8, 1));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(300);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Handshakes.

    @Test
    @Timeout(5)
    void clientWithoutCertificateIsRefusedAndCounted() throws Exception {
        MockApnsServer server = shared;
        SSLContext anonymous = trustOnly(CERTIFICATES.authority().certificate());
        assertThatThrownBy(() -> {
            try (RawClient client = connect(anonymous, server.gateway())) {
                client.write(notifications(1, 1));
                client.in.read(); // TLS 1.3: the server's verdict on the client's certificate arrives here
            }
        }).isInstanceOf(IOException.class);
        assertThat(server.awaitUntil(s -> s.handshakeFailures() == 1, WAIT)).isTrue();
        assertThat(server.connectionsAccepted()).isZero();
        assertThat(server.acceptedCount()).isZero();
    }

    @Test
    @Timeout(5)
    void clientWithACertificateFromAnotherAuthorityIsRefused() throws Exception {
        MockApnsServer server = shared;
        SSLContext stranger = TestCertificates.create().client("stranger")
                .sslContext(CERTIFICATES.authority().certificate());
        assertThatThrownBy(() -> {
            try (RawClient client = connect(stranger, server.gateway())) {
                client.write(notifications(1, 1));
                client.in.read();
            }
        }).isInstanceOf(IOException.class);
        assertThat(server.awaitUntil(s -> s.handshakeFailures() == 1, WAIT)).isTrue();
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    @Timeout(5)
    void serverThatDoesNotRequireCertificatesAcceptsAnonymousClients() throws Exception {
        try (MockApnsServer server = MockApnsServer.builder(CERTIFICATES).requireClientCertificate(false).start();
             RawClient client = connect(trustOnly(CERTIFICATES.authority().certificate()), server.gateway())) {
            client.write(notifications(1, 1));
            assertThat(server.awaitAccepted(1, WAIT)).isTrue();
            assertThat(server.clientSubjects()).isEmpty();
        }
    }

    @Test
    @Timeout(5)
    void connectionsAndClientSubjectsAreRecorded() throws Exception {
        MockApnsServer server = shared;
        IssuedCertificate otherCertificate = CERTIFICATES.client("other", KeyType.EC);
        SSLContext other = otherCertificate.sslContext(CERTIFICATES.authority().certificate());
        try (RawClient first = connect(server.gateway()); RawClient second = connect(other, server.gateway())) {
            first.write(notifications(1, 1));
            assertThat(server.awaitAccepted(1, WAIT)).isTrue();
            second.write(notifications(1, 1));
            assertThat(server.awaitAccepted(2, WAIT)).isTrue();
            assertThat(server.connectionsAccepted()).isEqualTo(2);
            assertThat(server.openConnections()).isEqualTo(2);
            assertThat(server.clientSubjects()).containsExactly(
                    CLIENT.certificate().getSubjectX500Principal().getName(),
                    otherCertificate.certificate().getSubjectX500Principal().getName());
            assertThat(server.clientSubjects().get(1)).contains("CN=other");
        }
        assertThat(server.awaitUntil(s -> s.openConnections() == 0, WAIT)).isTrue();
        List<ReceivedNotification> accepted = server.accepted();
        assertThat(accepted.get(1).connection()).isEqualTo(accepted.get(0).connection() + 1);
    }

    @Test
    @Timeout(5)
    void tls12ClientsGetErrorResponsesToo() throws Exception {
        MockApnsServer server = shared;
        server.rejectNotification(2, Status.of(8));
        try (RawClient client = connect(clientContext, server.gateway(), "TLSv1.2")) {
            assertThat(client.socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            client.write(notifications(1, 3));
            assertThat(client.readResponse()).isEqualTo(errorResponse(8, 2));
            assertThat(client.endsWithoutMoreBytes()).isTrue();
        }
        assertThat(server.awaitIdle(WAIT)).isTrue();
        assertThat(server.discardedCount()).isEqualTo(1);
    }

    @Test
    @Timeout(5)
    void refusedHandshakesFailBeforeTls() throws Exception {
        MockApnsServer server = shared;
        server.refuseHandshakes(true);
        assertThatThrownBy(() -> connect(server.gateway()).close()).isInstanceOf(IOException.class);
        assertThat(server.awaitUntil(s -> s.refusedConnections() == 1, WAIT)).isTrue();
        server.refuseHandshakes(false);
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 1));
            assertThat(server.awaitAccepted(1, WAIT)).isTrue();
        }
    }

    @Test
    @Timeout(5)
    void stalledHandshakesAreNeverAnsweredUntilReset() throws Exception {
        MockApnsServer server = shared;
        server.stallHandshakes(true);
        try (SSLSocket stalled = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
            stalled.connect(new InetSocketAddress(server.gateway().host(), server.gateway().port()), 1000);
            stalled.setSoTimeout(3000);
            CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
                try {
                    stalled.startHandshake();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertThatThrownBy(() -> handshake.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

            server.reset();

            assertThatThrownBy(() -> handshake.get(2, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(UncheckedIOException.class);
        }
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 1));
            assertThat(server.awaitAccepted(1, WAIT)).isTrue();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Feedback.

    @Test
    @Timeout(5)
    void feedbackEntriesAreServedToTheNextConnectionThenCleared() throws Exception {
        MockApnsServer server = shared;
        FeedbackEntry first = new FeedbackEntry(DeviceToken.fromBytes(TOKEN_A), Instant.ofEpochSecond(1_600_000_000L));
        FeedbackEntry second = new FeedbackEntry(DeviceToken.fromBytes(TOKEN_B), Instant.ofEpochSecond(0xFFFF_FFFFL));
        server.addFeedback(first, second);

        FeedbackRead read = readFeedback(server.feedback());
        assertThat(read.entries()).containsExactly(first, second);
        assertThat(read.failure()).isNull();
        assertThat(readFeedback(server.feedback()).entries()).isEmpty();
        assertThat(server.feedbackConnectionsAccepted()).isEqualTo(2);
    }

    @Test
    @Timeout(5)
    void feedbackWrittenInSmallChunksIsReassembled() throws Exception {
        MockApnsServer server = shared;
        List<FeedbackEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(new FeedbackEntry(DeviceToken.fromBytes(token(i)), Instant.ofEpochSecond(1_000_000L + i)));
        }
        server.addFeedback(entries.toArray(new FeedbackEntry[0]));
        server.feedbackSplitWrites(5);

        FeedbackRead read = readFeedback(server.feedback());
        assertThat(read.entries()).containsExactlyElementsOf(entries);
        assertThat(read.reads()).isGreaterThanOrEqualTo(5 * 38 / 5 / 2); // arrived in many pieces
        assertThat(read.failure()).isNull();
    }

    @Test
    @Timeout(5)
    void feedbackFailAfterAbortsTheConnectionAfterThatManyEntries() throws Exception {
        MockApnsServer server = shared;
        FeedbackEntry first = new FeedbackEntry(DeviceToken.fromBytes(TOKEN_A), Instant.ofEpochSecond(100));
        FeedbackEntry second = new FeedbackEntry(DeviceToken.fromBytes(TOKEN_B), Instant.ofEpochSecond(200));
        FeedbackEntry third = new FeedbackEntry(DeviceToken.fromBytes(token(3)), Instant.ofEpochSecond(300));
        server.addFeedback(first, second, third);
        server.feedbackFailAfter(2);

        FeedbackRead read = readFeedback(server.feedback());
        assertThat(read.entries()).containsExactly(first, second);
        assertThat(read.failure()).isInstanceOf(IOException.class);
    }

    // ------------------------------------------------------------------------------------------------
    // Observing, reset and close.

    @Test
    @Timeout(5)
    void awaitAcceptedWaitsForNotificationsAndGivesUpAfterItsTimeout() throws Exception {
        MockApnsServer server = shared;
        long started = System.nanoTime();
        assertThat(server.awaitAccepted(1, Duration.ofMillis(100))).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(90L, 1000L);

        try (RawClient client = connect(server.gateway())) {
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> server.awaitAccepted(3, WAIT));
            client.write(notifications(1, 3));
            assertThat(waiter.get(4, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    @Timeout(5)
    void resetClearsScriptCountersAndRecordingsButKeepsOpenConnections() throws Exception {
        MockApnsServer server = shared;
        server.rejectNotification(2, Status.of(8));
        server.rejectToken(DeviceToken.fromBytes(TOKEN_B), Status.of(8));
        server.addFeedback(new FeedbackEntry(DeviceToken.fromBytes(TOKEN_A), Instant.ofEpochSecond(5)));
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(1, 1));
            assertThat(server.awaitAccepted(1, WAIT)).isTrue();
            int connection = server.accepted().get(0).connection();

            server.reset();

            assertThat(server.accepted()).isEmpty();
            assertThat(server.acceptedCount()).isZero();
            assertThat(server.processedCount()).isZero();
            assertThat(server.connectionsAccepted()).isZero();
            assertThat(server.clientSubjects()).isEmpty();
            assertThat(server.openConnections()).isEqualTo(1);
            client.write(notification(2, TOKEN_B, utf8("{}")), notification(3, TOKEN_A, utf8("{}")));
            assertThat(server.awaitAccepted(2, WAIT)).isTrue();
            assertThat(server.accepted()).extracting(ReceivedNotification::connection).containsOnly(connection);
            assertThat(server.accepted()).extracting(ReceivedNotification::index).containsExactly(1L, 2L);
        }
        assertThat(server.errorResponsesSent()).isEmpty();
        assertThat(readFeedback(server.feedback()).entries()).isEmpty();
    }

    @Test
    @Timeout(5)
    void disconnectAllClosesEveryConnectionWithoutAResponse() throws Exception {
        MockApnsServer server = shared;
        try (RawClient first = connect(server.gateway()); RawClient second = connect(server.gateway())) {
            first.write(notifications(1, 1));
            second.write(notifications(1, 1));
            assertThat(server.awaitAccepted(2, WAIT)).isTrue();

            server.disconnectAll();

            assertThat(first.readResponse()).isEmpty();
            assertThat(second.readResponse()).isEmpty();
            assertThat(server.awaitIdle(WAIT)).isTrue();
            assertThat(server.openConnections()).isZero();
        }
        try (RawClient client = connect(server.gateway())) {
            client.write(notifications(2, 1));
            assertThat(server.awaitAccepted(3, WAIT)).isTrue();
        }
    }

    @Test
    @Timeout(10)
    void closeEndsEveryThreadAndIsIdempotent() throws Exception {
        MockApnsServer server = MockApnsServer.builder(CERTIFICATES).start();
        String gatewayPort = String.valueOf(server.gateway().port());
        String feedbackPort = String.valueOf(server.feedback().port());
        RawClient open = connect(server.gateway());
        open.write(notifications(1, 1));
        assertThat(server.awaitAccepted(1, WAIT)).isTrue();
        server.stopReading();
        server.stallHandshakes(true);
        Socket stalled = new Socket(server.gateway().host(), server.gateway().port());
        try (open; stalled) {
            assertThat(threadsOf(gatewayPort, feedbackPort)).isNotEmpty();

            server.close();

            assertThat(threadsOf(gatewayPort, feedbackPort)).isEmpty();
            server.close();
            assertThatThrownBy(() -> connect(server.gateway()).close()).isInstanceOf(IOException.class);
        }
    }

    @Test
    @Timeout(60)
    void aProcessOfItsOwnServesTheBinaryGatewayAndCountsWhatItAccepted() throws Exception {
        try (MockApnsProcess process = MockApnsProcess.start()) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(process.credentials().keyManagerFactory().getKeyManagers(),
                    process.trust().trustManagerFactory().getTrustManagers(), null);
            try (RawClient client = RawClient.connect(context, process.gateway())) {
                client.write(notifications(1, 3));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (process.acceptedCount() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            assertThat(process.acceptedCount()).isEqualTo(3);
        }
    }

    @Test
    @Timeout(10)
    void mainPrintsTheEndpointsAndCertificatesAndStopsAtTheEndOfInput() throws Exception {
        PipedOutputStream stdin = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(stdin);
        PipedInputStream stdout = new PipedInputStream(64 * 1024);
        PrintStream out = new PrintStream(new PipedOutputStream(stdout), true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> main = CompletableFuture.supplyAsync(
                () -> MockApnsMain.run(new String[] {"--protocol", "binary", "--port", "0"}, in, out, System.err));
        List<String> lines = new ArrayList<>();
        try (var reader = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null && !line.equals("ready"); line = reader.readLine()) {
                lines.add(line);
            }
            assertThat(lines.get(0)).startsWith("gateway=127.0.0.1:");
            assertThat(lines.get(1)).startsWith("feedback=127.0.0.1:");
            assertThat(lines.get(2)).isEqualTo("authority-pem:");
            assertThat(lines).contains("client-pem:", "-----BEGIN PRIVATE KEY-----");
            Endpoint gateway = Endpoint.parse(lines.get(0).substring("gateway=".length()));
            try (Socket tcp = new Socket(gateway.host(), gateway.port())) {
                assertThat(tcp.isConnected()).isTrue();
            }

            stdin.close();
            assertThat(main.get(5, TimeUnit.SECONDS)).isZero();
        }
        PrintStream ignored = new PrintStream(OutputStream.nullOutputStream());
        assertThat(MockApnsMain.run(new String[] {"--protocol", "binary", "--port", "x"}, in, out, ignored)).isEqualTo(2);
        assertThat(MockApnsMain.run(new String[] {"--protocol", "smtp"}, in, out, ignored)).isEqualTo(2);
        assertThat(MockApnsMain.run(new String[] {"--protocol"}, in, out, ignored)).isEqualTo(2);
    }

    static RawClient connect(Endpoint endpoint) throws IOException {
        return RawClient.connect(clientContext, endpoint);
    }

    static RawClient connect(SSLContext context, Endpoint endpoint, String... protocols) throws IOException {
        return RawClient.connect(context, endpoint, protocols);
    }

    record FeedbackRead(List<FeedbackEntry> entries, int reads, IOException failure) {
    }

    /** Reads feedback tuples to the end of the stream, reassembling tuples that straddle reads. */
    static FeedbackRead readFeedback(Endpoint endpoint) throws IOException {
        List<FeedbackEntry> entries = new ArrayList<>();
        int reads = 0;
        IOException failure = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        try (RawClient client = connect(endpoint)) {
            byte[] buffer = new byte[1024];
            while (true) {
                int read;
                try {
                    read = client.in.read(buffer);
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (IOException e) {
                    failure = e;
                    break;
                }
                if (read < 0) {
                    break;
                }
                reads++;
                pending.write(buffer, 0, read);
                ByteBuffer bytes = ByteBuffer.wrap(pending.toByteArray());
                while (bytes.remaining() >= 6 && bytes.remaining() >= 6 + Short.toUnsignedInt(bytes.getShort(bytes.position() + 4))) {
                    long time = Integer.toUnsignedLong(bytes.getInt());
                    byte[] token = new byte[Short.toUnsignedInt(bytes.getShort())];
                    bytes.get(token);
                    entries.add(new FeedbackEntry(DeviceToken.fromBytes(token), Instant.ofEpochSecond(time)));
                }
                pending.reset();
                pending.write(bytes.array(), bytes.position(), bytes.remaining());
            }
        }
        if (pending.size() > 0 && failure == null) {
            failure = new EOFException(pending.size() + " bytes of a partial tuple at the end of the stream");
        }
        return new FeedbackRead(entries, reads, failure);
    }

    static SSLContext trustOnly(X509Certificate authority) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("authority", authority);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    static List<String> threadsOf(String... ports) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("mock-apns-") && Arrays.stream(ports).anyMatch(name::contains))
                .toList();
    }

    static byte[] errorResponse(int status, long identifier) {
        return ByteBuffer.allocate(6).put((byte) 8).put((byte) status).putInt((int) identifier).array();
    }
}
