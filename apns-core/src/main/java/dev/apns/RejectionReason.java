package dev.apns;

import java.time.Instant;
import java.util.Optional;

/**
 * Why the server refused a notification, whatever the protocol: a binary protocol {@link Status} or an
 * HTTP/2 {@link Http2Reason}. Immutable.
 */
public sealed interface RejectionReason permits Status, Http2Reason {

    /** A short English explanation including the raw code or reason string. */
    String description();

    /**
     * Whether the server said the device token is no longer valid for this topic and should not be used again
     * (binary status 8; HTTP/2 {@code Unregistered}, {@code ExpiredToken} and {@code BadDeviceToken}).
     */
    boolean tokenIsInvalid();

    /** Since when the token has been invalid, where the server said (HTTP/2 status 410). */
    default Optional<Instant> tokenInvalidSince() {
        return Optional.empty();
    }
}
