package dev.apns.benchmarks.pushy;

import com.eatthepath.pushy.apns.server.AcceptAllPushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.Http2Defaults;
import dev.apns.Http2Reason;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderOptions;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.TestSigningKey;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SDK's HTTP/2 sender against Pushy 0.15's {@code MockApnsServer}: an APNs server written independently of the
 * SDK (and of apns-mock's mock), on Netty 4.1's HTTP/2 codec, over TLS on 127.0.0.1 (Pushy's server binds every
 * interface; the SDK connects to 127.0.0.1), through the blocking (JSSE) and conscrypt backends, with Pushy's ALPN on
 * and off (off: the server selects no protocol and the SDK speaks HTTP/2 on the TLS connection all the same).
 *
 * <p>Pushy's validating handler cannot be used for token authentication: it verifies only DER-encoded ES256
 * signatures, while the SDK writes the 64-byte R‖S form that JWS (RFC 7515 and RFC 7518 §3.4) defines and Apple
 * accepts; a standard token gets 500 InternalServerError there. So these tests use the accept-all handler and
 * handlers of their own, and check the token's standard form here instead.
 */
@Timeout(60)
class PushyMockServerInteropTest {
    private static final String TOPIC = "com.example.interop";
    private static final TestCertificates certificates = TestCertificates.create();
    private static final TestSigningKey key = TestSigningKey.generate();
    /** One event loop for every server of the class: Pushy's own would take 2 s of quiet period to shut down each. */
    private static final EventLoopGroup serverLoop = new NioEventLoopGroup(1);

    @AfterAll
    static void stopTheServerLoop() throws Exception {
        serverLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
    }

    /** A Pushy mock server on an ephemeral port, shut down by {@link #close}. */
    private record PushyServer(MockApnsServer server, int port) implements AutoCloseable {
        static PushyServer start(PushNotificationHandlerFactory handlers, MockApnsServerListener listener, boolean alpn)
                throws Exception {
            IssuedCertificate tls = certificates.server();
            MockApnsServerBuilder builder = new MockApnsServerBuilder()
                    .setServerCredentials(tls.chain().toArray(new X509Certificate[0]), tls.privateKey(), null)
                    .setHandlerFactory(handlers)
                    .setEventLoopGroup(serverLoop)
                    .setUseAlpn(alpn);
            if (listener != null) {
                builder.setListener(listener);
            }
            MockApnsServer server = builder.build();
            int port = server.start(0).get(10, TimeUnit.SECONDS);
            return new PushyServer(server, port);
        }

        @Override
        public void close() throws Exception {
            server.shutdown().get(10, TimeUnit.SECONDS);
        }
    }

    /** Counts what Pushy's server accepted and rejected. */
    private static final class Counting implements MockApnsServerListener {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();

        @Override
        public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
            accepted.incrementAndGet();
        }

        @Override
        public void handlePushNotificationRejected(Http2Headers headers, ByteBuf payload, RejectionReason reason,
                                                   Instant expiration) {
            rejected.incrementAndGet();
        }
    }

    private static Notification notification(int i) {
        return Notification.of(DeviceToken.fromHex(String.format("%064x", i + 1)),
                Payload.ofJson("{\"aps\":{\"alert\":\"interop " + i + "\"}}"));
    }

    private static List<Outcome> sendAll(String backend, int port, List<Notification> notifications) throws Exception {
        try (ApnsSession session = ApnsSession.builder().backend(backend)
                .signingKey(SigningKey.fromP8(key.privateKeyPkcs8Pem(), key.keyId(), key.teamId()))
                .gateway(Endpoint.of("127.0.0.1", port)).trust(Trust.fromPem(certificates.authorityPem())).build();
             ApnsSender sender = session.sender(SenderOptions.builder().connections(1)
                     .http2(Http2Defaults.defaults().withTopic(TOPIC)).build())) {
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (Notification notification : notifications) {
                futures.add(sender.submit(notification).toCompletableFuture());
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (CompletableFuture<Outcome> future : futures) {
                outcomes.add(future.get(30, TimeUnit.SECONDS));
            }
            return outcomes;
        }
    }

    private static List<Notification> notifications(int count) {
        List<Notification> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(notification(i));
        }
        return list;
    }

    @ParameterizedTest(name = "{0}, ALPN {1}")
    @CsvSource({"blocking, true", "blocking, false", "conscrypt, true", "conscrypt, false"})
    void everyNotificationOfABatchIsAcceptedByPushysAcceptAllHandler(String backend, boolean alpn) throws Exception {
        Counting counting = new Counting();
        try (PushyServer pushy = PushyServer.start(new AcceptAllPushNotificationHandlerFactory(), counting, alpn)) {
            List<Outcome> outcomes = sendAll(backend, pushy.port(), notifications(2_000));

            assertThat(outcomes).hasSize(2_000).allSatisfy(outcome -> {
                assertThat(outcome.kind()).isEqualTo(Outcome.Kind.ACCEPTED);
                assertThat(outcome.apnsId()).hasValueSatisfying(id -> assertThat(id).hasSize(36));
            });
            assertThat(counting.accepted.get()).isEqualTo(2_000);
            assertThat(counting.rejected.get()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "conscrypt"})
    void aRejectionWithAReasonReachesTheOutcomeOfThatNotificationOnly(String backend) throws Exception {
        Instant unregisteredSince = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        Map<String, RejectedNotificationException> rejections = Map.of(
                String.format("%064x", 6), new RejectedNotificationException(RejectionReason.BAD_DEVICE_TOKEN),
                String.format("%064x", 8), new UnregisteredDeviceTokenException(unregisteredSince),
                String.format("%064x", 10), new RejectedNotificationException(RejectionReason.TOPIC_DISALLOWED));
        PushNotificationHandlerFactory handlers = session -> (headers, payload) -> {
            String path = headers.path().toString();
            RejectedNotificationException rejection = rejections.get(path.substring(path.lastIndexOf('/') + 1));
            if (rejection != null) {
                throw rejection;
            }
        };
        Counting counting = new Counting();
        try (PushyServer pushy = PushyServer.start(handlers, counting, true)) {
            List<Outcome> outcomes = sendAll(backend, pushy.port(), notifications(20));

            assertThat(outcomes.get(5).kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(outcomes.get(5).reason()).containsInstanceOf(Http2Reason.class);
            Http2Reason badToken = (Http2Reason) outcomes.get(5).reason().orElseThrow();
            assertThat(badToken.status()).isEqualTo(400);
            assertThat(badToken.code()).isEqualTo(Http2Reason.Code.BAD_DEVICE_TOKEN);
            assertThat(badToken.tokenInvalidSince()).isEmpty();

            Http2Reason unregistered = (Http2Reason) outcomes.get(7).reason().orElseThrow();
            assertThat(outcomes.get(7).kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(unregistered.status()).isEqualTo(410);
            assertThat(unregistered.code()).isEqualTo(Http2Reason.Code.UNREGISTERED);
            assertThat(unregistered.tokenInvalidSince()).contains(unregisteredSince);

            Http2Reason disallowed = (Http2Reason) outcomes.get(9).reason().orElseThrow();
            assertThat(outcomes.get(9).kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(disallowed.code()).isEqualTo(Http2Reason.Code.TOPIC_DISALLOWED);

            for (int i : new int[] {0, 1, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}) {
                assertThat(outcomes.get(i).kind()).as("notification %d", i).isEqualTo(Outcome.Kind.ACCEPTED);
            }
            assertThat(counting.accepted.get()).isEqualTo(17);
            assertThat(counting.rejected.get()).isEqualTo(3);
        }
    }

    /**
     * What Pushy's validating handler would check, checked here by the JWS rules: header {@code alg} ES256 and the
     * key id, claims team id and a current {@code iat}, and a 64-byte R‖S signature that verifies with the key.
     */
    @ParameterizedTest
    @ValueSource(strings = {"blocking", "conscrypt"})
    void theProviderTokenPushysServerReceivesIsAStandardEs256Jws(String backend) throws Exception {
        Set<String> authorizations = ConcurrentHashMap.newKeySet();
        PushNotificationHandlerFactory handlers = session -> (headers, payload) ->
                authorizations.add(String.valueOf(headers.get("authorization")));
        try (PushyServer pushy = PushyServer.start(handlers, null, true)) {
            List<Outcome> outcomes = sendAll(backend, pushy.port(), notifications(50));
            assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.isAccepted()).isTrue());
        }
        assertThat(authorizations).as("one token for every request of the connection").hasSize(1);
        String authorization = authorizations.iterator().next();
        assertThat(authorization).startsWith("bearer ");
        String[] parts = authorization.substring("bearer ".length()).split("\\.", -1);
        assertThat(parts).hasSize(3);
        Base64.Decoder url = Base64.getUrlDecoder();
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(url.decode(parts[0]));
        JsonNode claims = json.readTree(url.decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("ES256");
        assertThat(header.path("kid").asText()).isEqualTo(key.keyId());
        assertThat(claims.path("iss").asText()).isEqualTo(key.teamId());
        assertThat(claims.path("iat").asLong()).isBetween(Instant.now().getEpochSecond() - 3600,
                Instant.now().getEpochSecond());
        byte[] signature = url.decode(parts[2]);
        assertThat(signature).hasSize(64);
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(key.publicKey());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(signature)).isTrue();
    }
}
