package dev.apns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.internal.json.Json;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON body of a notification, as the UTF-8 bytes that go on the wire. Built with {@link #builder()}
 * from the {@code aps} keys and custom keys, taken as raw JSON with {@link #ofJson(String)}, or made from a
 * map with {@link #fromMap(Map)}. Sizes are not limited here (the server is the authority); {@link #size()}
 * and {@link #fitsIn(int)} tell where a payload stands against {@link #LEGACY_LIMIT}, {@link #BINARY_LIMIT}
 * or {@link #HTTP2_LIMIT}. Immutable and thread-safe; equal when the bytes are.
 *
 * <p>A built payload's JSON is compact and its keys keep a stable order: {@code aps} first, then the custom
 * keys in the order they were first set; inside {@code aps}, the keys in the order they were first set.
 * Reading it back with {@link #toMap()} and writing the map with {@link #fromMap(Map)} gives the same bytes.
 */
public final class Payload {
    /** The limit of the original binary protocol. */
    public static final int LEGACY_LIMIT = 256;
    /** The limit of the binary protocol since iOS 8. */
    public static final int BINARY_LIMIT = 2048;
    /** The limit of Apple's HTTP/2 provider API. */
    public static final int HTTP2_LIMIT = 4096;

    private static final String APS = "aps";
    private static final int TO_STRING_LIMIT = 200;

    private final byte[] bytes;

    private Payload(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A builder for a payload from {@code aps} keys and custom keys. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A payload from raw JSON text. The text's UTF-8 bytes are sent exactly as written (white space, key
     * order and number spelling included); the text is only checked to be one JSON object, with nothing
     * after it but white space and no key twice in one object (a map could keep only one of the two).
     *
     * @throws InvalidPayloadException when the text is not a JSON object, saying what is wrong and at
     *     which line and column
     */
    public static Payload ofJson(String json) {
        Objects.requireNonNull(json, "json");
        int broken = Json.firstUnpairedSurrogate(json);
        if (broken >= 0) {
            throw new InvalidPayloadException("The payload text has an unpaired surrogate (half of a UTF-16 "
                    + "character) at index " + broken + ", which UTF-8 cannot encode.");
        }
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        try {
            Json.readObject(utf8);
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException("The payload is not a valid JSON object" + Json.describeLocation(e)
                    + ": " + Json.describeProblem(e) + ".", e);
        }
        return new Payload(utf8);
    }

    /**
     * A payload from a map, as {@link #toMap()} gives: keys in the map's iteration order, values written
     * as Jackson writes them (maps, lists, strings, numbers, booleans, or any object Jackson can serialise).
     * Unlike the builder, a {@code null} value is kept and written as JSON {@code null}, so that a map read
     * from JSON writes back the same JSON.
     *
     * @throws InvalidPayloadException naming the key whose value cannot be written as JSON
     */
    public static Payload fromMap(Map<String, ?> map) {
        Objects.requireNonNull(map, "map");
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            if (!(key instanceof String)) {
                throw new InvalidPayloadException("A payload map has the key " + (key == null ? "null" : "'" + key
                        + "' (a " + key.getClass().getName() + ")") + "; the keys of a JSON object are strings.");
            }
            String name = (String) key;
            root.set(name, toTree(name, entry.getValue()));
        }
        return write(root);
    }

    /** The encoded size in bytes (not characters: "é" counts 2, "🎉" counts 4). */
    public int size() {
        return bytes.length;
    }

    /**
     * True when the encoded size is at most {@code limitBytes}.
     *
     * @throws IllegalArgumentException when {@code limitBytes} is negative
     */
    public boolean fitsIn(int limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("A size limit cannot be negative; was " + limitBytes + ".");
        }
        return bytes.length <= limitBytes;
    }

    /** A copy of the UTF-8 JSON bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /**
     * Puts the encoded bytes into {@code destination} at its position, without copying them first, and
     * advances the position by {@link #size()}.
     *
     * @throws BufferOverflowException when fewer than {@link #size()} bytes remain; nothing is written
     * @throws ReadOnlyBufferException when the buffer is read-only
     */
    public void writeTo(ByteBuffer destination) {
        destination.put(bytes);
    }

    /** The JSON text (for a payload from {@link #ofJson(String)}, the text as given). */
    public String toJson() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The JSON object as nested maps, lists, strings, numbers, booleans and {@code null}s, read afresh on
     * each call. Maps keep the document's key order; every map and list is unmodifiable. Integers come as
     * {@link Integer}, {@link Long} or {@link java.math.BigInteger}; other numbers as {@link Double} or, where
     * a double would lose a digit or change the spelling Jackson writes back, {@link java.math.BigDecimal}.
     */
    public Map<String, Object> toMap() {
        try {
            return Json.readObject(bytes);
        } catch (JsonProcessingException e) {
            // Every constructor path checked these bytes with the same reader.
            throw new IllegalStateException("A payload's own JSON could not be read back" + Json.describeLocation(e)
                    + ": " + Json.describeProblem(e) + ".", e);
        }
    }

    /** Equal when the bytes are equal (two payloads with the same meaning but other spacing are not). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Payload that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The size and the JSON text, abbreviated past 200 characters. */
    @Override
    public String toString() {
        String json = toJson();
        if (json.length() > TO_STRING_LIMIT) {
            int end = TO_STRING_LIMIT;
            if (Character.isHighSurrogate(json.charAt(end - 1))) {
                end--;
            }
            json = json.substring(0, end) + "...";
        }
        return "Payload[" + bytes.length + " bytes: " + json + "]";
    }

    private static Payload write(ObjectNode root) {
        try {
            return new Payload(Json.write(root));
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException("The payload could not be written as JSON: " + Json.describeProblem(e)
                    + ".", e);
        }
    }

    /** One value as a JSON tree, checked so that writing it cannot fail or produce something other than JSON. */
    private static JsonNode toTree(String path, Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        JsonNode node;
        try {
            node = Json.mapper().valueToTree(value);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String reason = cause instanceof JsonProcessingException jackson ? jackson.getOriginalMessage()
                    : cause.getMessage();
            throw new InvalidPayloadException("The value of '" + path + "' (a " + value.getClass().getName()
                    + ") cannot be written as JSON: " + reason, e);
        } catch (StackOverflowError e) {
            // Jackson follows maps and lists without a depth limit; a structure that contains itself ends here.
            throw new InvalidPayloadException("The value of '" + path + "' nests too deeply to be written as JSON; "
                    + "it may contain itself.", e);
        }
        check(path, node);
        return node;
    }

    private static void check(String path, JsonNode node) {
        if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
            throw new InvalidPayloadException("The value of '" + path + "' is " + node.doubleValue()
                    + ", which JSON cannot represent; use a finite number or a string.");
        }
        if (node.isTextual()) {
            int broken = Json.firstUnpairedSurrogate(node.textValue());
            if (broken >= 0) {
                throw new InvalidPayloadException("The string at '" + path + "' has an unpaired surrogate (half of "
                        + "a UTF-16 character) at index " + broken + ", which UTF-8 cannot encode.");
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                int broken = Json.firstUnpairedSurrogate(field.getKey());
                if (broken >= 0) {
                    throw new InvalidPayloadException("A key inside '" + path + "' has an unpaired surrogate (half "
                            + "of a UTF-16 character) at index " + broken + ", which UTF-8 cannot encode.");
                }
                check(path + "." + field.getKey(), field.getValue());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(path + "[" + i + "]", node.get(i));
            }
        }
    }

    /**
     * Builds a {@link Payload}. Not thread-safe; each setter replaces an earlier value of its key, which keeps
     * the place where the key was first set. A {@code null} value removes the key (so {@code sound(null)}
     * takes a sound out again). Values are read when {@link #build()} runs, and a builder can build any
     * number of payloads.
     */
    public static final class Builder {
        private final Map<String, Object> aps = new LinkedHashMap<>();
        private final Map<String, Object> custom = new LinkedHashMap<>();

        private Builder() {
        }

        /** {@code aps.alert} as a plain string; {@code null} removes it. */
        public Builder alert(String alert) {
            return aps("alert", alert);
        }

        /**
         * {@code aps.alert} as a dictionary (title, body, loc-key, ...), kept as given: any keys, in the map's
         * order, so keys Apple adds later can be sent. {@code null} removes it.
         */
        public Builder alert(Map<String, ?> alert) {
            return aps("alert", alert);
        }

        /** {@code aps.badge} (0 clears the badge on the device); remove it with {@code apsField("badge", null)}. */
        public Builder badge(int badge) {
            return aps("badge", badge);
        }

        /** {@code aps.sound}; {@code null} removes it. */
        public Builder sound(String sound) {
            return aps("sound", sound);
        }

        /** {@code aps.content-available}: 1 when true, absent when false. */
        public Builder contentAvailable(boolean contentAvailable) {
            return aps("content-available", contentAvailable ? 1 : null);
        }

        /** {@code aps.category}; {@code null} removes it. */
        public Builder category(String category) {
            return aps("category", category);
        }

        /** {@code aps.thread-id}; {@code null} removes it. */
        public Builder threadId(String threadId) {
            return aps("thread-id", threadId);
        }

        /**
         * Any other {@code aps} key, for keys Apple adds after this SDK was written (it may also set the keys
         * above). The value must be JSON-serialisable; {@code null} removes the key.
         */
        public Builder apsField(String key, Object value) {
            return aps(Objects.requireNonNull(key, "key"), value);
        }

        /**
         * A custom key beside {@code aps}; the value must be JSON-serialisable (maps, lists, strings, numbers,
         * booleans, or objects Jackson can write). {@code null} removes the key.
         *
         * @throws InvalidPayloadException for the key {@code aps}, which belongs to the {@code aps} setters
         */
        public Builder customField(String key, Object value) {
            Objects.requireNonNull(key, "key");
            if (APS.equals(key)) {
                throw new InvalidPayloadException("The key 'aps' cannot be a custom field: it holds the aps "
                        + "dictionary, whose keys are set with alert(...), badge(...), sound(...), "
                        + "contentAvailable(...), category(...), threadId(...) and apsField(key, value).");
            }
            put(custom, key, value);
            return this;
        }

        /**
         * The payload: {@code {"aps":{...}, custom keys...}}; {@code {"aps":{}}} when nothing was set.
         *
         * @throws InvalidPayloadException naming the key whose value cannot be written as JSON
         */
        public Payload build() {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            ObjectNode root = nodes.objectNode();
            ObjectNode apsNode = root.putObject(APS);
            aps.forEach((key, value) -> apsNode.set(key, toTree(APS + "." + key, value)));
            custom.forEach((key, value) -> root.set(key, toTree(key, value)));
            return write(root);
        }

        private Builder aps(String key, Object value) {
            put(aps, key, value);
            return this;
        }

        private static void put(Map<String, Object> map, String key, Object value) {
            if (value == null) {
                map.remove(key);
            } else {
                map.put(key, value);
            }
        }
    }
}
