package dev.apns.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apns.gateway.AppKey;
import dev.apns.gateway.InvalidFieldException;
import dev.apns.gateway.app.AppSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded fuzzing of what the gateway reads from clients: notification bodies and provisioning documents, made by
 * mutating valid ones. Each input must be taken or refused with {@link InvalidFieldException} naming a field;
 * any other exception, or an input that takes too long, fails. Bounded in count and time.
 */
class RequestParsingFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AppKey APP = new AppKey("com.example.app", "sandbox");
    private static final int INPUTS = 4_000;
    private static final String SYNTAX = "0123456789\"{}[],:-.eE ntrufals\\";
    /** Generous (class loading and a busy machine); a pathological input would take far longer. */
    private static final long MAX_NANOS_PER_INPUT = 2_000_000_000L;

    private static final List<String> NOTIFICATIONS = List.of(
            "{\"token\": \"" + "ab".repeat(32) + "\", \"payload\": {\"aps\": {\"alert\": \"Hi\"}}, \"identifier\": 7,"
                    + " \"expiry\": 0}",
            "[{\"token\": \"" + "0f".repeat(32) + "\", \"payload\": {\"aps\": {\"content-available\": 1}},"
                    + " \"push_type\": \"background\", \"priority\": 5, \"collapse_id\": \"c\", \"topic\": \"t\"}]");
    private static final List<String> APPS = List.of(
            "{\"certificate\": \"/no/such/file.pem\", \"timeout\": 15}",
            "{\"key\": \"-----BEGIN PRIVATE KEY-----\\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\\n-----END PRIVATE KEY-----\\n\","
                    + " \"key_id\": \"ABC123DEFG\", \"team_id\": \"DEF123GHIJ\", \"protocol\": \"http2\","
                    + " \"endpoint\": \"127.0.0.1:2197\", \"connections\": 2, \"callback_url\": \"http://x/y\"}");

    @Test
    @Timeout(60)
    void notificationBodiesAreTakenOrRefusedNamingAField() {
        fuzz(NOTIFICATIONS, 0x5eed01L, body -> NotificationRequests.parse(APP, body, 100));
    }

    @Test
    @Timeout(60)
    void provisioningDocumentsAreTakenOrRefusedNamingAField() {
        fuzz(APPS, 0x5eed02L, AppSpec::parse);
    }

    private interface Parser {
        void parse(JsonNode body);
    }

    private static void fuzz(List<String> seeds, long seed, Parser parser) {
        Random random = new Random(seed);
        int refused = 0;
        int parsedJson = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())).getBytes(StandardCharsets.UTF_8), random);
            JsonNode body;
            try {
                body = JSON.readTree(input);
            } catch (java.io.IOException | RuntimeException notJson) {
                continue; // the REST layer answers 400 "not valid JSON" before any parser runs
            }
            if (body == null) {
                continue;
            }
            parsedJson++;
            long start = System.nanoTime();
            try {
                parser.parse(body);
            } catch (InvalidFieldException e) {
                refused++;
                assertThat(e.field()).as("input %d: %s", i, new String(input, StandardCharsets.UTF_8)).isNotBlank();
                assertThat(e.getMessage()).isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError("input " + i + " escaped as " + e + ": "
                        + new String(input, StandardCharsets.UTF_8), e);
            }
            assertThat(System.nanoTime() - start).as("input %d took too long", i).isLessThan(MAX_NANOS_PER_INPUT);
        }
        assertThat(parsedJson).as("mutations that are still JSON").isGreaterThan(INPUTS / 10);
        assertThat(refused).as("mutations refused").isGreaterThan(0);
    }

    private static byte[] mutate(byte[] input, Random random) {
        byte[] out = input.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out[at] = (byte) SYNTAX.charAt(random.nextInt(SYNTAX.length()));
                case 2 -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter.length == 0 ? out : shorter;
                }
                default -> {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) SYNTAX.charAt(random.nextInt(SYNTAX.length()));
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
            }
        }
        return out;
    }
}
