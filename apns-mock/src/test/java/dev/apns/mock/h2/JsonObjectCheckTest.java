package dev.apns.mock.h2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mock server's payload check: the single-pass check must give Jackson's answer whenever it decides, on
 * hand-picked cases of every grammar rule and on a seeded differential fuzz of generated and mutated documents.
 */
class JsonObjectCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{}", " {} ", "\t\r\n{\t\r\n}\t\r\n", "{\"aps\":{\"alert\":\"hi\",\"badge\":7,\"sound\":\"default\"}}",
            "{\"a\":[]}", "{\"a\":[1,2,[3,{}]]}", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}",
            "{\"a\":\"\\ud800\"}", "{\"a\":0}", "{\"a\":-0}", "{\"a\":-0.5e-7}", "{\"a\":1E+9}", "{\"a\":12.5e10}",
            "{\"a\":true,\"b\":false,\"c\":null}", "{\"a\":1,\"a\":2}", "{\"\":\"\"}", "{\"a\":\"\u007f\"}",
            "{ \"a\" : [ 1 , 2 ] , \"b\" : { } }"})
    void acceptsJsonObjects(String json) {
        check(json, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "[]", "\"a\"", "1", "true", "null", "{", "}", "{}}", "{}{}", "{} 1", "{}x", "{\"a\"}", "{\"a\":}",
            "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1,}", "{,}", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\":01}",
            "{\"a\":-01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":-}", "{\"a\":+1}",
            "{\"a\":0x1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":tru}", "{\"a\":truex}",
            "{\"a\":True}", "{\"a\":nul}", "{\"a\":fals}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}",
            "{\"a\":\"\t\"}", "{\"a\":\"\n\"}", "{\"a\":\"unterminated}", "{\"a\":1 /* c */}", "{\"a\":1} // c",
            "{\"a\":1}#", "{\"a\":[1}", "{\"a\":{]}", "{\"a\":1}\u000b", "\u000c{}", "{\"a\":1 2}", "{\"a\"::1}",
            "{\"a\":'b'}", "{\"a\":\"b\"\"c\"}", "{\"a\":1}]"})
    void refusesEverythingElse(String json) {
        check(json, false);
    }

    private static void check(String json, boolean expected) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(JsonObjectCheck.byJackson(bytes, bytes.length)).as("Jackson on %s", json).isEqualTo(expected);
        assertThat(JsonObjectCheck.fast(bytes, bytes.length)).as("fast on %s", json)
                .isEqualTo(expected ? JsonObjectCheck.YES : JsonObjectCheck.NO);
        assertThat(JsonObjectCheck.isJsonObject(bytes, bytes.length)).isEqualTo(expected);
    }

    @Test
    void leavesToJacksonWhatItDecodesOrLimits() {
        undecided(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}, true); // UTF-8 byte order mark
        undecided("{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8), true);
        undecided(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}, false); // truncated UTF-8
        undecided("{}".getBytes(StandardCharsets.UTF_16LE), true); // a zero byte: Jackson reads UTF-16
        undecided(("{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}").getBytes(StandardCharsets.US_ASCII), true);
        byte[] longNumber = ("{\"a\":1" + "0".repeat(200) + "}").getBytes(StandardCharsets.US_ASCII);
        undecided(longNumber, JsonObjectCheck.byJackson(longNumber, longNumber.length));
    }

    private static void undecided(byte[] bytes, boolean expected) {
        assertThat(JsonObjectCheck.fast(bytes, bytes.length)).isEqualTo(JsonObjectCheck.UNDECIDED);
        assertThat(JsonObjectCheck.byJackson(bytes, bytes.length)).isEqualTo(expected);
        assertThat(JsonObjectCheck.isJsonObject(bytes, bytes.length)).isEqualTo(expected);
    }

    @Test
    void honoursTheLengthNotTheArray() {
        byte[] bytes = "{\"a\":1}garbage".getBytes(StandardCharsets.US_ASCII);
        assertThat(JsonObjectCheck.isJsonObject(bytes, 7)).isTrue();
        assertThat(JsonObjectCheck.isJsonObject(bytes, 6)).isFalse();
        assertThat(JsonObjectCheck.isJsonObject(bytes, bytes.length)).isFalse();
    }

    /** Generated documents, mutated a few bytes at a time: the answer always equals Jackson's. */
    @Test
    void differentialFuzzAgainstJackson() {
        SplittableRandom random = new SplittableRandom(0x5EED_2026L);
        long deadline = System.nanoTime() + 20_000_000_000L;
        int cases = 0;
        int decided = 0;
        int valid = 0;
        for (; cases < 300_000 && System.nanoTime() < deadline; cases++) {
            StringBuilder text = new StringBuilder();
            object(text, random, 0);
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            int mutations = random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                bytes = mutate(bytes, random);
            }
            int length = random.nextInt(8) == 0 ? random.nextInt(bytes.length + 1) : bytes.length;
            boolean expected = JsonObjectCheck.byJackson(bytes, length);
            int fast = JsonObjectCheck.fast(bytes, length);
            if (fast != JsonObjectCheck.UNDECIDED) {
                decided++;
                assertThat(fast == JsonObjectCheck.YES).as("case %d: %s", cases,
                        new String(bytes, 0, length, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
            }
            assertThat(JsonObjectCheck.isJsonObject(bytes, length)).isEqualTo(expected);
            if (expected) {
                valid++;
            }
        }
        assertThat(cases).isGreaterThan(10_000);
        assertThat(decided).as("decided by the fast pass").isGreaterThan(cases / 2);
        assertThat(valid).as("valid documents").isGreaterThan(cases / 10);
        assertThat(valid).as("invalid documents").isLessThan(cases - cases / 10);
    }

    private static final String[] SPACE = {"", "", "", " ", "\n", "\t", "\r\n", "  "};
    private static final String[] NUMBERS = {"0", "-0", "1", "-12", "3.25", "1e5", "1E-5", "-0.0e+10", "123456789",
            "0.5", "10", "7"};
    private static final String[] STRINGS = {"", "a", "aps", "alert", "Hello, world", "\\\"", "\\\\", "\\/", "\\b\\f",
            "\\n\\r\\t", "\\u00e9", "\\uD83D\\uDE00", "é", "日本", "😀", "\u007f", "{[,:]}"};

    private static void object(StringBuilder out, SplittableRandom random, int depth) {
        out.append(space(random)).append('{');
        int members = random.nextInt(depth > 3 ? 2 : 5);
        for (int i = 0; i < members; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(space(random)).append('"').append(STRINGS[random.nextInt(STRINGS.length)]).append('"')
                    .append(space(random)).append(':');
            value(out, random, depth + 1);
        }
        out.append(space(random)).append('}').append(space(random));
    }

    private static void value(StringBuilder out, SplittableRandom random, int depth) {
        out.append(space(random));
        int kind = random.nextInt(depth > 4 ? 5 : 7);
        switch (kind) {
            case 0 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 1 -> out.append('"').append(STRINGS[random.nextInt(STRINGS.length)]).append('"');
            case 2 -> out.append("true");
            case 3 -> out.append("false");
            case 4 -> out.append("null");
            case 5 -> object(out, random, depth);
            default -> {
                out.append('[');
                int elements = random.nextInt(4);
                for (int i = 0; i < elements; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(out, random, depth + 1);
                }
                out.append(space(random)).append(']');
            }
        }
        out.append(space(random));
    }

    private static String space(SplittableRandom random) {
        return SPACE[random.nextInt(SPACE.length)];
    }

    private static final byte[] INTERESTING = "{}[],:\"\\/ \t\r\n0123456789-+.eEtrufalsnbx'#*\u0000\u0001\u000b\u001f\u007f"
            .getBytes(StandardCharsets.ISO_8859_1);

    private static byte[] mutate(byte[] bytes, SplittableRandom random) {
        if (bytes.length == 0) {
            return new byte[] {INTERESTING[random.nextInt(INTERESTING.length)]};
        }
        int at = random.nextInt(bytes.length);
        byte b = random.nextInt(10) == 0 ? (byte) random.nextInt(256) : INTERESTING[random.nextInt(INTERESTING.length)];
        switch (random.nextInt(4)) {
            case 0 -> { // replace
                byte[] copy = bytes.clone();
                copy[at] = b;
                return copy;
            }
            case 1 -> { // insert
                byte[] copy = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, copy, 0, at);
                copy[at] = b;
                System.arraycopy(bytes, at, copy, at + 1, bytes.length - at);
                return copy;
            }
            case 2 -> { // delete
                byte[] copy = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, copy, 0, at);
                System.arraycopy(bytes, at + 1, copy, at, bytes.length - at - 1);
                return copy;
            }
            default -> { // repeat a slice
                int end = at + random.nextInt(Math.min(8, bytes.length - at)) + 1;
                byte[] copy = new byte[bytes.length + end - at];
                System.arraycopy(bytes, 0, copy, 0, end);
                System.arraycopy(bytes, at, copy, end, bytes.length - at);
                return copy;
            }
        }
    }
}
