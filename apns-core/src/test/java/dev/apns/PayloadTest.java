package dev.apns;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadTest {

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    // --- the builder ---

    @Test
    void emptyBuilderBuildsAnEmptyApsDictionary() {
        assertThat(Payload.builder().build().toJson()).isEqualTo("{\"aps\":{}}");
    }

    @Test
    void builderWritesApsKeysInSetterOrderThenCustomKeysInInsertionOrder() {
        Payload payload = Payload.builder()
                .customField("order", 42)
                .alert("Hello")
                .badge(3)
                .sound("default")
                .category("MEETING")
                .threadId("chat-7")
                .customField("from", "ann")
                .build();

        assertThat(payload.toJson()).isEqualTo("{\"aps\":{\"alert\":\"Hello\",\"badge\":3,\"sound\":\"default\","
                + "\"category\":\"MEETING\",\"thread-id\":\"chat-7\"},\"order\":42,\"from\":\"ann\"}");
    }

    @Test
    void apsKeysFollowTheOrderOfTheSettersNotAFixedOrder() {
        Payload payload = Payload.builder().sound("ping").badge(1).alert("Hi").build();

        assertThat(payload.toJson()).isEqualTo("{\"aps\":{\"sound\":\"ping\",\"badge\":1,\"alert\":\"Hi\"}}");
    }

    @Test
    void alertDictionaryIsWrittenAsGivenWithAnyKeys() {
        Map<String, Object> alert = orderedMap(
                "title", "Game Request",
                "body", "Bob wants to play poker",
                "loc-key", "GAME_PLAY_REQUEST_FORMAT",
                "loc-args", List.of("Jenna", "Frank"),
                "a-key-apple-adds-next-year", true);

        Payload payload = Payload.builder().alert(alert).build();

        assertThat(payload.toJson()).isEqualTo("{\"aps\":{\"alert\":{\"title\":\"Game Request\","
                + "\"body\":\"Bob wants to play poker\",\"loc-key\":\"GAME_PLAY_REQUEST_FORMAT\","
                + "\"loc-args\":[\"Jenna\",\"Frank\"],\"a-key-apple-adds-next-year\":true}}}");
    }

    @Test
    void apsFieldWritesKeysTheSdkDoesNotKnow() {
        Payload payload = Payload.builder()
                .alert("Hi")
                .apsField("interruption-level", "time-sensitive")
                .apsField("relevance-score", 0.75)
                .build();

        assertThat(payload.toJson()).isEqualTo(
                "{\"aps\":{\"alert\":\"Hi\",\"interruption-level\":\"time-sensitive\",\"relevance-score\":0.75}}");
    }

    @Test
    void customFieldsTakeNestedMapsListsAndScalars() {
        Payload payload = Payload.builder()
                .customField("ids", List.of(1, 2, 3))
                .customField("meta", orderedMap("x", 1.5, "y", null, "z", false))
                .build();

        assertThat(payload.toJson()).isEqualTo(
                "{\"aps\":{},\"ids\":[1,2,3],\"meta\":{\"x\":1.5,\"y\":null,\"z\":false}}");
    }

    @Test
    void contentAvailableTrueWritesOneAndFalseRemovesIt() {
        Payload.Builder builder = Payload.builder().contentAvailable(true);
        assertThat(builder.build().toJson()).isEqualTo("{\"aps\":{\"content-available\":1}}");

        builder.contentAvailable(false);
        assertThat(builder.build().toJson()).isEqualTo("{\"aps\":{}}");
    }

    @Test
    void nullArgumentsRemoveTheirKeys() {
        Payload payload = Payload.builder()
                .alert("Hi").sound("ping").category("C").threadId("t").apsField("x", 1).customField("c", 2)
                .alert((String) null).sound(null).category(null).threadId(null).apsField("x", null)
                .customField("c", null)
                .badge(5)
                .build();

        assertThat(payload.toJson()).isEqualTo("{\"aps\":{\"badge\":5}}");
    }

    @Test
    void settingAKeyAgainReplacesTheValueInItsFirstPlace() {
        Payload payload = Payload.builder().alert("first").badge(1).alert("second").apsField("badge", 2).build();

        assertThat(payload.toJson()).isEqualTo("{\"aps\":{\"alert\":\"second\",\"badge\":2}}");
    }

    @Test
    void aBuilderCanBuildAgainAfterChanges() {
        Payload.Builder builder = Payload.builder().alert("one");
        Payload first = builder.build();
        Payload second = builder.badge(2).build();

        assertThat(first.toJson()).isEqualTo("{\"aps\":{\"alert\":\"one\"}}");
        assertThat(second.toJson()).isEqualTo("{\"aps\":{\"alert\":\"one\",\"badge\":2}}");
    }

    @Test
    void customFieldNamedApsIsRefusedPointingToTheApsSetters() {
        assertThatThrownBy(() -> Payload.builder().customField("aps", Map.of("alert", "x")))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("'aps'")
                .hasMessageContaining("apsField(key, value)")
                .hasMessageContaining("alert(...)");
    }

    @Test
    void aValueJacksonCannotWriteIsRefusedNamingItsKey() {
        Payload.Builder builder = Payload.builder().customField("when", Instant.EPOCH);

        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("The value of 'when' (a java.time.Instant) cannot be written as JSON: ")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBadValueInsideApsIsNamedWithItsApsPath() {
        Payload.Builder builder = Payload.builder().alert(orderedMap("title", "t", "body", new Object()));

        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("'aps.alert'");
    }

    @Test
    void aValueThatContainsItselfIsRefusedNamingItsKey() {
        Map<String, Object> loop = new LinkedHashMap<>();
        loop.put("self", loop);

        assertThatThrownBy(() -> Payload.builder().customField("loop", loop).build())
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessage("The value of 'loop' nests too deeply to be written as JSON; it may contain itself.");
    }

    @Test
    void nonFiniteNumbersAreRefusedNamingWhereTheyAre() {
        Payload.Builder builder = Payload.builder().customField("data", Map.of("x", List.of(1.0, Double.NaN)));

        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessage("The value of 'data.x[1]' is NaN, which JSON cannot represent; use a finite number or a string.");
        assertThatThrownBy(() -> Payload.builder().apsField("score", Float.POSITIVE_INFINITY).build())
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("'aps.score' is Infinity");
    }

    @Test
    void stringsWithABrokenUtf16CharacterAreRefused() {
        assertThatThrownBy(() -> Payload.builder().alert("ok \uD83D").build())
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("'aps.alert'")
                .hasMessageContaining("unpaired surrogate")
                .hasMessageContaining("index 3");
        assertThatThrownBy(() -> Payload.ofJson("{\"a\":\"\uDC00\"}"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("index 6");
    }

    @Test
    void textIsWrittenAsUtf8WithJsonEscapes() {
        Payload payload = Payload.builder().alert("Grüße 🎉 \"quoted\" \\ line\nnext\ttab").build();

        assertThat(payload.toJson()).isEqualTo(
                "{\"aps\":{\"alert\":\"Grüße 🎉 \\\"quoted\\\" \\\\ line\\nnext\\ttab\"}}");
        assertThat(payload.toBytes()).isEqualTo(payload.toJson().getBytes(StandardCharsets.UTF_8));
    }

    // --- raw JSON ---

    @Test
    void ofJsonKeepsTheTextExactlyAsWritten() {
        String text = " {\n  \"aps\" : { \"alert\" : \"Hi\" },\n  \"price\": 1.50, \"n\": 1e5 }\n";

        Payload payload = Payload.ofJson(text);

        assertThat(payload.toJson()).isEqualTo(text);
        assertThat(payload.toBytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ofJsonRefusesTextThatIsNotAnObjectSayingWhere() {
        assertThatThrownBy(() -> Payload.ofJson("  [1, 2]"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessage("The payload is not a valid JSON object at line 1, column 3: "
                        + "Expected a JSON object ({...}) but found start of an array.");
        assertThatThrownBy(() -> Payload.ofJson("\"aps\""))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("found a string");
        assertThatThrownBy(() -> Payload.ofJson("42"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("found a number");
        assertThatThrownBy(() -> Payload.ofJson("   "))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("empty or only white space");
    }

    @Test
    void ofJsonReportsTheLineAndColumnOfASyntaxError() {
        assertThatThrownBy(() -> Payload.ofJson("{\n  \"aps\": {\"alert\": \"x\",}\n}"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("The payload is not a valid JSON object at line 2, column ")
                .hasMessageContaining("Unexpected character ('}'");
        assertThatThrownBy(() -> Payload.ofJson("{\"aps\": {"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void ofJsonRefusesAnythingAfterTheObject() {
        assertThatThrownBy(() -> Payload.ofJson("{\"aps\":{}} {\"b\":1}"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessage("The payload is not a valid JSON object at line 1, column 12: "
                        + "Unexpected content after the end of the JSON value (start of an object).");
        assertThatThrownBy(() -> Payload.ofJson("{\"aps\":{}}}"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("column 11");
        assertThatThrownBy(() -> Payload.ofJson("{\"aps\":{}} garbage"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("garbage");
    }

    @Test
    void ofJsonRefusesAKeyTwiceInOneObject() {
        assertThatThrownBy(() -> Payload.ofJson("{\"aps\":{\"badge\":1,\"badge\":2}}"))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("Duplicate field 'badge'");
    }

    // --- sizes and bytes ---

    @Test
    void sizeCountsUtf8BytesNotCharacters() {
        Payload payload = Payload.builder().alert("é🎉").build();

        String json = payload.toJson();
        assertThat(json).isEqualTo("{\"aps\":{\"alert\":\"é🎉\"}}");
        assertThat(json.length()).isEqualTo(23);
        assertThat(payload.size()).isEqualTo(20 + 2 + 4);
    }

    @Test
    void fitsInIsTrueUpToAndIncludingTheLimit() {
        Payload payload = Payload.ofJson("{\"aps\":{}}");

        assertThat(payload.size()).isEqualTo(10);
        assertThat(payload.fitsIn(10)).isTrue();
        assertThat(payload.fitsIn(9)).isFalse();
        assertThat(payload.fitsIn(Payload.LEGACY_LIMIT)).isTrue();
        assertThatThrownBy(() -> payload.fitsIn(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void largePayloadsAreBuiltAndMeasuredButNotRefused() {
        Payload payload = Payload.builder().alert("x".repeat(3000)).build();

        assertThat(payload.size()).isEqualTo(20 + 3000);
        assertThat(payload.fitsIn(Payload.BINARY_LIMIT)).isFalse();
        assertThat(payload.fitsIn(Payload.HTTP2_LIMIT)).isTrue();
    }

    @Test
    void limitsAreTheProtocolsSizes() {
        assertThat(Payload.LEGACY_LIMIT).isEqualTo(256);
        assertThat(Payload.BINARY_LIMIT).isEqualTo(2048);
        assertThat(Payload.HTTP2_LIMIT).isEqualTo(4096);
    }

    @Test
    void toBytesReturnsAFreshCopyEachTime() {
        Payload payload = Payload.builder().alert("Hi").build();

        byte[] bytes = payload.toBytes();
        bytes[0] = 'X';

        assertThat(payload.toBytes()).isNotSameAs(payload.toBytes());
        assertThat(payload.toJson()).startsWith("{");
    }

    @Test
    void writeToPutsTheBytesAtTheBuffersPositionAndAdvancesIt() {
        Payload payload = Payload.builder().badge(1).build();
        ByteBuffer buffer = ByteBuffer.allocate(64);
        buffer.put(new byte[] {7, 7, 7});

        payload.writeTo(buffer);

        assertThat(buffer.position()).isEqualTo(3 + payload.size());
        byte[] written = Arrays.copyOfRange(buffer.array(), 3, 3 + payload.size());
        assertThat(written).isEqualTo(payload.toBytes());
    }

    @Test
    void writeToAShortBufferWritesNothing() {
        Payload payload = Payload.builder().badge(1).build();
        ByteBuffer buffer = ByteBuffer.allocate(payload.size() - 1);

        assertThatThrownBy(() -> payload.writeTo(buffer)).isInstanceOf(BufferOverflowException.class);
        assertThat(buffer.position()).isZero();
    }

    // --- maps ---

    @Test
    @SuppressWarnings("unchecked")
    void toMapReadsTheObjectInDocumentOrderAsUnmodifiableValues() {
        Payload payload = Payload.ofJson("{\"z\":1,\"aps\":{\"alert\":\"a\",\"badge\":2},\"list\":[true,null,\"s\"]}");

        Map<String, Object> map = payload.toMap();

        assertThat(map).containsOnlyKeys("z", "aps", "list");
        assertThat(map.keySet()).containsExactly("z", "aps", "list");
        assertThat(map.get("aps")).isEqualTo(orderedMap("alert", "a", "badge", 2));
        assertThat((List<Object>) map.get("list")).containsExactly(true, null, "s");
        assertThatThrownBy(() -> map.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> aps = (Map<String, Object>) map.get("aps");
        assertThatThrownBy(() -> aps.put("sound", "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toMapGivesIntegersTheSmallestTypeAndKeepsDigitsOfOtherNumbers() {
        Map<String, Object> map = Payload.ofJson("{\"i\":7,\"l\":5000000000,\"b\":123456789012345678901234567890,"
                + "\"d\":0.25,\"e\":1.0E10,\"scaled\":1.10,\"huge\":1e400,\"exact\":1e5}").toMap();

        assertThat(map.get("i")).isEqualTo(7);
        assertThat(map.get("l")).isEqualTo(5_000_000_000L);
        assertThat(map.get("b")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(map.get("d")).isEqualTo(0.25);
        assertThat(map.get("e")).isEqualTo(1.0E10);
        assertThat(map.get("scaled")).isEqualTo(new BigDecimal("1.10"));
        assertThat(map.get("huge")).isEqualTo(new BigDecimal("1e400"));
        assertThat(map.get("exact")).isEqualTo(100000.0);
    }

    @Test
    void aBuiltPayloadRoundTripsThroughItsMapByteForByte() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("null", null);
        nested.put("float", 1.1f);
        nested.put("negativeZero", -0.0);
        nested.put("tiny", 1.0E-7);
        nested.put("big", 1.0E10);
        nested.put("scaled", new BigDecimal("1.10"));
        nested.put("plainBig", new BigDecimal("100"));
        nested.put("bigInteger", new BigInteger("123456789012345678901234567890"));
        nested.put("long", Long.MIN_VALUE);
        nested.put("bytes", new byte[] {1, 2, 3});
        nested.put("text", "é🎉 \"q\" \\ \u0001 \n");
        Payload payload = Payload.builder()
                .alert(orderedMap("title", "T", "body", "B", "loc-args", List.of("a", 1)))
                .badge(9)
                .contentAvailable(true)
                .apsField("relevance-score", 0.3)
                .customField("nested", nested)
                .customField("list", List.of(List.of(), Map.of(), 0.1))
                .build();

        Payload again = Payload.fromMap(payload.toMap());

        assertThat(again.toJson()).isEqualTo(payload.toJson());
        assertThat(again).isEqualTo(payload);
    }

    @Test
    void aRawPayloadRoundTripsThroughItsMapWithTheSameMeaningWrittenCompactly() {
        Payload raw = Payload.ofJson("{ \"aps\" : { \"alert\" : \"Hi\" }, \"n\" : 1e5, \"s\": 1.10, \"h\": 1e400, "
                + "\"u\": \"\\u0041\" }");

        Payload again = Payload.fromMap(raw.toMap());

        assertThat(again.toJson()).isEqualTo("{\"aps\":{\"alert\":\"Hi\"},\"n\":100000.0,\"s\":1.10,\"h\":1E+400,\"u\":\"A\"}");
        assertThat(again.toMap()).isEqualTo(raw.toMap());
    }

    @Test
    void fromMapWritesKeysInTheMapsOrderAndKeepsNullValues() {
        Map<String, Object> map = orderedMap("custom", null, "aps", orderedMap("badge", 1));

        assertThat(Payload.fromMap(map).toJson()).isEqualTo("{\"custom\":null,\"aps\":{\"badge\":1}}");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void fromMapRefusesKeysThatAreNotStrings() {
        Map raw = new LinkedHashMap();
        raw.put(1, "x");

        assertThatThrownBy(() -> Payload.fromMap(raw))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessage("A payload map has the key '1' (a java.lang.Integer); the keys of a JSON object are strings.");
        Map<String, Object> withNullKey = new LinkedHashMap<>();
        withNullKey.put(null, "x");
        assertThatThrownBy(() -> Payload.fromMap(withNullKey))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("key null");
    }

    @Test
    void fromMapRefusesAValueJacksonCannotWriteNamingItsKey() {
        assertThatThrownBy(() -> Payload.fromMap(Map.of("aps", Map.of(), "bad", new Object())))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("The value of 'bad' (a java.lang.Object) cannot be written as JSON");
    }

    // --- identity ---

    @Test
    void payloadsAreEqualWhenTheirBytesAre() {
        Payload built = Payload.builder().alert("Hi").build();
        Payload raw = Payload.ofJson("{\"aps\":{\"alert\":\"Hi\"}}");
        Payload spaced = Payload.ofJson("{\"aps\": {\"alert\": \"Hi\"}}");

        assertThat(raw).isEqualTo(built).hasSameHashCodeAs(built);
        assertThat(spaced).isNotEqualTo(built);
    }

    @Test
    void toStringShowsTheSizeAndTheJsonAbbreviatedPast200Characters() {
        assertThat(Payload.builder().alert("Hi").build().toString())
                .isEqualTo("Payload[22 bytes: {\"aps\":{\"alert\":\"Hi\"}}]");

        Payload large = Payload.builder().alert("y".repeat(500)).build();
        String text = large.toString();
        assertThat(text).startsWith("Payload[520 bytes: {\"aps\":{\"alert\":\"yyy").endsWith("...]");
        assertThat(text.length()).isEqualTo("Payload[520 bytes: ".length() + 200 + "...]".length());
    }

    @Test
    void builderKeepsTheAlertMapAsGivenAtBuildTime() {
        List<Object> args = new ArrayList<>(List.of("a"));
        Payload.Builder builder = Payload.builder().alert(orderedMap("loc-args", args));
        args.add("b");

        assertThat(builder.build().toJson()).isEqualTo("{\"aps\":{\"alert\":{\"loc-args\":[\"a\",\"b\"]}}}");
    }
}
