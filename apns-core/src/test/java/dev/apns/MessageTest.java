package dev.apns;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageTest {
    private static final String TOKEN_A = "a1".repeat(32);
    private static final String TOKEN_B = "b2".repeat(32);
    private static final String TOKEN_C = "c3".repeat(32);

    private static Message.Builder minimal() {
        return Message.builder().token(TOKEN_A).alert("Hi");
    }

    private static Map<String, Object> validMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("tokens", List.of(TOKEN_A));
        map.put("payload", Map.of("aps", Map.of("alert", "Hi")));
        return map;
    }

    @Nested
    class Building {
        @Test
        void tokensKeepTheirOrderAndDuplicates() {
            Message message = Message.builder()
                    .token(TOKEN_B)
                    .token(DeviceToken.fromHex(TOKEN_A))
                    .hexTokens(List.of(TOKEN_C, TOKEN_B))
                    .tokens(List.of(DeviceToken.fromHex(TOKEN_A)))
                    .alert("Hi")
                    .build();

            assertThat(message.tokens()).extracting(DeviceToken::toHex)
                    .containsExactly(TOKEN_B, TOKEN_A, TOKEN_C, TOKEN_B, TOKEN_A);
        }

        @Test
        void tokensCannotBeChangedThroughTheList() {
            Message message = minimal().build();

            assertThatThrownBy(() -> message.tokens().add(DeviceToken.fromHex(TOKEN_B)))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void buildWithoutATokenIsRefused() {
            assertThatThrownBy(() -> Message.builder().alert("Hi").build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("A message needs at least one device token; add one with token(...).");
        }

        @Test
        void buildWithoutAPayloadIsRefusedNamingThePayload() {
            assertThatThrownBy(() -> Message.builder().token(TOKEN_A).priority(10).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("A message needs a payload; set one with payload(...), rawPayload(...) or the payload "
                            + "setters such as alert(...).");
        }

        @Test
        void aWholePayloadTogetherWithPayloadSettersIsRefusedAtBuild() {
            Message.Builder setterFirst = Message.builder().token(TOKEN_A).badge(1)
                    .payload(Payload.builder().alert("x").build());
            Message.Builder rawFirst = Message.builder().token(TOKEN_A).rawPayload("{\"aps\":{}}").sound("ping");

            assertThatThrownBy(setterFirst::build)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not both")
                    .hasMessageContaining("payload(...) and badge(...)");
            assertThatThrownBy(rawFirst::build)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("rawPayload(...) and sound(...)");
        }

        @Test
        void theLaterWholePayloadReplacesTheEarlierOne() {
            Message message = Message.builder().token(TOKEN_A)
                    .payload(Payload.builder().alert("first").build())
                    .rawPayload("{\"aps\":{\"alert\":\"second\"}}")
                    .build();

            assertThat(message.payload().toJson()).isEqualTo("{\"aps\":{\"alert\":\"second\"}}");
        }

        @Test
        void payloadSettersBuildThePayload() {
            Message message = Message.builder().token(TOKEN_A)
                    .alert(Map.of("title", "T"))
                    .badge(2)
                    .sound("default")
                    .contentAvailable(true)
                    .category("C")
                    .threadId("t")
                    .apsField("interruption-level", "passive")
                    .customField("id", 7)
                    .build();

            assertThat(message.payload().toJson()).isEqualTo("{\"aps\":{\"alert\":{\"title\":\"T\"},\"badge\":2,"
                    + "\"sound\":\"default\",\"content-available\":1,\"category\":\"C\",\"thread-id\":\"t\","
                    + "\"interruption-level\":\"passive\"},\"id\":7}");
            assertThat(message.expiry()).isEmpty();
            assertThat(message.priority()).isEmpty();
        }

        @Test
        void aSetterThatOnlyRemovesStillGivesAnEmptyApsPayload() {
            Message message = Message.builder().token(TOKEN_A).sound(null).build();

            assertThat(message.payload().toJson()).isEqualTo("{\"aps\":{}}");
        }

        @Test
        void aBadHexTokenIsReportedWithItsIndex() {
            assertThatThrownBy(() -> Message.builder().token(TOKEN_A).hexTokens(List.of(TOKEN_B, "xyz")))
                    .isInstanceOf(InvalidTokenException.class)
                    .hasMessageStartingWith("The token at index 2 of the message is invalid: Device token 'xyz'")
                    .hasCauseInstanceOf(InvalidTokenException.class);
        }

        @Test
        void expiryIsTruncatedToWholeSeconds() {
            Message message = minimal().expiry(Instant.ofEpochSecond(1_700_000_000L, 999_999_999)).build();

            assertThat(message.expiry()).contains(Instant.ofEpochSecond(1_700_000_000L));
        }

        @Test
        void expiryAcceptsTheWholeUnsigned32BitRange() {
            assertThat(minimal().expiry(Instant.EPOCH).build().expiry()).contains(Instant.EPOCH);
            assertThat(minimal().expiry(Instant.ofEpochSecond(4_294_967_295L)).build().expiry())
                    .contains(Instant.ofEpochSecond(4_294_967_295L));
        }

        @Test
        void expiryOutsideTheUnsigned32BitRangeIsRefusedNamingTheValue() {
            assertThatThrownBy(() -> minimal().expiry(Instant.ofEpochSecond(4_294_967_296L)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2106-02-07T06:28:16Z (4294967296 seconds since the epoch)")
                    .hasMessageContaining("1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z");
            assertThatThrownBy(() -> minimal().expiry(Instant.ofEpochMilli(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(-1 seconds since the epoch)");
        }

        @Test
        void aNullExpiryRemovesIt() {
            assertThat(minimal().expiry(Instant.EPOCH).expiry(null).build().expiry()).isEmpty();
        }

        @Test
        void priorityIsOneUnsignedByte() {
            assertThat(minimal().priority(0).build().priority()).isEqualTo(OptionalInt.of(0));
            assertThat(minimal().priority(255).build().priority()).isEqualTo(OptionalInt.of(255));
            assertThatThrownBy(() -> minimal().priority(256))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Priority must be 0 to 255 (Apple uses 10 and 5); was 256.");
            assertThatThrownBy(() -> minimal().priority(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("was -1");
        }

        @Test
        void aBuilderCanBuildAgainWithoutChangingEarlierMessages() {
            Message.Builder builder = minimal();
            Message first = builder.build();
            Message second = builder.token(TOKEN_B).build();

            assertThat(first.tokens()).hasSize(1);
            assertThat(second.tokens()).hasSize(2);
        }
    }

    @Nested
    class Identity {
        @Test
        void withTokensKeepsPayloadExpiryAndPriority() {
            Message message = minimal().expiry(Instant.ofEpochSecond(60)).priority(5).build();

            Message retry = message.withTokens(List.of(DeviceToken.fromHex(TOKEN_C), DeviceToken.fromHex(TOKEN_B)));

            assertThat(retry.tokens()).extracting(DeviceToken::toHex).containsExactly(TOKEN_C, TOKEN_B);
            assertThat(retry.payload()).isEqualTo(message.payload());
            assertThat(retry.expiry()).isEqualTo(message.expiry());
            assertThat(retry.priority()).isEqualTo(message.priority());
        }

        @Test
        void withTokensRefusesAnEmptyCollection() {
            Message message = minimal().build();

            assertThatThrownBy(() -> message.withTokens(List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one device token");
        }

        @Test
        void withTokensIsNotAffectedByLaterChangesToTheCollection() {
            List<DeviceToken> tokens = new ArrayList<>(List.of(DeviceToken.fromHex(TOKEN_B)));
            Message retry = minimal().build().withTokens(tokens);
            tokens.add(DeviceToken.fromHex(TOKEN_C));

            assertThat(retry.tokens()).hasSize(1);
        }

        @Test
        void messagesAreEqualWhenEveryFieldIs() {
            Message one = minimal().expiry(Instant.ofEpochSecond(60)).priority(10).build();
            Message same = Message.builder().token(TOKEN_A.toUpperCase()).rawPayload("{\"aps\":{\"alert\":\"Hi\"}}")
                    .expiry(Instant.ofEpochSecond(60, 5)).priority(10).build();

            assertThat(same).isEqualTo(one).hasSameHashCodeAs(one);
            assertThat(minimal().expiry(Instant.ofEpochSecond(60)).priority(5).build()).isNotEqualTo(one);
            assertThat(minimal().priority(10).build()).isNotEqualTo(one);
            assertThat(one.withTokens(List.of(DeviceToken.fromHex(TOKEN_B)))).isNotEqualTo(one);
            assertThat(Message.builder().token(TOKEN_A).alert("Ho").expiry(Instant.ofEpochSecond(60)).priority(10)
                    .build()).isNotEqualTo(one);
        }

        @Test
        void toStringCountsTokensAndShowsTheFirstAndThePayloadSize() {
            Message message = Message.builder().token(TOKEN_A).token(TOKEN_B).alert("Hi")
                    .expiry(Instant.EPOCH).priority(10).build();

            assertThat(message.toString()).isEqualTo("Message[2 tokens, first " + TOKEN_A
                    + ", payload 22 bytes, expiry 1970-01-01T00:00:00Z, priority 10]");
            assertThat(minimal().build().toString()).isEqualTo("Message[1 token " + TOKEN_A + ", payload 22 bytes]");
        }
    }

    @Nested
    class Maps {
        @Test
        void toMapHasTokensPayloadExpiryAndPriorityInThatOrder() {
            Message message = Message.builder().token(TOKEN_A).token(TOKEN_B).alert("Hi")
                    .expiry(Instant.ofEpochSecond(1_700_000_000L)).priority(10).build();

            Map<String, Object> map = message.toMap();

            assertThat(map.keySet()).containsExactly("tokens", "payload", "expiry", "priority");
            assertThat(map.get("tokens")).isEqualTo(List.of(TOKEN_A, TOKEN_B));
            assertThat(map.get("payload")).isEqualTo(Map.of("aps", Map.of("alert", "Hi")));
            assertThat(map.get("expiry")).isEqualTo(1_700_000_000L);
            assertThat(map.get("priority")).isEqualTo(10);
            assertThatThrownBy(() -> map.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void toMapLeavesOutExpiryAndPriorityWhenUnset() {
            assertThat(minimal().build().toMap().keySet()).containsExactly("tokens", "payload");
        }

        @Test
        void toJsonWritesTheMapCompactly() {
            Message message = minimal().expiry(Instant.ofEpochSecond(1_700_000_000L)).priority(10).build();

            assertThat(message.toJson()).isEqualTo("{\"tokens\":[\"" + TOKEN_A + "\"],\"payload\":{\"aps\":"
                    + "{\"alert\":\"Hi\"}},\"expiry\":1700000000,\"priority\":10}");
        }

        @Test
        void aMessageRoundTripsThroughItsMapAndItsJsonWithExpiryAndPriority() {
            Message message = Message.builder().token(TOKEN_A).token(TOKEN_A).token(TOKEN_B)
                    .alert(Map.of("title", "T", "body", "B")).badge(3).customField("score", 0.1)
                    .customField("when", new BigDecimal("1.10")).customField("emoji", "🎉")
                    .expiry(Instant.ofEpochSecond(4_294_967_295L)).priority(0).build();

            Message viaMap = Message.fromMap(message.toMap());
            Message viaJson = Message.fromJson(message.toJson());

            assertThat(viaMap).isEqualTo(message);
            assertThat(viaJson).isEqualTo(message);
            assertThat(viaJson.payload().toBytes()).isEqualTo(message.payload().toBytes());
        }

        @Test
        void aMessageRoundTripsWithoutExpiryAndPriority() {
            Message message = minimal().build();

            Message again = Message.fromJson(message.toJson());

            assertThat(again).isEqualTo(message);
            assertThat(again.expiry()).isEmpty();
            assertThat(again.priority()).isEmpty();
        }

        @Test
        void anEpochExpiryRoundTrips() {
            Message message = minimal().expiry(Instant.EPOCH).build();

            assertThat(Message.fromJson(message.toJson()).expiry()).contains(Instant.EPOCH);
        }

        @Test
        void aTenThousandTokenMessageRoundTrips() {
            List<String> hex = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                hex.add(String.format("%064x", i));
            }
            Message message = Message.builder().hexTokens(hex).alert("Hi").priority(10).build();

            Message again = Message.fromJson(message.toJson());

            assertThat(again).isEqualTo(message);
            assertThat(again.tokens()).hasSize(10_000);
            assertThat(again.tokens().get(9_999).toHex()).isEqualTo(hex.get(9_999));
        }

        @Test
        void aRawPayloadRoundTripsWithTheSameMeaningWrittenCompactly() {
            Message message = Message.builder().token(TOKEN_A)
                    .rawPayload("{ \"aps\": { \"badge\": 1 }, \"n\": 1e5 }").build();

            Message again = Message.fromJson(message.toJson());

            assertThat(again.payload().toJson()).isEqualTo("{\"aps\":{\"badge\":1},\"n\":100000.0}");
            assertThat(again.payload().toMap()).isEqualTo(message.payload().toMap());
        }

        @Test
        void numbersMayComeAsAnyWholeNumberType() {
            for (Object expiry : List.of(60, 60L, BigInteger.valueOf(60), 60.0, 60.0f, new BigDecimal("60.000"),
                    (short) 60)) {
                Map<String, Object> map = validMap();
                map.put("expiry", expiry);
                map.put("priority", expiry);

                Message message = Message.fromMap(map);

                assertThat(message.expiry()).as("expiry from %s", expiry.getClass()).contains(Instant.ofEpochSecond(60));
                assertThat(message.priority()).as("priority from %s", expiry.getClass()).isEqualTo(OptionalInt.of(60));
            }
        }

        @Test
        void nullExpiryAndPriorityMeanAbsent() {
            Map<String, Object> map = validMap();
            map.put("expiry", null);
            map.put("priority", null);

            Message message = Message.fromMap(map);

            assertThat(message.expiry()).isEmpty();
            assertThat(message.priority()).isEmpty();
        }

        @Test
        void http2FieldsSurviveTheMapAndJsonRoundTrip() {
            Message message = Message.builder().alert("hi").token("ab".repeat(32)).topic("com.example.app.voip")
                    .pushType(PushType.VOIP).collapseId("score").build();

            Message back = Message.fromJson(message.toJson());

            assertThat(back).isEqualTo(message);
            assertThat(back.topic()).contains("com.example.app.voip");
            assertThat(back.pushType()).contains(PushType.VOIP);
            assertThat(back.collapseId()).contains("score");
            assertThat(back.withTokens(List.of(DeviceToken.fromHex("cd".repeat(32)))).pushType()).contains(PushType.VOIP);
        }

        @Test
        void aBadHttp2FieldIsRefusedNamingIt() {
            Map<String, Object> map = Map.of("tokens", List.of("ab".repeat(32)), "payload", Map.of(), "collapse-id", "x".repeat(65));
            assertThatThrownBy(() -> Message.fromMap(map)).isInstanceOf(InvalidPayloadException.class)
                    .hasMessageContaining("collapseId");
            Map<String, Object> typed = Map.of("tokens", List.of("ab".repeat(32)), "payload", Map.of(), "topic", 5);
            assertThatThrownBy(() -> Message.fromMap(typed)).isInstanceOf(InvalidPayloadException.class)
                    .hasMessageContaining("'topic' must be text");
        }

        @Test
        void anUnknownKeyIsRefusedSoATypoIsNotIgnored() {
            Map<String, Object> map = validMap();
            map.put("priorty", 10);

            assertThatThrownBy(() -> Message.fromMap(map))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("A message map has the unknown key 'priorty'; its keys are 'tokens', 'payload', and "
                            + "optionally 'expiry', 'priority', 'topic', 'push-type' and 'collapse-id'.");
        }

        @Test
        void missingTokensOrPayloadAreNamed() {
            Map<String, Object> noTokens = validMap();
            noTokens.remove("tokens");
            Map<String, Object> noPayload = validMap();
            noPayload.remove("payload");

            assertThatThrownBy(() -> Message.fromMap(noTokens))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("A message map needs 'tokens', a list of device tokens in hex; it has none.");
            assertThatThrownBy(() -> Message.fromMap(noPayload))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("A message map needs 'payload', the payload's JSON object as a map; it has none.");
        }

        @Test
        void valuesOfTheWrongTypeAreNamedWithTheirKey() {
            assertThatThrownBy(() -> Message.fromMap(with("tokens", TOKEN_A)))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("'tokens' must be a list of device tokens in hex, but is '" + TOKEN_A
                            + "' (a java.lang.String).");
            assertThatThrownBy(() -> Message.fromMap(with("tokens", List.of(TOKEN_A, 7))))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("'tokens[1]' must be a device token in hex, but is '7' (a java.lang.Integer).");
            assertThatThrownBy(() -> Message.fromMap(with("tokens", List.of())))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("'tokens' is empty; a message needs at least one device token.");
            assertThatThrownBy(() -> Message.fromMap(with("payload", "{\"aps\":{}}")))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessageStartingWith("'payload' must be the payload's JSON object as a map, but is ");
            assertThatThrownBy(() -> Message.fromMap(with("expiry", "1700000000")))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("'expiry' must be a whole number (seconds since the epoch), but is '1700000000' "
                            + "(a java.lang.String).");
            assertThatThrownBy(() -> Message.fromMap(with("priority", 10.5)))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("'priority' must be a whole number (the priority byte), but is '10.5' "
                            + "(a java.lang.Double).");
            assertThatThrownBy(() -> Message.fromMap(with("priority", Double.NaN)))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessageContaining("'priority' must be a whole number");
        }

        @Test
        void numbersOutOfRangeAreNamedWithTheirKey() {
            assertThatThrownBy(() -> Message.fromMap(with("expiry", 4_294_967_296L)))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("'expiry' is 4294967296, outside 0 to 4294967295 (seconds since the epoch).");
            assertThatThrownBy(() -> Message.fromMap(with("expiry", -1)))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessageContaining("'expiry' is -1");
            assertThatThrownBy(() -> Message.fromMap(with("priority", 256)))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessage("'priority' is 256, outside 0 to 255 (the priority byte).");
            assertThatThrownBy(() -> Message.fromMap(with("priority", new BigDecimal("1E+999999"))))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessageContaining("outside 0 to 255");
        }

        @Test
        void aBadTokenIsReportedWithItsIndexInTheMessage() {
            assertThatThrownBy(() -> Message.fromMap(with("tokens", List.of(TOKEN_A, TOKEN_B, "abc"))))
                    .isInstanceOf(InvalidTokenException.class)
                    .hasMessage("The token at index 2 of the message is invalid: Device token 'abc' has an odd number "
                            + "of hex digits (3); each byte takes two.");
        }

        @Test
        void aPayloadValueThatCannotBeWrittenIsNamed() {
            assertThatThrownBy(() -> Message.fromMap(with("payload", Map.of("aps", Map.of(), "when", Instant.EPOCH))))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessageStartingWith("'payload' cannot be written as JSON: The value of 'when'");
        }

        @Test
        void fromJsonReportsInvalidJsonWithItsLocation() {
            assertThatThrownBy(() -> Message.fromJson("{\"tokens\": [\"" + TOKEN_A + "\"],\n \"payload\": }"))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessageStartingWith("The message is not a valid JSON object at line 2, column ");
            assertThatThrownBy(() -> Message.fromJson("[]"))
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessageContaining("line 1, column 1")
                    .hasMessageContaining("start of an array");
            assertThatThrownBy(() -> Message.fromJson("{\"tokens\":[\"" + TOKEN_A + "\"],\"payload\":{\"aps\":{}}} x"))
                    .isInstanceOf(InvalidPayloadException.class);
        }

        private Map<String, Object> with(String key, Object value) {
            Map<String, Object> map = validMap();
            map.put(key, value);
            return map;
        }
    }

    @Nested
    class DeviceTokenParsing {
        @Test
        void hexInUpperCaseWithSpacesAndAngleBracketsIsAccepted() {
            DeviceToken token = DeviceToken.fromHex("<A1B2 C3D4 e5f6>");

            assertThat(token.toHex()).isEqualTo("a1b2c3d4e5f6");
            assertThat(token.length()).isEqualTo(6);
            assertThat(token.toBytes()).containsExactly(0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6);
            assertThat(token).isEqualTo(DeviceToken.fromHex("a1b2c3d4e5f6"));
        }

        @Test
        void anOddNumberOfDigitsIsRefused() {
            assertThatThrownBy(() -> DeviceToken.fromHex("abc"))
                    .isInstanceOf(InvalidTokenException.class)
                    .hasMessage("Device token 'abc' has an odd number of hex digits (3); each byte takes two.");
        }

        @Test
        void aNonHexCharacterIsRefusedWithItsPosition() {
            assertThatThrownBy(() -> DeviceToken.fromHex("a1g2"))
                    .isInstanceOf(InvalidTokenException.class)
                    .hasMessage("Device token 'a1g2' has 'g' at position 2; a token is written in hex digits (0-9, a-f).");
        }

        @Test
        void anEmptyTokenIsRefused() {
            assertThatThrownBy(() -> DeviceToken.fromHex(""))
                    .isInstanceOf(InvalidTokenException.class)
                    .hasMessage("Device token '' is empty.");
            assertThatThrownBy(() -> DeviceToken.fromHex("< >"))
                    .isInstanceOf(InvalidTokenException.class)
                    .hasMessageContaining("is empty");
        }
    }
}
