package dev.apns.gateway.store;

/**
 * A device token APNs said is no longer valid for an app: from a 410 answer (Unregistered, ExpiredToken), a
 * BadDeviceToken rejection, or the binary protocol's feedback service.
 *
 * @param token  lower-case hex
 * @param reason APNs's reason, or {@code Feedback}
 * @param since  when it stopped being valid, epoch ms (when it was learned, where APNs gave no time)
 * @param source {@code rejection} or {@code feedback}
 */
public record DeadToken(String token, String reason, long since, String source) {
}
