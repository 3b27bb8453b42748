package dev.apns.docs;

import com.notnoop.apns.APNS;
import com.notnoop.apns.ApnsService;
import dev.apns.Protocol;
import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Environment;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.MockApnsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
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

/** The samples of docs/migrating.md: the SDK's way of doing what java-apns and Pushy 0.4 code did. */
@Timeout(10)
class MigratingSamplesTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    private static final String TOKEN = "11".repeat(32);
    private static final String BAD = "bb".repeat(32);

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
    void javaApnsStylePushAndInactiveDevices() throws IOException {
        char[] password = "secret".toCharArray();
        InputStream certificateStream = new ByteArrayInputStream(client.pkcs12(password));
        String token = TOKEN;
        Instant since = Instant.parse("2026-01-01T00:00:00Z");
        apns.server().addFeedback(new FeedbackEntry(DeviceToken.fromHex(TOKEN), since));

        // tag::migrate-java-apns[]
        ApnsSession service = ApnsSession.builder().protocol(Protocol.BINARY)
                .credentials(Credentials.fromPkcs12(certificateStream, password))   // was withCert(stream, password)
                .environment(Environment.SANDBOX)                                   // was withSandboxDestination()
                // end::migrate-java-apns[]
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                // tag::migrate-java-apns[]
                .build();

        String payload = "{\"aps\":{\"alert\":\"Hello\"}}";                           // was APNS.newPayload()...build()
        Result result = service.send(Message.builder().token(token).rawPayload(payload).build());   // was push(token, payload)

        Map<String, Instant> inactive = new HashMap<>();                              // was getInactiveDevices()
        try (Feedback feedback = service.feedback()) {
            feedback.forEach(entry -> inactive.put(entry.token().toHex(), entry.time()));
        }
        service.close();                                                              // was stop()
        // end::migrate-java-apns[]

        assertThat(result.isSuccess()).isTrue();
        assertThat(inactive).containsExactly(Map.entry(TOKEN, since));
    }

    @Test
    void pushyStyleQueueWithOutcomesInsteadOfListeners() throws InterruptedException {
        char[] password = "secret".toCharArray();
        byte[] p12Bytes = client.pkcs12(password);
        apns.server().rejectToken(DeviceToken.fromHex(BAD), Status.of(8));
        List<String> tokens = List.of(TOKEN, BAD);
        Map<DeviceToken, Status> rejected = new ConcurrentHashMap<>();
        List<Notification> unsentLater = new CopyOnWriteArrayList<>();

        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .credentials(Credentials.fromPkcs12(p12Bytes, password))
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                .build()) {
            // tag::migrate-pushy[]
            ApnsSender sender = session.sender();                          // was new PushManager(...); start()
            Payload payload = Payload.builder().alert("Hello").build();    // was new ApnsPayloadBuilder()
            for (String hex : tokens) {
                sender.submit(Notification.of(DeviceToken.fromHex(hex), payload))   // was getQueue().put(...)
                      .thenAccept(outcome -> {
                          if (outcome.kind() == Outcome.Kind.REJECTED) {   // was a RejectedNotificationListener
                              rejected.put(outcome.notification().token(), outcome.status().orElseThrow());
                          } else if (outcome.kind() == Outcome.Kind.UNSENT) {  // connection failures end here
                              unsentLater.add(outcome.notification());
                          }
                      });
            }
            List<Notification> notSent = sender.shutdown(Duration.ofSeconds(5));   // was shutdown()
            // end::migrate-pushy[]
            assertThat(notSent).isEmpty();
        }

        assertThat(rejected).containsExactly(Map.entry(DeviceToken.fromHex(BAD), Status.of(8)));
        assertThat(unsentLater).isEmpty();
        assertThat(apns.server().accepted()).extracting(n -> n.token().toHex()).containsExactly(TOKEN);
    }
}
