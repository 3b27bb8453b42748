package dev.apns.mock.h2;

import dev.apns.mock.credentials.TestCertificates;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of what the server reads from clients: provider tokens and whole requests (headers and body).
 * Every outcome must be an answer with one of Apple's statuses; any exception fails.
 */
@Timeout(30)
class MockHttp2FuzzTest {
    private static final long SEED = 0x5EED_2026L;
    private static final int ROUNDS = 3_000;
    private static final Set<Integer> STATUSES = Set.of(200, 400, 403, 404, 405, 410, 413, 429, 500, 503);
    private static final TestSigningKey key = TestSigningKey.generate();
    private static MockApnsHttp2Server server;

    @BeforeAll
    static void start() {
        server = MockApnsHttp2Server.builder(TestCertificates.create()).recordAccepted(false).start();
        key.register(server, Set.of("com.example.app"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String mutate(String text, SplittableRandom random) {
        StringBuilder mutated = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        String alphabet = "ABCxyz019-_.=+/{}\":, \u00e9\u0000";
        for (int i = 0; i < edits && mutated.length() > 0; i++) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(4)) {
                case 0 -> mutated.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> mutated.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 2 -> mutated.deleteCharAt(at);
                default -> mutated.setLength(at);
            }
        }
        return mutated.toString();
    }

    @Test
    void providerTokenVerificationNeverThrowsAndRefusesEveryChange() {
        String token = key.providerToken(Instant.now());
        Map<String, ProviderTokens.Registration> keys = server.keys();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < ROUNDS; i++) {
            String mutated = mutate(token, random);
            ProviderTokens.Verification verification = ProviderTokens.verify(mutated, keys);
            if (verification.valid()) {
                // Only a change base64url decodes to the same bytes (the unused low bits of a last character) passes.
                assertThat(decodedParts(mutated)).as("seed %s round %s: %s", SEED, i, mutated)
                        .isEqualTo(decodedParts(token));
            } else {
                assertThat(verification.failure()).as("seed %s round %s", SEED, i).isEqualTo("InvalidProviderToken");
            }
        }
        assertThat(ProviderTokens.verify(token, keys).valid()).isTrue();
    }

    private static String decodedParts(String token) {
        StringBuilder decoded = new StringBuilder();
        for (String part : token.split("\\.", -1)) {
            decoded.append(java.util.HexFormat.of().formatHex(java.util.Base64.getUrlDecoder().decode(part))).append('.');
        }
        return decoded.toString();
    }

    @Test
    void evaluatingRandomRequestsAlwaysGivesAnAnswer() {
        SplittableRandom random = new SplittableRandom(SEED);
        RequestEvaluator evaluator = new RequestEvaluator(server, new Authenticator(server, null), 1);
        String bearer = "bearer " + key.providerToken(Instant.now());
        String[] names = {"apns-topic", "apns-push-type", "apns-priority", "apns-expiration", "apns-id",
                "apns-collapse-id", "authorization"};
        String[] values = {"com.example.app", "voip", "10", "5", "0", "123", "3c6f1b66-6f5e-4bd5-9f0c-3a2ab3a1e0aa",
                "group", bearer, "alert", "background"};
        String body = "{\"aps\":{\"alert\":\"test\",\"badge\":1}}";
        for (int i = 0; i < ROUNDS; i++) {
            Http2Headers headers = new DefaultHttp2Headers(false)
                    .method(random.nextInt(10) == 0 ? "GET" : "POST")
                    .path(mutate("/3/device/" + "ab".repeat(32), random));
            int count = random.nextInt(8);
            for (int h = 0; h < count; h++) {
                String value = values[random.nextInt(values.length)];
                headers.add(names[random.nextInt(names.length)], random.nextBoolean() ? value : mutate(value, random));
            }
            byte[] payload = (random.nextInt(5) == 0 ? body : mutate(body, random)).getBytes(StandardCharsets.UTF_8);
            Outcome outcome = evaluator.evaluate(i + 1, new RequestHeaders(headers), payload, payload.length);
            assertThat(outcome.status()).as("seed %s round %s", SEED, i).isIn(STATUSES);
            assertThat(outcome.isAccepted() || outcome.reason() != null).isTrue();
        }
    }
}
