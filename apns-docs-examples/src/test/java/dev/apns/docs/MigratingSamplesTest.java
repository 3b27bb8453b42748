package dev.apns.docs;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.notnoop.apns.APNS;
import com.notnoop.apns.ApnsService;
import dev.apns.Protocol;
import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Environment;
import dev.apns.Http2Reason;
import dev.apns.RejectionReason;
import dev.apns.SigningKey;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.junit.MockApnsExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.UUID;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The samples of docs/migrating.md: Pushy 0.15's code as it was, against the HTTP/2 mock (Pushy on the mock's Netty
 * 4.2), and the same in this SDK; java-apns's code against the binary mock, and the same in this SDK.
 */
@Timeout(30)
class MigratingSamplesTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    private static final String TOKEN = "11".repeat(32);
    private static final String BAD = "bb".repeat(32);

    @TempDir
    Path directory;

    @Test
    void javaApnsCodeAsItWasPushesAndReadsInactiveDevices() throws Exception {
        String token = TOKEN;
        Instant since = Instant.parse("2026-01-01T00:00:00Z");
        apns.server().addFeedback(new FeedbackEntry(DeviceToken.fromHex(TOKEN), since));
        // java-apns's withCert(...) trusts only the JDK's authorities; the mock's authority comes in here.
        SSLContext sslContext = SSLContext.getInstance("TLS");
        sslContext.init(client.credentials().keyManagerFactory().getKeyManagers(),
                Trust.fromPem(apns.server().authorityPem()).trustManagerFactory().getTrustManagers(), null);

        // tag::java-apns-before[]
        ApnsService service = APNS.newService()
                .withSSLContext(sslContext)        // made from apns.p12 and its password
                .withSandboxDestination()
                // end::java-apns-before[]
                .withGatewayDestination(apns.server().gateway().host(), apns.server().gateway().port())
                .withFeedbackDestination(apns.server().feedback().host(), apns.server().feedback().port())
                // tag::java-apns-before[]
                .build();
        service.push(token, APNS.newPayload().alertBody("Hello").build());
        Map<String, Date> inactive = service.getInactiveDevices();
        // end::java-apns-before[]
        service.stop();

        assertThat(apns.server().awaitAccepted(1, Duration.ofSeconds(5))).isTrue();
        assertThat(apns.server().accepted().get(0).token().toHex()).isEqualTo(TOKEN);
        assertThat(new String(apns.server().accepted().get(0).payload(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"alert\":\"Hello\"");
        assertThat(inactive).hasSize(1);
        Map.Entry<String, Date> entry = inactive.entrySet().iterator().next();
        assertThat(entry.getKey()).isEqualToIgnoringCase(TOKEN);
        assertThat(entry.getValue().toInstant()).isEqualTo(since);
    }

    @Test
    void javaApnsStylePushOverHttp2WithTheSameCertificate() throws IOException {
        try (Http2Mock h2 = new Http2Mock()) {
            char[] password = "secret".toCharArray();
            InputStream certificateStream = new ByteArrayInputStream(h2.client.pkcs12(password));
            String token = BAD;
            Instant since = Instant.parse("2026-01-01T00:00:00Z");
            h2.server.unregister(BAD, since);

            // tag::migrate-java-apns[]
            ApnsSession service = ApnsSession.builder()
                    .credentials(Credentials.fromPkcs12(certificateStream, password))   // was withCert(stream, password)
                    .environment(Environment.SANDBOX)                                   // was withSandboxDestination()
                    // end::migrate-java-apns[]
                    .gateway(h2.server.address())
                    .trust(Trust.fromPem(h2.server.authorityPem()))
                    // tag::migrate-java-apns[]
                    .build();

            String payload = "{\"aps\":{\"alert\":\"Hello\"}}";                         // was APNS.newPayload()...build()
            Result result = service.send(Message.builder().token(token).rawPayload(payload)   // was push(token, payload)
                    .topic("com.example.app")                                           // HTTP/2 names the app
                    .build());

            Map<String, Instant> inactive = new HashMap<>();                              // was getInactiveDevices()
            for (Rejection rejection : result.rejections()) {
                rejection.reason().tokenInvalidSince().ifPresent(time -> inactive.put(rejection.token().toHex(), time));
            }
            service.close();                                                              // was stop()
            // end::migrate-java-apns[]

            assertThat(result.accepted()).isEmpty();
            assertThat(inactive).containsExactly(Map.entry(BAD, since));
        }
    }

    @Test
    void pushy015CodeAsItWasSendsThroughTheHttp2Mock() throws Exception {
        try (Http2Mock h2 = new Http2Mock()) {
            File p8File = h2.writeP8(directory).toFile();
            String teamId = h2.key.teamId();
            String keyId = h2.key.keyId();
            String token = TOKEN;
            h2.server.unregister(BAD, Instant.parse("2026-01-01T00:00:00Z"));
            List<UUID> accepted = new ArrayList<>();
            Map<String, String> rejected = new HashMap<>();
            Map<String, Instant> invalid = new HashMap<>();

            for (String hex : List.of(TOKEN, BAD)) {
                token = hex;
                // tag::pushy-before[]
                ApnsClient client = new ApnsClientBuilder()
                        .setApnsServer(ApnsClientBuilder.DEVELOPMENT_APNS_HOST)
                        .setSigningKey(ApnsSigningKey.loadFromPkcs8File(p8File, teamId, keyId))
                        // end::pushy-before[]
                        .setApnsServer(h2.server.address().host(), h2.server.address().port())
                        .setTrustedServerCertificateChain(new ByteArrayInputStream(
                                h2.server.authorityPem().getBytes(StandardCharsets.US_ASCII)))
                        // tag::pushy-before[]
                        .build();

                String payload = new SimpleApnsPayloadBuilder().setAlertBody("Hello").build();
                SimpleApnsPushNotification notification = new SimpleApnsPushNotification(token, "com.example.app", payload);
                PushNotificationResponse<SimpleApnsPushNotification> response = client.sendNotification(notification).get();
                if (response.isAccepted()) {
                    accepted.add(response.getApnsId());
                } else {
                    rejected.put(token, response.getRejectionReason().orElse("unknown"));
                    response.getTokenInvalidationTimestamp().ifPresent(since -> invalid.put(notification.getToken(), since));
                }
                client.close().get();
                // end::pushy-before[]
            }

            assertThat(accepted).hasSize(1);
            assertThat(rejected).containsExactly(Map.entry(BAD, "Unregistered"));
            assertThat(invalid).containsExactly(Map.entry(BAD, Instant.parse("2026-01-01T00:00:00Z")));
            assertThat(h2.server.accepted()).singleElement().satisfies(n -> {
                assertThat(n.token()).isEqualTo(TOKEN);
                assertThat(n.keyId()).contains(keyId);
            });
        }
    }

    @Test
    void thePushy015CodeInOurApi() throws Exception {
        try (Http2Mock h2 = new Http2Mock()) {
            File p8File = h2.writeP8(directory).toFile();
            String teamId = h2.key.teamId();
            String keyId = h2.key.keyId();
            h2.server.unregister(BAD, Instant.parse("2026-01-01T00:00:00Z"));
            List<UUID> accepted = new ArrayList<>();
            Map<String, String> rejected = new HashMap<>();
            Map<String, Instant> invalid = new HashMap<>();
            List<Notification> later = new ArrayList<>();

            for (String token : List.of(TOKEN, BAD)) {
                // tag::migrate-pushy[]
                ApnsSession session = ApnsSession.builder()                        // was new ApnsClientBuilder()
                        .environment(Environment.SANDBOX)                             // was DEVELOPMENT_APNS_HOST
                        .signingKey(SigningKey.fromP8(p8File.toPath(), keyId, teamId)) // key id first; Pushy: team id first
                        // end::migrate-pushy[]
                        .gateway(h2.server.address())
                        .trust(Trust.fromPem(h2.server.authorityPem()))
                        // tag::migrate-pushy[]
                        .build();
                ApnsSender sender = session.sender();

                Payload payload = Payload.builder().alert("Hello").build();          // was SimpleApnsPayloadBuilder
                Notification notification = Notification.builder(DeviceToken.fromHex(token), payload)
                        .topic("com.example.app")                                     // was the notification's topic
                        .build();
                Outcome outcome = sender.submit(notification).toCompletableFuture().get(); // was sendNotification(..).get()
                if (outcome.isAccepted()) {                                           // was response.isAccepted()
                    accepted.add(UUID.fromString(outcome.apnsId().orElseThrow()));    // was getApnsId()
                } else if (outcome.kind() == Outcome.Kind.REJECTED) {
                    RejectionReason reason = outcome.reason().orElseThrow();
                    rejected.put(token, ((Http2Reason) reason).reason());             // was getRejectionReason()
                    reason.tokenInvalidSince().ifPresent(since -> invalid.put(token, since));  // was getTokenInvalidationTimestamp()
                } else {
                    later.add(outcome.notification());  // UNSENT: Pushy's future failed instead (closed stream, ...)
                }
                sender.shutdown(Duration.ofSeconds(5));
                session.close();                                                      // was client.close().get()
                // end::migrate-pushy[]
            }

            assertThat(accepted).hasSize(1);
            assertThat(rejected).containsExactly(Map.entry(BAD, "Unregistered"));
            assertThat(invalid).containsExactly(Map.entry(BAD, Instant.parse("2026-01-01T00:00:00Z")));
            assertThat(later).isEmpty();
        }
    }
}
