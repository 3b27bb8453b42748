package dev.apns;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP/2 provider API error: the HTTP status, the {@code reason} string of the JSON body and, for status
 * 410, the time since which the token has been invalid. Reasons Apple documents are {@link Code}s; any other
 * is kept raw with {@link Code#UNKNOWN}. Immutable.
 *
 * @param status the HTTP status, 400 to 599
 * @param reason the reason string as the server sent it (empty when the body had none)
 * @param invalidSince epoch milliseconds of the {@code timestamp} field, or -1 when the body had none
 */
public record Http2Reason(int status, String reason, long invalidSince) implements RejectionReason {

    /** The reasons Apple documents, and {@link #UNKNOWN} for any other. */
    public enum Code {
        BAD_COLLAPSE_ID("BadCollapseId"), BAD_DEVICE_TOKEN("BadDeviceToken"), BAD_EXPIRATION_DATE("BadExpirationDate"),
        BAD_MESSAGE_ID("BadMessageId"), BAD_PRIORITY("BadPriority"), BAD_TOPIC("BadTopic"),
        DEVICE_TOKEN_NOT_FOR_TOPIC("DeviceTokenNotForTopic"), DUPLICATE_HEADERS("DuplicateHeaders"),
        IDLE_TIMEOUT("IdleTimeout"), INVALID_PUSH_TYPE("InvalidPushType"), MISSING_DEVICE_TOKEN("MissingDeviceToken"),
        MISSING_TOPIC("MissingTopic"), PAYLOAD_EMPTY("PayloadEmpty"), TOPIC_DISALLOWED("TopicDisallowed"),
        BAD_CERTIFICATE("BadCertificate"), BAD_CERTIFICATE_ENVIRONMENT("BadCertificateEnvironment"),
        EXPIRED_PROVIDER_TOKEN("ExpiredProviderToken"), FORBIDDEN("Forbidden"),
        INVALID_PROVIDER_TOKEN("InvalidProviderToken"), MISSING_PROVIDER_TOKEN("MissingProviderToken"),
        UNRELATED_KEY_ID_IN_TOKEN("UnrelatedKeyIdInToken"), BAD_ENVIRONMENT_KEY_ID_IN_TOKEN("BadEnvironmentKeyIdInToken"),
        BAD_PATH("BadPath"), METHOD_NOT_ALLOWED("MethodNotAllowed"), EXPIRED_TOKEN("ExpiredToken"),
        UNREGISTERED("Unregistered"), PAYLOAD_TOO_LARGE("PayloadTooLarge"),
        TOO_MANY_PROVIDER_TOKEN_UPDATES("TooManyProviderTokenUpdates"), TOO_MANY_REQUESTS("TooManyRequests"),
        INTERNAL_SERVER_ERROR("InternalServerError"), SERVICE_UNAVAILABLE("ServiceUnavailable"), SHUTDOWN("Shutdown"),
        /** A reason Apple has not documented (or none): see {@link Http2Reason#reason()} for the raw text. */
        UNKNOWN("");

        private final String text;

        Code(String text) {
            this.text = text;
        }

        /** The reason string Apple sends. */
        public String text() {
            return text;
        }

        static Code of(String text) {
            for (Code code : values()) {
                if (code != UNKNOWN && code.text.equals(text)) {
                    return code;
                }
            }
            return UNKNOWN;
        }
    }

    public Http2Reason {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("An HTTP status is 100 to 599; was " + status + ".");
        }
        Objects.requireNonNull(reason, "reason");
        if (invalidSince < -1) {
            throw new IllegalArgumentException("invalidSince must be -1 (none) or epoch milliseconds; was " + invalidSince + ".");
        }
    }

    /** A reason without a timestamp. */
    public static Http2Reason of(int status, String reason) {
        return new Http2Reason(status, reason, -1);
    }

    /** The documented reason, or {@link Code#UNKNOWN}. */
    public Code code() {
        return Code.of(reason);
    }

    @Override
    public Optional<Instant> tokenInvalidSince() {
        return invalidSince < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(invalidSince));
    }

    @Override
    public boolean tokenIsInvalid() {
        Code code = code();
        return code == Code.UNREGISTERED || code == Code.EXPIRED_TOKEN || code == Code.BAD_DEVICE_TOKEN;
    }

    /**
     * Whether Apple's guidance allows sending the same notification again later: server errors (5xx) and
     * {@code TooManyRequests}, with backoff. Token, payload and authentication failures are not retried.
     */
    public boolean isRetryable() {
        return status >= 500 || code() == Code.TOO_MANY_REQUESTS;
    }

    @Override
    public String description() {
        String text = reason.isEmpty() ? "no reason given" : reason;
        return "HTTP " + status + " " + text + tokenInvalidSince().map(t -> " (token invalid since " + t + ")").orElse("");
    }

    @Override
    public String toString() {
        return description();
    }
}
