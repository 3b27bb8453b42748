package dev.apns.docs;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Environment;
import dev.apns.Http2Defaults;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.Result;
import dev.apns.SenderOptions;
import dev.apns.SigningKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples of README.md, run against the HTTP/2 mock with a signing key. */
@Timeout(20)
class ReadmeSamplesTest {
    private static final Logger log = LoggerFactory.getLogger(ReadmeSamplesTest.class);
    private static final Http2Mock apns = new Http2Mock();

    private static final String GOOD_1 = "11".repeat(32);
    private static final String GOOD_2 = "22".repeat(32);
    private static final String GONE = "bb".repeat(32);

    private final List<DeviceToken> forgotten = new CopyOnWriteArrayList<>();
    private final List<Object> queued = new CopyOnWriteArrayList<>();

    @TempDir
    Path directory;

    @BeforeEach
    void reset() {
        apns.reset();
    }

    @AfterAll
    static void stop() {
        apns.close();
    }

    @Test
    void theStreamingSenderSendsWithAP8KeyAndForgetsUnregisteredTokens() throws Exception {
        Path p8File = apns.writeP8(directory);
        String keyId = apns.key.keyId();
        String teamId = apns.key.teamId();
        List<DeviceToken> tokensFromYourDatabase = List.of(DeviceToken.fromHex(GOOD_1), DeviceToken.fromHex(GONE),
                DeviceToken.fromHex(GOOD_2));
        apns.server.unregister(GONE, Instant.parse("2026-01-01T00:00:00Z"));

        // tag::readme-send[]
        SigningKey key = SigningKey.fromP8(p8File, keyId, teamId);      // AuthKey_<keyId>.p8 from Apple's developer portal

        try (ApnsSession session = ApnsSession.builder()
                .signingKey(key)
                .environment(Environment.SANDBOX)                        // PRODUCTION by default
                // end::readme-send[]
                .gateway(apns.server.address())
                .trust(dev.apns.Trust.fromPem(apns.server.authorityPem()))
                // tag::readme-send[]
                .build();
             ApnsSender sender = session.sender(SenderOptions.builder()
                .http2(Http2Defaults.defaults().withTopic("com.example.app"))   // your app's bundle id
                .onInvalidToken(rejection -> forgetToken(rejection.token()))    // Unregistered, ExpiredToken, BadDeviceToken
                .build())) {

            Payload payload = Payload.builder().alert("Your order has shipped").sound("default").build();
            for (DeviceToken token : tokensFromYourDatabase) {
                sender.submit(Notification.of(token, payload)).thenAccept(outcome -> {
                    switch (outcome.kind()) {
                        case ACCEPTED -> log.info("sent, apns-id {}", outcome.apnsId().orElseThrow());
                        case REJECTED -> log.warn("{}", outcome);              // e.g. HTTP 410 Unregistered
                        case UNSENT -> queueForLater(outcome.notification());  // retries used up, or shut down
                    }
                });
            }
        }   // closing the sender waits for every answer (10 s at most)
        // end::readme-send[]

        assertThat(forgotten).containsExactly(DeviceToken.fromHex(GONE));
        assertThat(queued).isEmpty();
        assertThat(apns.server.accepted()).extracting(n -> n.token()).containsExactly(GOOD_1, GOOD_2);
        assertThat(apns.server.accepted()).allSatisfy(n -> {
            assertThat(n.topic()).isEqualTo("com.example.app");
            assertThat(n.keyId()).contains(keyId);
        });
    }

    @Test
    void theBatchApiAnswersForEveryToken() {
        List<String> tokensFromYourDatabase = List.of(GOOD_1, GONE, GOOD_2);
        apns.server.unregister(GONE, Instant.parse("2026-01-01T00:00:00Z"));

        try (ApnsSession session = apns.session()) {
            // tag::readme-batch[]
            Message message = Message.builder()
                    .topic("com.example.app")
                    .alert("Flash sale: 20 % off today")
                    .hexTokens(tokensFromYourDatabase)
                    .build();
            Result result = session.send(message);                  // waits for every answer
            result.rejections().stream()
                    .filter(rejection -> rejection.reason().tokenIsInvalid())
                    .forEach(rejection -> forgetToken(rejection.token()));
            result.retry().ifPresent(retry -> queueForLater(retry.toJson()));   // server errors after the retries
            // end::readme-batch[]
            assertThat(result.accepted()).containsExactly(DeviceToken.fromHex(GOOD_1), DeviceToken.fromHex(GOOD_2));
        }
        assertThat(forgotten).containsExactly(DeviceToken.fromHex(GONE));
        assertThat(queued).isEmpty();
    }

    private void forgetToken(DeviceToken token) {
        forgotten.add(token);
    }

    private void queueForLater(Object notificationOrMessage) {
        queued.add(notificationOrMessage);
    }
}
