package dev.apns;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One notification for one device: what an {@link ApnsSender} takes. Immutable and thread-safe; equal
 * when token, payload, expiry and priority are.
 */
public final class Notification {
    private final DeviceToken token;
    private final Payload payload;
    private final Instant expiry;
    private final int priority;

    private Notification(DeviceToken token, Payload payload, Instant expiry, int priority) {
        this.token = token;
        this.payload = payload;
        this.expiry = expiry;
        this.priority = priority;
    }

    /** A notification with no expiry and no priority item. */
    public static Notification of(DeviceToken token, Payload payload) {
        return new Notification(Objects.requireNonNull(token, "token"), Objects.requireNonNull(payload, "payload"), null, -1);
    }

    /**
     * A notification with an expiry ({@link Instant#EPOCH}: deliver once, do not store) and a priority
     * (0 to 255; Apple uses 10 and 5).
     *
     * @throws IllegalArgumentException naming the value when the expiry is not 0 to 2^32-1 epoch seconds or
     *     the priority not 0 to 255
     */
    public static Notification of(DeviceToken token, Payload payload, Instant expiry, int priority) {
        Objects.requireNonNull(expiry, "expiry");
        long seconds = expiry.getEpochSecond();
        if (seconds < 0 || seconds > Message.MAX_EXPIRY_SECONDS) {
            throw new IllegalArgumentException("Expiry " + expiry + " is outside what the protocol's unsigned 32-bit field holds.");
        }
        if (priority < 0 || priority > Message.MAX_PRIORITY) {
            throw new IllegalArgumentException("Priority must be 0 to " + Message.MAX_PRIORITY + ", was " + priority + ".");
        }
        return new Notification(Objects.requireNonNull(token, "token"), Objects.requireNonNull(payload, "payload"),
                Instant.ofEpochSecond(seconds), priority);
    }

    /** The notifications of a message, one per token, in order. */
    public static java.util.List<Notification> of(Message message) {
        Instant expiry = message.expiry().orElse(null);
        int priority = message.priority().orElse(-1);
        return message.tokens().stream().map(t -> new Notification(t, message.payload(), expiry, priority)).toList();
    }

    public DeviceToken token() {
        return token;
    }

    public Payload payload() {
        return payload;
    }

    /** When APNs may stop trying; empty: no expiry item. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiry);
    }

    /** The priority byte; empty: no priority item. */
    public OptionalInt priority() {
        return priority < 0 ? OptionalInt.empty() : OptionalInt.of(priority);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Notification that && token.equals(that.token) && payload.equals(that.payload)
                && Objects.equals(expiry, that.expiry) && priority == that.priority;
    }

    @Override
    public int hashCode() {
        return Objects.hash(token, payload, expiry, priority);
    }

    @Override
    public String toString() {
        return "Notification[token=" + token + ", payload=" + payload.size() + " bytes"
                + (expiry == null ? "" : ", expiry=" + expiry) + (priority < 0 ? "" : ", priority=" + priority) + "]";
    }
}
