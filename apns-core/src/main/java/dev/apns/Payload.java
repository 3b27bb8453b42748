package dev.apns;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The JSON body of a notification, as the UTF-8 bytes that go on the wire. Built with {@link #builder()}
 * from the {@code aps} keys and custom keys, or taken as raw JSON. Sizes are not limited here (the server
 * is the authority); {@link #size()} and {@link #fitsIn(int)} tell where a payload stands. Immutable and
 * thread-safe; equal when the bytes are.
 */
public final class Payload {
    /** The limit of the original binary protocol. */
    public static final int LEGACY_LIMIT = 256;
    /** The limit of the binary protocol since iOS 8. */
    public static final int BINARY_LIMIT = 2048;
    /** The limit of Apple's HTTP/2 provider API. */
    public static final int HTTP2_LIMIT = 4096;

    private Payload() {
        throw new UnsupportedOperationException("TODO");
    }

    /** A builder for a payload from {@code aps} keys and custom keys. */
    public static Builder builder() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * A payload from raw JSON text.
     *
     * @throws InvalidPayloadException when the text is not a JSON object
     */
    public static Payload ofJson(String json) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * A payload from a map, as {@link #toMap()} gives.
     *
     * @throws InvalidPayloadException when a value cannot be written as JSON
     */
    public static Payload fromMap(Map<String, ?> map) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The encoded size in bytes. */
    public int size() {
        throw new UnsupportedOperationException("TODO");
    }

    /** True when the encoded size is at most {@code limitBytes}. */
    public boolean fitsIn(int limitBytes) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A copy of the UTF-8 JSON bytes. */
    public byte[] toBytes() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Puts the encoded bytes into {@code destination} at its position, without copying them first. */
    public void writeTo(ByteBuffer destination) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The JSON text. */
    public String toJson() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The JSON object as nested maps, lists, strings, numbers and booleans. */
    public Map<String, Object> toMap() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Builds a {@link Payload}. Not thread-safe; each setter replaces an earlier value of its key. */
    public static final class Builder {
        private Builder() {
        }

        /** {@code aps.alert} as a plain string. */
        public Builder alert(String alert) {
            throw new UnsupportedOperationException("TODO");
        }

        /** {@code aps.alert} as a dictionary (title, body, loc-key, ...), kept as given. */
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

        /** {@code aps.content-available}: 1 when true, absent when false. */
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

        /** Any other {@code aps} key, for keys Apple adds after this SDK was written. */
        public Builder apsField(String key, Object value) {
            throw new UnsupportedOperationException("TODO");
        }

        /** A custom key beside {@code aps}; the value must be JSON-serialisable. */
        public Builder customField(String key, Object value) {
            throw new UnsupportedOperationException("TODO");
        }

        /**
         * The payload.
         *
         * @throws InvalidPayloadException naming the key whose value cannot be written as JSON
         */
        public Payload build() {
            throw new UnsupportedOperationException("TODO");
        }
    }
}
