package dev.apns.gateway.delivery;

import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Payload;
import dev.apns.PushType;
import dev.apns.gateway.store.NewNotification;
import java.time.Instant;
import java.util.UUID;

/** Turns a stored notification into the SDK's {@link Notification}, with the SDK's checks. */
public final class SdkNotifications {
    private SdkNotifications() {
    }

    /**
     * The SDK notification for a stored one.
     *
     * @throws IllegalArgumentException (the SDK's typed subclasses) when the SDK refuses it: a bad token,
     *                                  payload, priority or collapse id
     */
    public static Notification toSdk(NewNotification stored) {
        Notification.Builder builder = Notification.builder(DeviceToken.fromHex(stored.token()),
                Payload.ofJson(stored.payload())).apnsId(UUID.fromString(stored.apnsId()));
        if (stored.expiry() != null) {
            builder.expiry(Instant.ofEpochSecond(stored.expiry()));
        }
        if (stored.priority() != null) {
            builder.priority(stored.priority());
        }
        if (stored.pushType() != null) {
            builder.pushType(PushType.of(stored.pushType()));
        }
        if (stored.collapseId() != null) {
            builder.collapseId(stored.collapseId());
        }
        if (stored.topic() != null) {
            builder.topic(stored.topic());
        }
        return builder.build();
    }
}
