package dev.apns.internal.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SDK's one JSON configuration: a shared {@link ObjectMapper} and a reader that turns JSON text into
 * plain Java values in a way that writes back to the same text where it can. Stateless apart from the
 * mapper, which is configured once here and never changed afterwards, so every method is thread-safe.
 *
 * <p>Reading rules:
 * <ul>
 *   <li>objects become unmodifiable {@link LinkedHashMap}s in document order, arrays unmodifiable lists
 *       (both may hold {@code null});</li>
 *   <li>integers become {@link Integer}, {@link Long} or {@link java.math.BigInteger}, the smallest that
 *       holds the value;</li>
 *   <li>a number with a fraction or exponent becomes a {@link Double} when {@link Double#toString(double)}
 *       gives back the same text ({@code 0.5}, {@code 1.0E10}), else a {@link BigDecimal} when
 *       {@link BigDecimal#toString()} does ({@code 1.10}, {@code 1E+400}), else a {@code Double} when one
 *       holds exactly the same value ({@code 1e5}), else a {@code BigDecimal} (so no digit is lost);</li>
 *   <li>a key appearing twice in one object is an error: a map could keep only one of them;</li>
 *   <li>anything after the top-level value other than white space is an error.</li>
 * </ul>
 */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // Characters beyond U+FFFF go out as their 4 UTF-8 bytes, not as two 6-byte escapes.
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            // A BigDecimal the user gives is written with the scale it has ("1.10" stays "1.10").
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {
    }

    /** The shared mapper. Do not reconfigure it: configure a copy ({@link ObjectMapper#copy()}) instead. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Compact UTF-8 JSON for a value (a map, a list, a {@link JsonNode}, ...). */
    public static byte[] write(Object value) throws JsonProcessingException {
        return MAPPER.writeValueAsBytes(value);
    }

    /**
     * Reads one JSON value from UTF-8 bytes with the rules of this class.
     *
     * @throws JsonProcessingException when the bytes are not exactly one JSON value; its
     *     {@link JsonProcessingException#getLocation() location} says where
     */
    public static Object read(byte[] utf8) throws JsonProcessingException {
        return read(utf8, false);
    }

    private static Object read(byte[] utf8, boolean objectOnly) throws JsonProcessingException {
        try (JsonParser parser = MAPPER.createParser(utf8)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new EmptyInputException(parser.currentLocation());
            }
            if (objectOnly && first != JsonToken.START_OBJECT) {
                throw new NotAnObjectException(first, parser.currentTokenLocation());
            }
            Object value = readValue(parser, first);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new TrailingContentException(trailing, parser.currentTokenLocation());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            // A byte array cannot fail to be read; anything else here is a bug worth surfacing.
            throw new IllegalStateException("Reading JSON from memory failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one JSON object from UTF-8 bytes with the rules of this class.
     *
     * @throws JsonProcessingException when the bytes are not exactly one JSON object; its
     *     {@link JsonProcessingException#getLocation() location} says where (for a value that is not an
     *     object, where that value starts)
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readObject(byte[] utf8) throws JsonProcessingException {
        return (Map<String, Object>) read(utf8, true);
    }

    /**
     * Where a parse problem was found, as {@code " at line L, column C"} (empty when Jackson did not say),
     * to append to a sentence.
     */
    public static String describeLocation(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        if (location.getColumnNr() < 0) {
            return " at line " + location.getLineNr();
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** Jackson's description of a parse problem without its location suffix. */
    public static String describeProblem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /**
     * The index of the first unpaired UTF-16 surrogate in {@code text} (a broken character that UTF-8
     * cannot encode), or -1 when there is none.
     */
    public static int firstUnpairedSurrogate(CharSequence text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    map.put(name, readValue(parser, parser.nextToken()));
                }
                expectEnd(parser, next, JsonToken.END_OBJECT);
                return Collections.unmodifiableMap(map);
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY && next != null) {
                    list.add(readValue(parser, next));
                }
                expectEnd(parser, next, JsonToken.END_ARRAY);
                return Collections.unmodifiableList(list);
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return decimal(parser.getText());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new UnexpectedTokenException(token, parser.currentTokenLocation());
        }
    }

    private static void expectEnd(JsonParser parser, JsonToken actual, JsonToken expected) throws JsonProcessingException {
        if (actual != expected) {
            // The parser reports truncated input itself; this guards against a token stream we did not expect.
            throw new UnexpectedTokenException(actual, parser.currentLocation());
        }
    }

    private static Number decimal(String text) {
        BigDecimal exact = new BigDecimal(text);
        double approximate = Double.parseDouble(text); // keeps -0.0, which BigDecimal cannot
        boolean finite = Double.isFinite(approximate);
        if (finite && Double.toString(approximate).equals(text)) {
            return approximate; // written back as the same text
        }
        if (exact.toString().equals(text)) {
            return exact; // written back as the same text ("1.10", "1E+400")
        }
        if (finite && BigDecimal.valueOf(approximate).compareTo(exact) == 0) {
            return approximate; // same value, other spelling ("1e5" comes back as 100000.0)
        }
        return exact;
    }

    /** The input held no JSON value at all. */
    private static final class EmptyInputException extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        EmptyInputException(JsonLocation location) {
            super("No JSON content (the text is empty or only white space)", location);
        }
    }

    /** The top-level value is not an object where one was required. */
    private static final class NotAnObjectException extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        NotAnObjectException(JsonToken token, JsonLocation location) {
            super("Expected a JSON object ({...}) but found " + describe(token), location);
        }
    }

    /** Something followed the top-level value. */
    private static final class TrailingContentException extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        TrailingContentException(JsonToken token, JsonLocation location) {
            super("Unexpected content after the end of the JSON value (" + describe(token) + ")", location);
        }
    }

    /** A token the reader did not expect (only possible with a broken token stream). */
    private static final class UnexpectedTokenException extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        UnexpectedTokenException(JsonToken token, JsonLocation location) {
            super("Unexpected " + describe(token), location);
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "end of input";
        }
        switch (token) {
            case START_OBJECT:
                return "start of an object";
            case START_ARRAY:
                return "start of an array";
            case END_OBJECT:
                return "end of an object";
            case END_ARRAY:
                return "end of an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.name();
        }
    }
}
