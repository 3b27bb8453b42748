package dev.apns.gateway.store;

import java.util.Objects;

/**
 * What one attempt at a notification came to, as the store records it.
 *
 * @param httpStatus   APNs's HTTP status (200, 400, 410, ...), or 0 where there was none (binary protocol, no answer)
 * @param reason       APNs's reason ({@code BadDeviceToken}), a binary status name, or the gateway's own reason
 *                     for not delivering ({@code Expired}, {@code AttemptsExhausted}); null when accepted
 * @param detail       a sentence for people, or null
 * @param invalidSince for Unregistered and ExpiredToken, when the token stopped being valid, epoch ms, or 0
 * @param uniqueId     APNs's {@code apns-unique-id} (development environment), or null
 */
public record Result(int httpStatus, String reason, String detail, long invalidSince, String uniqueId) {
    /** An accepted attempt. */
    public static Result accepted(int httpStatus, String uniqueId) {
        return new Result(httpStatus, null, null, 0, uniqueId);
    }

    /** A failure or rejection with a reason. */
    public static Result failure(int httpStatus, String reason, String detail, long invalidSince) {
        return new Result(httpStatus, Objects.requireNonNull(reason, "reason"), detail, invalidSince, null);
    }
}
