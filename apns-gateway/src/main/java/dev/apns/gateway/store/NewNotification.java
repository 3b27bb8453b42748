package dev.apns.gateway.store;

import dev.apns.gateway.AppKey;
import java.util.Objects;

/**
 * A notification as a client posted it, checked and ready to store.
 *
 * @param app        the app it is sent for
 * @param apnsId     the gateway's id for it, a UUID, also sent to APNs as {@code apns-id}
 * @param token      the device token, lower-case hex
 * @param payload    the payload, a JSON object as text
 * @param identifier the client's own identifier (pyapns's {@code identifier}), or null
 * @param expiry     APNs expiration in epoch seconds (0: deliver once, do not store), or null for none
 * @param priority   10, 5 or 1, or null for APNs's default
 * @param pushType   the {@code apns-push-type}, or null
 * @param collapseId the {@code apns-collapse-id}, or null
 * @param topic      the {@code apns-topic}, or null for the app's default
 */
public record NewNotification(AppKey app, String apnsId, String token, String payload, String identifier, Long expiry,
                              Integer priority, String pushType, String collapseId, String topic) {
    /** Checks that the required parts are present. */
    public NewNotification {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(apnsId, "apnsId");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(payload, "payload");
    }
}
