package dev.apns;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * One notification for one device: what an {@link ApnsSender} takes. Immutable and thread-safe; equal
 * when every field is.
 *
 * <p>The token, payload, expiry and priority serve both protocols. The topic, push type, apns-id and
 * collapse id are HTTP/2 headers; the binary protocol has no place for them and ignores them.
 */
public final class Notification {
    /** The longest collapse id Apple accepts, in UTF-8 bytes. */
    public static final int MAX_COLLAPSE_ID_BYTES = 64;

    private final DeviceToken token;
    private final Payload payload;
    private final Instant expiry;
    private final int priority;
    private final String topic;
    private final PushType pushType;
    private final UUID apnsId;
    private final String collapseId;

    private Notification(DeviceToken token, Payload payload, Instant expiry, int priority, String topic,
                         PushType pushType, UUID apnsId, String collapseId) {
        this.token = token;
        this.payload = payload;
        this.expiry = expiry;
        this.priority = priority;
        this.topic = topic;
        this.pushType = pushType;
        this.apnsId = apnsId;
        this.collapseId = collapseId;
    }

    /** A notification with no expiry and no priority item. */
    public static Notification of(DeviceToken token, Payload payload) {
        return new Notification(Objects.requireNonNull(token, "token"), Objects.requireNonNull(payload, "payload"),
                null, -1, null, null, null, null);
    }

    /**
     * A notification with an expiry ({@link Instant#EPOCH}: deliver once, do not store) and a priority
     * (0 to 255; Apple uses 10, 5 and 1).
     *
     * @throws IllegalArgumentException naming the value when the expiry is not 0 to 2^32-1 epoch seconds or
     *     the priority not 0 to 255
     */
    public static Notification of(DeviceToken token, Payload payload, Instant expiry, int priority) {
        return builder(token, payload).expiry(expiry).priority(priority).build();
    }

    /** The notifications of a message, one per token, in order. */
    public static java.util.List<Notification> of(Message message) {
        Instant expiry = message.expiry().orElse(null);
        int priority = message.priority().orElse(-1);
        String topic = message.topic().orElse(null);
        PushType pushType = message.pushType().orElse(null);
        String collapseId = message.collapseId().orElse(null);
        return message.tokens().stream()
                .map(t -> new Notification(t, message.payload(), expiry, priority, topic, pushType, null, collapseId))
                .toList();
    }

    /** A builder for a notification to this token with this payload. */
    public static Builder builder(DeviceToken token, Payload payload) {
        return new Builder(Objects.requireNonNull(token, "token"), Objects.requireNonNull(payload, "payload"));
    }

    /** A builder starting from this notification's fields, to change some of them. */
    public Builder toBuilder() {
        Builder builder = new Builder(token, payload);
        builder.expiry = expiry;
        builder.priority = priority;
        builder.topic = topic;
        builder.pushType = pushType;
        builder.apnsId = apnsId;
        builder.collapseId = collapseId;
        return builder;
    }

    public DeviceToken token() {
        return token;
    }

    public Payload payload() {
        return payload;
    }

