package dev.apns;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One payload for one or many device tokens, with an optional expiry and priority: what
 * {@link ApnsSession#send(Message)} sends. Immutable and thread-safe. It round-trips through a plain map
 * ({@link #toMap()}, {@link #fromMap(Map)}) and JSON so it can be stored or queued and rebuilt.
 */
public final class Message {

    private Message() {
        throw new UnsupportedOperationException("TODO");
    }

    /** A builder. */
    public static Builder builder() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The tokens, in the order they are sent; never empty. */
    public List<DeviceToken> tokens() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The payload every token receives. */
    public Payload payload() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * When APNs may stop trying to deliver; {@link Instant#EPOCH} means "deliver once, do not store".
     * Empty: no expiry item is written in a frame (and 0 in the enhanced format).
     */
    public Optional<Instant> expiry() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The priority byte (10 immediately, 5 power-saving); empty: no priority item is written. */
    public OptionalInt priority() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The same message for other tokens (used for the retry message). */
    public Message withTokens(Collection<DeviceToken> tokens) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The message as a plain map: {@code tokens} (list of hex strings), {@code payload} (the JSON object
     * as a map), and {@code expiry} (epoch seconds) and {@code priority} when set.
     */
    public Map<String, Object> toMap() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Rebuilds a message from {@link #toMap()}'s form.
     *
     * @throws InvalidPayloadException naming the key that is missing or of the wrong type
     * @throws InvalidTokenException naming a token that is not hex
     */
    public static Message fromMap(Map<String, ?> map) {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@link #toMap()} as JSON text. */
    public String toJson() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Rebuilds a message from {@link #toJson()}'s text. */
    public static Message fromJson(String json) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Builds a {@link Message}. Not thread-safe. */
    public static final class Builder {
        private Builder() {
        }

        /** Adds a token written in hex. */
        public Builder token(String hex) {
            throw new UnsupportedOperationException("TODO");
        }

        /** Adds a token. */
        public Builder token(DeviceToken token) {
            throw new UnsupportedOperationException("TODO");
        }

        /** Adds tokens. */
        public Builder tokens(Collection<DeviceToken> tokens) {
            throw new UnsupportedOperationException("TODO");
        }

        /** Adds tokens written in hex. */
        public Builder hexTokens(Collection<String> hexTokens) {
            throw new UnsupportedOperationException("TODO");
        }

        /** Uses this payload; replaces anything set with the payload methods below. */
        public Builder payload(Payload payload) {
            throw new UnsupportedOperationException("TODO");
        }

        /** Uses raw JSON as the payload. */
        public Builder rawPayload(String json) {
            throw new UnsupportedOperationException("TODO");
        }

        /** {@code aps.alert} as a string. */
        public Builder alert(String alert) {
            throw new UnsupportedOperationException("TODO");
        }

        /** {@code aps.alert} as a dictionary. */
        public Builder alert(Map<String, ?> alert) {
            throw new UnsupportedOperationException("TODO");
        }

        /** {@code aps.badge}. */
        public Builder badge(int badge) {
            throw new UnsupportedOperationException("TODO");
        }

        /** {@code aps.sound}. */
        public Builder sound(String sound) {
            throw new UnsupportedOperationException("TODO");
        }

        /** {@code aps.content-available}. */
        public Builder contentAvailable(boolean contentAvailable) {
            throw new UnsupportedOperationException("TODO");
        }

        /** {@code aps.category}. */
        public Builder category(String category) {
            throw new UnsupportedOperationException("TODO");
        }

        /** {@code aps.thread-id}. */
        public Builder threadId(String threadId) {
            throw new UnsupportedOperationException("TODO");
        }

        /** A custom key beside {@code aps}. */
        public Builder customField(String key, Object value) {
            throw new UnsupportedOperationException("TODO");
        }

        /** When APNs may stop trying to deliver ({@link Instant#EPOCH}: deliver once, do not store). */
        public Builder expiry(Instant expiry) {
            throw new UnsupportedOperationException("TODO");
        }

        /** The priority byte, 0 to 255 (Apple uses 10 and 5). */
        public Builder priority(int priority) {
            throw new UnsupportedOperationException("TODO");
        }

        /**
         * The message.
         *
         * @throws IllegalStateException with a sentence naming what is missing (no token, no payload)
         */
        public Message build() {
            throw new UnsupportedOperationException("TODO");
        }
    }
}
