package dev.apns;

import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.ErrorResponseDecoder;
import dev.apns.protocol.binary.FeedbackDecoder;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every parser of outside input answers any input with its own typed error, in bounded time and memory:
 * seeded fuzzing (fixed seeds, bounded count and time) of PEM, DER, PKCS#8, PKCS#12, encrypted keys, trust
 * material, device tokens, payload JSON, feedback and error-response bytes, plus the known escapes (deep DER
 * nesting, an endless PBES1 iteration count, other scripts' digits in a token, deep JSON nesting).
 */
class HostileInputTest {
    /** A hang detector, not a speed requirement: one parse of a few kilobytes that takes this long is stuck. */
    private static final long PER_INPUT_BOUND_NANOS = 5_000_000_000L;
    /** Each run stops early after this, whatever the count says. */
    private static final long RUN_BOUND_NANOS = 4_000_000_000L;
    private static final char[] PASSWORD = "secret".toCharArray();

    // ---- the known escapes -------------------------------------------------------------------------------

    @Test
    void aDeeplyNestedCertificateIsAMalformedCredentialsErrorNotAStackOverflow() {
        String pem = pem("CERTIFICATE", nested(200_000));

        assertThatThrownBy(() -> Trust.fromPem(pem)).isInstanceOf(CredentialsException.class)
                .hasMessageContaining("nests more than");
        assertThatThrownBy(() -> Credentials.fromPem(pem + pem("PRIVATE KEY", nested(10)), null))
                .isInstanceOf(CredentialsException.class);
    }

    @Test
    void deeplyNestedKeysAndStoresAreMalformedCredentialsErrors() {
        assertThatThrownBy(() -> Credentials.fromPkcs12(nested(200_000), PASSWORD)).isInstanceOf(CredentialsException.class)
                .hasMessageContaining("nests more than");
        assertThatThrownBy(() -> Credentials.fromPkcs12(indefinitelyNested(100_000), PASSWORD))
                .isInstanceOf(CredentialsException.class).hasMessageContaining("nests more than");
    }

    @Test
    void otherScriptsDigitsInATokenAreAnInvalidTokenError() {
        for (String digits : List.of("\u0661\u0662", "\uFF11\uFF12", "\u0967\u0968", "ab\u0660\u0660")) {
            assertThatThrownBy(() -> DeviceToken.fromHex(digits)).as("'%s'", digits)
                    .isInstanceOf(InvalidTokenException.class);
        }
    }

    @Test
    void deeplyNestedJsonIsAnInvalidPayloadError() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> Payload.ofJson(deep)).isInstanceOf(InvalidPayloadException.class);
        assertThatThrownBy(() -> Message.fromJson(deep)).isInstanceOf(InvalidPayloadException.class);
    }

    // ---- seeded fuzzing ----------------------------------------------------------------------------------

    @Test
    void credentialsAndTrustFromFuzzedPemGiveOnlyCredentialsErrors() {
        Random random = new Random(0x4A4D_0001L);
        String[] labels = {"CERTIFICATE", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"};
        fuzz(600, () -> {
            String label = labels[random.nextInt(labels.length)];
            String text = pem(label, derLike(random));
            if (random.nextInt(4) == 0) {
                text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
                        + "00112233445566778899AABBCCDDEEFF\n\n" + Base64.getMimeEncoder().encodeToString(derLike(random))
                        + "\n-----END RSA PRIVATE KEY-----\n" + text;
            }
            return text;
        }, text -> {
            if (text.hashCode() % 2 == 0) {
                return Trust.fromPem(text);
            }
            return Credentials.fromPem(text, PASSWORD);
        }, Set.of(CredentialsException.class));
    }

    @Test
    void credentialsFromFuzzedPkcs12GiveOnlyCredentialsErrors() {
        Random random = new Random(0x4A4D_0002L);
        fuzz(400, () -> derLike(random), bytes -> Credentials.fromPkcs12(bytes, PASSWORD), Set.of(CredentialsException.class));
    }

    @Test
    void fuzzedDeviceTokensGiveOnlyInvalidTokenErrors() {
        Random random = new Random(0x4A4D_0003L);
        fuzz(3_000, () -> {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(80);
            for (int i = 0; i < length; i++) {
                text.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x10000)
                        : "0123456789abcdefABCDEF <>\t".charAt(random.nextInt(26)));
            }
            return text.toString();
        }, DeviceToken::fromHex, Set.of(InvalidTokenException.class));
    }

    @Test
    void fuzzedJsonGivesOnlyInvalidPayloadOrTokenErrors() {
        Random random = new Random(0x4A4D_0004L);
        String valid = Message.builder().tokens(List.of(DeviceToken.fromHex("ab".repeat(32)))).alert("hi").badge(3)
                .build().toJson();
        fuzz(2_000, () -> mutate(random.nextBoolean() ? valid : "{\"aps\":{\"alert\":\"x\"},\"k\":[1,2.5e3,null]}", random),
                text -> random.nextBoolean() ? Payload.ofJson(text) : Message.fromJson(text),
                Set.of(InvalidPayloadException.class, InvalidTokenException.class));
    }

    @Test
    void fuzzedFeedbackAndErrorResponseBytesNeverThrowAndHoldLittle() {
        Random random = new Random(0x4A4D_0005L);
        fuzz(2_000, () -> {
            byte[] bytes = new byte[random.nextInt(400)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = ErrorResponse.COMMAND;
            }
            return bytes;
        }, bytes -> {
            int[] seen = new int[1];
            FeedbackDecoder feedback = new FeedbackDecoder(entry -> seen[0]++);
            ErrorResponseDecoder errors = new ErrorResponseDecoder(response -> seen[0]++);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) { // split at random places, as the network does
                ByteBuffer piece = buffer.slice().limit(Math.min(buffer.remaining(), 1 + random.nextInt(64)));
                feedback.decode(piece.duplicate());
                errors.decode(piece);
                buffer.position(buffer.position() + piece.position());
            }
            assertThat(feedback.pendingBytes()).isLessThanOrEqualTo(6 + 0xFFFF);
            assertThat(errors.pendingBytes()).isLessThan(ErrorResponse.SIZE);
            return seen[0];
        }, Set.of());
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static <T> void fuzz(int count, Supplier<T> inputs, Function<T, ?> parser, Set<Class<?>> typed) {
        long runStart = System.nanoTime();
        int tried = 0;
        for (int i = 0; i < count && System.nanoTime() - runStart < RUN_BOUND_NANOS; i++) {
            T input = inputs.get();
            long start = System.nanoTime();
            try {
                parser.apply(input);
            } catch (RuntimeException | Error e) {
                if (!typed.contains(e.getClass())) {
                    fail("Input " + i + " threw " + e + ", which is none of " + typed, e);
                }
                assertThat(e.getMessage()).as("message of input %d", i).isNotBlank();
            }
            assertThat(System.nanoTime() - start).as("nanoseconds spent on input %d", i).isLessThan(PER_INPUT_BOUND_NANOS);
            tried++;
        }
        assertThat(tried).as("inputs tried").isPositive();
    }

    /** Random bytes that often start like DER (a SEQUENCE) and nest, so the parsers get past the first byte. */
    private static byte[] derLike(Random random) {
        byte[] bytes = new byte[random.nextInt(500)];
        random.nextBytes(bytes);
        int kind = random.nextInt(4);
        if (kind == 0 && bytes.length > 4) {
            bytes[0] = 0x30;
            bytes[1] = (byte) 0x82;
            bytes[2] = (byte) ((bytes.length - 4) >> 8);
            bytes[3] = (byte) (bytes.length - 4);
        } else if (kind == 1) {
            return nested(1 + random.nextInt(300));
        } else if (kind == 2 && bytes.length > 2) {
            bytes[0] = 0x30;
            bytes[1] = (byte) 0x80;
        }
        return bytes;
    }

    /** {@code depth} SEQUENCEs, each holding the next, with definite (four-byte) lengths; built in linear time. */
    static byte[] nested(int depth) {
        int total = 6 * depth + 2;
        byte[] bytes = new byte[total];
        for (int i = 0; i < depth; i++) {
            int at = 6 * i;
            int length = total - at - 6;
            bytes[at] = 0x30;
            bytes[at + 1] = (byte) 0x84;
            bytes[at + 2] = (byte) (length >>> 24);
            bytes[at + 3] = (byte) (length >>> 16);
            bytes[at + 4] = (byte) (length >>> 8);
            bytes[at + 5] = (byte) length;
        }
        bytes[total - 2] = 0x05; // NULL
        return bytes;
    }

    /** {@code depth} SEQUENCEs of indefinite length (BER), each holding the next. */
    private static byte[] indefinitelyNested(int depth) {
        byte[] bytes = new byte[depth * 4 + 2];
        for (int i = 0; i < depth; i++) {
            bytes[2 * i] = 0x30;
            bytes[2 * i + 1] = (byte) 0x80;
        }
        bytes[2 * depth] = 0x05;
        bytes[2 * depth + 1] = 0x00; // then depth end-of-contents pairs, already zero
        return bytes;
    }

    private static byte[] sequence(byte[] content) {
        int length = content.length;
        byte[] head;
        if (length < 0x80) {
            head = new byte[] {0x30, (byte) length};
        } else if (length < 0x100) {
            head = new byte[] {0x30, (byte) 0x81, (byte) length};
        } else if (length < 0x10000) {
            head = new byte[] {0x30, (byte) 0x82, (byte) (length >> 8), (byte) length};
        } else if (length < 0x1000000) {
            head = new byte[] {0x30, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
        } else {
            head = new byte[] {0x30, (byte) 0x84, (byte) (length >> 24), (byte) (length >> 16), (byte) (length >> 8),
                    (byte) length};
        }
        return concat(head, content);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static String mutate(String text, Random random) {
        StringBuilder mutated = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && mutated.length() > 0; i++) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(4)) {
                case 0 -> mutated.setCharAt(at, (char) random.nextInt(0x80));
                case 1 -> mutated.deleteCharAt(at);
                case 2 -> mutated.insert(at, "{[\"\\u00".charAt(random.nextInt(7)));
                default -> mutated.setLength(at);
            }
        }
        return mutated.toString().getBytes(StandardCharsets.UTF_8).length >= 0 ? mutated.toString() : text;
    }
}
