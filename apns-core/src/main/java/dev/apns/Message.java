package dev.apns;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.apns.internal.json.Json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One payload for one or many device tokens, with an optional expiry and priority: what
 * {@link ApnsSession#send(Message)} sends. Immutable and thread-safe. It round-trips through a plain map
 * ({@link #toMap()}, {@link #fromMap(Map)}) and JSON so it can be stored or queued and rebuilt.
 *
 * <p>Tokens keep the order they were added in, and a token added twice is kept twice (and sent twice):
 * removing duplicates is the caller's choice. The expiry has whole-second precision and must fit the
 * protocol's unsigned 32-bit field; the priority is one unsigned byte.
 *
 * <p>Round trips: a payload made by {@link Payload#builder()} (or {@link Payload#fromMap(Map)}) comes back
 * from {@link #toMap()}/{@link #fromMap(Map)} and {@link #toJson()}/{@link #fromJson(String)} with
 * identical bytes. A raw payload ({@link Builder#rawPayload(String)}) comes back with the same meaning but
 * written compactly: white space goes, and a number may be spelled another way ({@code 1e5} as
 * {@code 100000.0}).
 */
public final class Message {
    /** The largest expiry the protocol's unsigned 32-bit field carries, in seconds since the epoch. */
    public static final long MAX_EXPIRY_SECONDS = 0xFFFF_FFFFL;
    /** The largest priority the protocol's one-byte field carries. */
    public static final int MAX_PRIORITY = 0xFF;

    private static final String TOKENS = "tokens";
    private static final String PAYLOAD = "payload";
    private static final String EXPIRY = "expiry";
    private static final String PRIORITY = "priority";
    private static final String TOPIC = "topic";
    private static final String PUSH_TYPE = "push-type";
    private static final String COLLAPSE_ID = "collapse-id";
    private static final Set<String> KEYS = Set.of(TOKENS, PAYLOAD, EXPIRY, PRIORITY, TOPIC, PUSH_TYPE, COLLAPSE_ID);
    private static final int NO_PRIORITY = -1;

    private final List<DeviceToken> tokens;
    private final Payload payload;
    private final Instant expiry;
    private final int priority;
    /** HTTP/2 only: topic, push type and collapse id (null when not set). */
    private final String topic;
    private final PushType pushType;
    private final String collapseId;

    private Message(List<DeviceToken> tokens, Payload payload, Instant expiry, int priority, String topic,
                    PushType pushType, String collapseId) {
        this.tokens = tokens;
        this.payload = payload;
        this.expiry = expiry;
        this.priority = priority;
        this.topic = topic;
        this.pushType = pushType;
        this.collapseId = collapseId;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The tokens, in the order they are sent, duplicates included; never empty; unmodifiable. */
    public List<DeviceToken> tokens() {
        return tokens;
    }

    /** The payload every token receives. */
    public Payload payload() {
        return payload;
    }

    /**
     * When APNs may stop trying to deliver, to the second; {@link Instant#EPOCH} means "deliver once, do not
     * store". Empty: no expiry item is written in a frame (and 0 in the enhanced format).
     */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiry);
    }

    /** The priority byte (10 immediately, 5 power-saving); empty: no priority item is written. */
    public OptionalInt priority() {
        return priority == NO_PRIORITY ? OptionalInt.empty() : OptionalInt.of(priority);
    }

    /** The {@code apns-topic} (HTTP/2); empty: the sender's default. The binary protocol ignores it. */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /** The {@code apns-push-type} (HTTP/2); empty: the sender's default. The binary protocol ignores it. */
    public Optional<PushType> pushType() {
        return Optional.ofNullable(pushType);
    }

    /** The {@code apns-collapse-id} (HTTP/2). The binary protocol ignores it. */
    public Optional<String> collapseId() {
        return Optional.ofNullable(collapseId);
    }

    /**
     * The same message for other tokens (used for the retry message): same payload, expiry, priority, topic,
     * push type and collapse id.
     *
     * @throws IllegalArgumentException when {@code tokens} is empty
     * @throws NullPointerException when {@code tokens} holds {@code null}
     */
    public Message withTokens(Collection<DeviceToken> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("A message needs at least one device token; withTokens(...) was given none.");
        }
        return new Message(List.copyOf(tokens), payload, expiry, priority, topic, pushType, collapseId);
    }

    /**
     * The message as a plain, unmodifiable map in this order: {@code tokens} (list of lower-case hex
     * strings), {@code payload} (the JSON object as a map, see {@link Payload#toMap()}), and {@code expiry}
     * (epoch seconds, a {@link Long}), {@code priority} (an {@link Integer}), {@code topic},
     * {@code push-type} and {@code collapse-id} (strings) only when set.
     */
    public Map<String, Object> toMap() {
        List<String> hex = new ArrayList<>(tokens.size());
        for (DeviceToken token : tokens) {
            hex.add(token.toHex());
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(TOKENS, Collections.unmodifiableList(hex));
        map.put(PAYLOAD, payload.toMap());
        if (expiry != null) {
            map.put(EXPIRY, expiry.getEpochSecond());
        }
        if (priority != NO_PRIORITY) {
            map.put(PRIORITY, priority);
        }
        if (topic != null) {
            map.put(TOPIC, topic);
        }
        if (pushType != null) {
            map.put(PUSH_TYPE, pushType.name());
        }
        if (collapseId != null) {
            map.put(COLLAPSE_ID, collapseId);
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * Rebuilds a message from {@link #toMap()}'s form. {@code tokens} and {@code payload} are required;
     * {@code expiry} and {@code priority} may be absent or {@code null}. Numbers may be any whole
     * {@link Number} (a {@code Double} such as {@code 10.0} included, as JSON readers give them). Any other
     * key is refused, so that a misspelt key is not silently dropped.
     *
     * @throws InvalidPayloadException naming the key that is unknown, missing, of the wrong type or out of
     *     range, or the payload key whose value cannot be written as JSON
     * @throws InvalidTokenException naming a token that is not hex, with its index in {@code tokens}
     */
    public static Message fromMap(Map<String, ?> map) {
        Objects.requireNonNull(map, "map");
        for (Object key : map.keySet()) {
            if (!(key instanceof String) || !KEYS.contains(key)) {
                throw new InvalidPayloadException("A message map has the unknown key " + quote(key)
                        + "; its keys are 'tokens', 'payload', and optionally 'expiry', 'priority', 'topic', "
                        + "'push-type' and 'collapse-id'.");
            }
        }
        Builder builder = builder();

        Object tokensValue = map.get(TOKENS);
        if (tokensValue == null) {
            throw new InvalidPayloadException("A message map needs 'tokens', a list of device tokens in hex; it has none.");
        }
        if (!(tokensValue instanceof Collection<?> tokenList)) {
            throw new InvalidPayloadException("'tokens' must be a list of device tokens in hex, but is "
                    + describe(tokensValue) + ".");
        }
        if (tokenList.isEmpty()) {
            throw new InvalidPayloadException("'tokens' is empty; a message needs at least one device token.");
        }
        int index = 0;
        for (Object token : tokenList) {
            if (!(token instanceof String hex)) {
                throw new InvalidPayloadException("'tokens[" + index + "]' must be a device token in hex, but is "
                        + describe(token) + ".");
            }
            builder.tokens.add(parseToken(hex, index));
            index++;
        }

        Object payloadValue = map.get(PAYLOAD);
        if (payloadValue == null) {
            throw new InvalidPayloadException("A message map needs 'payload', the payload's JSON object as a map; it has none.");
        }
        if (!(payloadValue instanceof Map<?, ?> payloadMap)) {
            throw new InvalidPayloadException("'payload' must be the payload's JSON object as a map, but is "
                    + describe(payloadValue) + ".");
        }
        try {
            @SuppressWarnings("unchecked") // Payload.fromMap checks every key's type itself.
            Map<String, ?> entries = (Map<String, ?>) payloadMap;
            builder.payload(Payload.fromMap(entries));
        } catch (InvalidPayloadException e) {
            throw new InvalidPayloadException("'payload' cannot be written as JSON: " + e.getMessage(), e);
        }

        Object expiryValue = map.get(EXPIRY);
        if (expiryValue != null) {
            long seconds = wholeNumber(EXPIRY, expiryValue, MAX_EXPIRY_SECONDS, "seconds since the epoch");
            builder.expiry(Instant.ofEpochSecond(seconds));
        }
        Object priorityValue = map.get(PRIORITY);
        if (priorityValue != null) {
            builder.priority((int) wholeNumber(PRIORITY, priorityValue, MAX_PRIORITY, "the priority byte"));
        }
        try {
            String topicValue = text(map, TOPIC);
            if (topicValue != null) {
                builder.topic(topicValue);
            }
            String typeValue = text(map, PUSH_TYPE);
            if (typeValue != null) {
                builder.pushType(PushType.of(typeValue));
            }
            String collapseValue = text(map, COLLAPSE_ID);
            if (collapseValue != null) {
                builder.collapseId(collapseValue);
            }
        } catch (InvalidPayloadException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidPayloadException(e.getMessage(), e);
        }
        return builder.build();
    }

    /**
     * {@link #toMap()} as compact JSON text, for example
     * {@code {"tokens":["a1b2..."],"payload":{"aps":{"alert":"Hi"}},"expiry":1700000000,"priority":10}}.
     */
    public String toJson() {
        try {
            return new String(Json.write(toMap()), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            // The map holds only strings, numbers, booleans, nulls, lists and maps read from JSON.
            throw new IllegalStateException("A message could not be written as JSON: " + Json.describeProblem(e) + ".", e);
        }
    }

    /**
     * Rebuilds a message from {@link #toJson()}'s text, with the rules of {@link #fromMap(Map)}.
     *
     * @throws InvalidPayloadException when the text is not a JSON object (saying at which line and column)
     *     or not of {@link #toMap()}'s shape
     * @throws InvalidTokenException naming a token that is not hex, with its index in {@code tokens}
     */
    public static Message fromJson(String json) {
        Objects.requireNonNull(json, "json");
        int broken = Json.firstUnpairedSurrogate(json);
        if (broken >= 0) {
            throw new InvalidPayloadException("The message text has an unpaired surrogate (half of a UTF-16 "
                    + "character) at index " + broken + ", which UTF-8 cannot encode.");
        }
        Map<String, Object> map;
        try {
            map = Json.readObject(json.getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException("The message is not a valid JSON object" + Json.describeLocation(e)
                    + ": " + Json.describeProblem(e) + ".", e);
        }
        return fromMap(map);
    }

    /** Equal when tokens (in order), payload bytes, expiry, priority, topic, push type and collapse id are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Message that
                && priority == that.priority
                && tokens.equals(that.tokens)
                && payload.equals(that.payload)
                && Objects.equals(expiry, that.expiry)
                && Objects.equals(topic, that.topic)
                && Objects.equals(pushType, that.pushType)
                && Objects.equals(collapseId, that.collapseId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokens, payload, expiry, priority, topic, pushType, collapseId);
    }

    /** A short description: how many tokens, the first one, the payload's size, expiry and priority. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Message[");
        text.append(tokens.size()).append(tokens.size() == 1 ? " token " : " tokens, first ");
        String first = tokens.get(0).toHex();
        text.append(first.length() <= 64 ? first : first.substring(0, 61) + "...");
        text.append(", payload ").append(payload.size()).append(" bytes");
        if (expiry != null) {
            text.append(", expiry ").append(expiry);
        }
        if (priority != NO_PRIORITY) {
            text.append(", priority ").append(priority);
        }
        if (topic != null) {
            text.append(", topic ").append(topic);
        }
        if (pushType != null) {
            text.append(", push type ").append(pushType);
        }
        return text.append(']').toString();
    }

    /** The text under {@code key}, or null when absent. */
    private static String text(Map<String, ?> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String string)) {
            throw new InvalidPayloadException("'" + key + "' must be text, but is " + describe(value) + ".");
        }
        return string;
    }

    private static DeviceToken parseToken(String hex, int index) {
        try {
            return DeviceToken.fromHex(hex);
        } catch (InvalidTokenException e) {
            InvalidTokenException located = new InvalidTokenException(
                    "The token at index " + index + " of the message is invalid: " + e.getMessage());
            located.initCause(e);
            throw located;
        }
    }

    /** A whole number in 0..max from any {@link Number} a map or JSON reader may give. */
    private static long wholeNumber(String key, Object value, long max, String meaning) {
        BigDecimal number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            number = new BigDecimal(big);
        } else if (value instanceof BigDecimal big) {
            number = big;
        } else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            number = new BigDecimal(((Number) value).doubleValue());
        } else {
            throw new InvalidPayloadException("'" + key + "' must be a whole number (" + meaning + "), but is "
                    + describe(value) + ".");
        }
        boolean huge = number.signum() != 0 && number.precision() - number.scale() > 20;
        if (!huge && number.stripTrailingZeros().scale() > 0) {
            throw new InvalidPayloadException("'" + key + "' must be a whole number (" + meaning + "), but is "
                    + describe(value) + ".");
        }
        if (huge || number.signum() < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new InvalidPayloadException("'" + key + "' is " + value + ", outside 0 to " + max + " (" + meaning
                    + ").");
        }
        return number.longValueExact();
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        if (text.length() > 80) {
            text = text.substring(0, 77) + "...";
        }
        return "'" + text + "' (a " + value.getClass().getName() + ")";
    }

    private static String quote(Object key) {
        return key == null ? "null" : "'" + key + "'";
    }

    /**
     * Builds a {@link Message}. Not thread-safe. Tokens accumulate; every other setter replaces its earlier
     * value. The payload comes either whole, from {@link #payload(Payload)} or {@link #rawPayload(String)},
     * or from the payload setters ({@link #alert(String)}, {@link #badge(int)}, ...), which feed a
     * {@link Payload.Builder}; using both is refused at {@link #build()} rather than letting one silently
     * win. A builder can build any number of messages.
     */
    public static final class Builder {
        private final List<DeviceToken> tokens = new ArrayList<>();
        private Payload payload;
        private String wholePayloadMethod;
        private Payload.Builder payloadBuilder;
        private String firstSetter;
        private Instant expiry;
        private int priority = NO_PRIORITY;
        private String topic;
        private PushType pushType;
        private String collapseId;

        private Builder() {
        }

        /**
         * Adds a token written in hex (see {@link DeviceToken#fromHex(String)}).
         *
         * @throws InvalidTokenException naming the text and its index among this builder's tokens
         */
        public Builder token(String hex) {
            Objects.requireNonNull(hex, "hex");
            tokens.add(parseToken(hex, tokens.size()));
            return this;
        }

        /** Adds a token. */
        public Builder token(DeviceToken token) {
            tokens.add(Objects.requireNonNull(token, "token"));
            return this;
        }

        /** Adds tokens, in the collection's order. */
        public Builder tokens(Collection<DeviceToken> tokens) {
            Objects.requireNonNull(tokens, "tokens");
            for (DeviceToken token : tokens) {
                token(token);
            }
            return this;
        }

        /**
         * Adds tokens written in hex, in the collection's order.
         *
         * @throws InvalidTokenException naming the first bad text and its index among this builder's tokens
         */
        public Builder hexTokens(Collection<String> hexTokens) {
            Objects.requireNonNull(hexTokens, "hexTokens");
            for (String hex : hexTokens) {
                token(hex);
            }
            return this;
        }

        /**
         * Uses this payload, replacing an earlier {@code payload(...)} or {@code rawPayload(...)}. Cannot be
         * combined with the payload setters below: {@link #build()} refuses a builder that has both.
         */
        public Builder payload(Payload payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            this.wholePayloadMethod = "payload(...)";
            return this;
        }

        /**
         * Uses raw JSON as the payload (see {@link Payload#ofJson(String)}), replacing an earlier
         * {@code payload(...)} or {@code rawPayload(...)}. Cannot be combined with the payload setters below.
         *
         * @throws InvalidPayloadException when the text is not a JSON object
         */
        public Builder rawPayload(String json) {
            this.payload = Payload.ofJson(json);
            this.wholePayloadMethod = "rawPayload(...)";
            return this;
        }

        /** {@code aps.alert} as a string ({@code null} removes it). */
        public Builder alert(String alert) {
            setter("alert(...)").alert(alert);
            return this;
        }

        /** {@code aps.alert} as a dictionary, kept as given ({@code null} removes it). */
        public Builder alert(Map<String, ?> alert) {
            setter("alert(...)").alert(alert);
            return this;
        }

        /** {@code aps.badge}. */
        public Builder badge(int badge) {
            setter("badge(...)").badge(badge);
            return this;
        }

        /** {@code aps.sound} ({@code null} removes it). */
        public Builder sound(String sound) {
            setter("sound(...)").sound(sound);
            return this;
        }

        /** {@code aps.content-available}: 1 when true, absent when false. */
        public Builder contentAvailable(boolean contentAvailable) {
            setter("contentAvailable(...)").contentAvailable(contentAvailable);
            return this;
        }

        /** {@code aps.category} ({@code null} removes it). */
        public Builder category(String category) {
            setter("category(...)").category(category);
            return this;
        }

        /** {@code aps.thread-id} ({@code null} removes it). */
        public Builder threadId(String threadId) {
            setter("threadId(...)").threadId(threadId);
            return this;
        }

        /** Any other {@code aps} key, as {@link Payload.Builder#apsField(String, Object)}. */
        public Builder apsField(String key, Object value) {
            setter("apsField(...)").apsField(key, value);
            return this;
        }

        /**
         * A custom key beside {@code aps}, as {@link Payload.Builder#customField(String, Object)}.
         *
         * @throws InvalidPayloadException for the key {@code aps}
         */
        public Builder customField(String key, Object value) {
            setter("customField(...)").customField(key, value);
            return this;
        }

        /**
         * When APNs may stop trying to deliver ({@link Instant#EPOCH}: deliver once, do not store), truncated
         * to whole seconds; {@code null} removes the expiry.
         *
         * @throws IllegalArgumentException when the time falls outside 0 to {@value #MAX_EXPIRY_SECONDS}
         *     seconds since the epoch (1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z)
         */
        public Builder expiry(Instant expiry) {
            if (expiry == null) {
                this.expiry = null;
                return this;
            }
            Instant seconds = expiry.truncatedTo(ChronoUnit.SECONDS);
            long epochSeconds = seconds.getEpochSecond();
            if (epochSeconds < 0 || epochSeconds > MAX_EXPIRY_SECONDS) {
                throw new IllegalArgumentException("Expiry " + expiry + " (" + epochSeconds
                        + " seconds since the epoch) is outside what the protocol's 32-bit field carries: "
                        + Instant.EPOCH + " to " + Instant.ofEpochSecond(MAX_EXPIRY_SECONDS) + ".");
            }
            this.expiry = seconds;
            return this;
        }

        /**
         * The priority, 0 to 255 (Apple uses 10, 5 and 1).
         *
         * @throws IllegalArgumentException when outside 0 to 255
         */
        public Builder priority(int priority) {
            if (priority < 0 || priority > MAX_PRIORITY) {
                throw new IllegalArgumentException("Priority must be 0 to " + MAX_PRIORITY
                        + " (Apple uses 10, 5 and 1); was " + priority + ".");
            }
            this.priority = priority;
            return this;
        }

        /**
         * The {@code apns-topic} of every notification (HTTP/2): usually the app's bundle id, with the suffix
         * its push type needs (see {@link PushType#topicFor(String)}).
         *
         * @throws IllegalArgumentException when blank or not printable ASCII
         */
        public Builder topic(String topic) {
            this.topic = HeaderValues.check(topic, "topic");
            return this;
        }

        /** The {@code apns-push-type} of every notification (HTTP/2). */
        public Builder pushType(PushType pushType) {
            this.pushType = Objects.requireNonNull(pushType, "pushType");
            return this;
        }

        /**
         * The {@code apns-collapse-id} of every notification (HTTP/2).
         *
         * @throws IllegalArgumentException when blank, longer than 64 bytes or not printable ASCII
         */
        public Builder collapseId(String collapseId) {
            this.collapseId = HeaderValues.collapseId(collapseId);
            return this;
        }

        /**
         * The message. With the payload setters and nothing set but removals, the payload is
         * {@code {"aps":{}}}.
         *
         * @throws IllegalStateException with a sentence naming what is missing (no token, no payload) or that
         *     a whole payload and payload setters were both used
         * @throws InvalidPayloadException naming the payload key whose value cannot be written as JSON
         */
        public Message build() {
            if (tokens.isEmpty()) {
                throw new IllegalStateException("A message needs at least one device token; add one with token(...).");
            }
            if (payload != null && payloadBuilder != null) {
                throw new IllegalStateException("A message takes its payload either whole, from payload(...) or "
                        + "rawPayload(...), or from the payload setters (alert, badge, sound, ...), not both; this "
                        + "builder was given " + wholePayloadMethod + " and " + firstSetter
                        + ". Put every key in one of the two.");
            }
            if (payload == null && payloadBuilder == null) {
                throw new IllegalStateException("A message needs a payload; set one with payload(...), "
                        + "rawPayload(...) or the payload setters such as alert(...).");
            }
            Payload body = payload != null ? payload : payloadBuilder.build();
            return new Message(List.copyOf(tokens), body, expiry, priority, topic, pushType, collapseId);
        }

        private Payload.Builder setter(String name) {
            if (payloadBuilder == null) {
                payloadBuilder = Payload.builder();
                firstSetter = name;
            }
            return payloadBuilder;
        }
    }
}
