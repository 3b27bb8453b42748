package dev.apns.mock.h2;

import java.util.Map;

/** The HTTP status Apple answers with each documented reason; unknown reasons are answered with 400. */
final class Reasons {
    private static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("BadCollapseId", 400), Map.entry("BadDeviceToken", 400), Map.entry("BadExpirationDate", 400),
            Map.entry("BadMessageId", 400), Map.entry("BadPriority", 400), Map.entry("BadTopic", 400),
            Map.entry("DeviceTokenNotForTopic", 400), Map.entry("DuplicateHeaders", 400),
            Map.entry("IdleTimeout", 400), Map.entry("InvalidPushType", 400), Map.entry("MissingDeviceToken", 400),
            Map.entry("MissingTopic", 400), Map.entry("PayloadEmpty", 400), Map.entry("TopicDisallowed", 400),
            Map.entry("BadPayload", 400),
            Map.entry("BadCertificate", 403), Map.entry("BadCertificateEnvironment", 403),
            Map.entry("ExpiredProviderToken", 403), Map.entry("Forbidden", 403),
            Map.entry("InvalidProviderToken", 403), Map.entry("MissingProviderToken", 403),
            Map.entry("UnrelatedKeyIdInToken", 403), Map.entry("BadEnvironmentKeyIdInToken", 403),
            Map.entry("BadPath", 404), Map.entry("MethodNotAllowed", 405),
            Map.entry("ExpiredToken", 410), Map.entry("Unregistered", 410),
            Map.entry("PayloadTooLarge", 413),
            Map.entry("TooManyProviderTokenUpdates", 429), Map.entry("TooManyRequests", 429),
            Map.entry("InternalServerError", 500),
            Map.entry("ServiceUnavailable", 503), Map.entry("Shutdown", 503));

    private Reasons() {
    }

    /** The status Apple sends with {@code reason}; 400 for a reason Apple does not document. */
    static int statusOf(String reason) {
        return STATUS.getOrDefault(reason, 400);
    }

    /** Checks that a scripted reason is a plain word that can be written into the JSON body unescaped. */
    static String requireWord(String reason) {
        if (reason == null || reason.isEmpty() || reason.length() > 64) {
            throw new IllegalArgumentException("A reason is a word of 1 to 64 letters, such as BadDeviceToken; was '"
                    + reason + "'.");
        }
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("A reason is a word of letters and digits, such as BadDeviceToken; "
                        + "was '" + reason + "'.");
            }
        }
        return reason;
    }
}