    /** When APNs may stop trying; empty: no expiry item (HTTP/2: the server's default). */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiry);
    }

    /** The priority; empty: none given (HTTP/2: the server's default, 10). */
    public OptionalInt priority() {
        return priority < 0 ? OptionalInt.empty() : OptionalInt.of(priority);
    }

    /** The {@code apns-topic} (HTTP/2); empty: the sender's default topic, or none. */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /** The {@code apns-push-type} (HTTP/2); empty: the sender's default, {@link PushType#ALERT} unless set. */
    public Optional<PushType> pushType() {
        return Optional.ofNullable(pushType);
    }

    /** The {@code apns-id} (HTTP/2); empty: the server assigns one and reports it in the outcome. */
    public Optional<UUID> apnsId() {
        return Optional.ofNullable(apnsId);
    }

    /** The {@code apns-collapse-id} (HTTP/2): notifications with the same one replace each other on the device. */
    public Optional<String> collapseId() {
        return Optional.ofNullable(collapseId);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Notification that && token.equals(that.token) && payload.equals(that.payload)
                && Objects.equals(expiry, that.expiry) && priority == that.priority && Objects.equals(topic, that.topic)
                && Objects.equals(pushType, that.pushType) && Objects.equals(apnsId, that.apnsId)
                && Objects.equals(collapseId, that.collapseId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(token, payload, expiry, priority, topic, pushType, apnsId, collapseId);
    }

    @Override
    public String toString() {
        return "Notification[token=" + token + ", payload=" + payload.size() + " bytes"
                + (expiry == null ? "" : ", expiry=" + expiry) + (priority < 0 ? "" : ", priority=" + priority)
                + (topic == null ? "" : ", topic=" + topic) + (pushType == null ? "" : ", pushType=" + pushType)
                + (apnsId == null ? "" : ", apnsId=" + apnsId) + (collapseId == null ? "" : ", collapseId=" + collapseId)
                + "]";
    }

    /**
     * Builds a {@link Notification}. Checks here are only about what a field can hold; whether the server will
     * take the combination (payload size for the push type, background at priority 5) is checked by the sender
     * and can be turned off there. Not thread-safe.
     */
    public static final class Builder {
        private final DeviceToken token;
        private final Payload payload;
        private Instant expiry;
        private int priority = -1;
        private String topic;
        private PushType pushType;
        private UUID apnsId;
        private String collapseId;

        private Builder(DeviceToken token, Payload payload) {
            this.token = token;
            this.payload = payload;
        }

        /**
         * When APNs may stop trying to deliver; {@link Instant#EPOCH} means deliver once, do not store.
         *
         * @throws IllegalArgumentException when the time is not 0 to 2^32-1 seconds after the epoch
         */
        public Builder expiry(Instant expiry) {
            Objects.requireNonNull(expiry, "expiry");
            long seconds = expiry.getEpochSecond();
            if (seconds < 0 || seconds > Message.MAX_EXPIRY_SECONDS) {
                throw new IllegalArgumentException("Expiry " + expiry + " is outside 0 to 2^32-1 seconds after the epoch.");
            }
            this.expiry = Instant.ofEpochSecond(seconds);
            return this;
        }

        /**
         * The priority: 10 send now, 5 consider the device's power, 1 lowest.
         *
         * @throws IllegalArgumentException when not 0 to 255
         */
        public Builder priority(int priority) {
            if (priority < 0 || priority > Message.MAX_PRIORITY) {
                throw new IllegalArgumentException("Priority must be 0 to " + Message.MAX_PRIORITY + ", was " + priority + ".");
            }
            this.priority = priority;
            return this;
        }

        /**
         * The {@code apns-topic} as it goes on the wire. See {@link #bundleId(String)} to have the push type's
         * suffix added.
         *
         * @throws IllegalArgumentException when blank or containing characters a header value cannot hold
         */
        public Builder topic(String topic) {
            this.topic = HeaderValues.check(topic, "topic");
            return this;
        }

        /**
         * The topic made from the app's bundle id and the push type given so far (set the push type first):
         * {@code com.example.app} with {@link PushType#VOIP} becomes {@code com.example.app.voip}.
         */
        public Builder bundleId(String bundleId) {
            PushType type = pushType == null ? PushType.ALERT : pushType;
            this.topic = HeaderValues.check(type.topicFor(HeaderValues.check(bundleId, "bundleId")), "topic");
            return this;
        }

        /** The {@code apns-push-type}. */
        public Builder pushType(PushType pushType) {
            this.pushType = Objects.requireNonNull(pushType, "pushType");
            return this;
        }

        /** The {@code apns-id}: a UUID the server reports back and uses in its delivery log. */
        public Builder apnsId(UUID apnsId) {
            this.apnsId = Objects.requireNonNull(apnsId, "apnsId");
            return this;
        }

        /**
         * The {@code apns-collapse-id}.
         *
         * @throws IllegalArgumentException when blank, longer than 64 UTF-8 bytes, or not a header value
         */
        public Builder collapseId(String collapseId) {
            this.collapseId = HeaderValues.collapseId(collapseId);
            return this;
        }

        /** The notification. */
        public Notification build() {
            return new Notification(token, payload, expiry, priority, topic, pushType, apnsId, collapseId);
        }

    }
}
