package dev.apns.mock.h2;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A notification the HTTP/2 mock server accepted (answered 200), as it arrived.
 *
 * @param connection         the connection's number, from 1 in the order the server accepted connections
 * @param requestNumber      the request's number, from 1 in the order the server processed requests on all
 *                           connections since start or the last reset
 * @param token              the device token from the path, in lower case
 * @param topic              the {@code apns-topic} header, or the default topic the server used without one
 * @param pushType           the {@code apns-push-type} header ({@code alert} when absent)
 * @param priority           the {@code apns-priority} header (10 when absent)
 * @param expiration         the {@code apns-expiration} header, when present
 * @param collapseId         the {@code apns-collapse-id} header, when present
 * @param apnsId             the {@code apns-id} of the response: the request's, or the one the server generated
 * @param payload            the body
 * @param teamId             with token authentication, the team of the provider token
 * @param keyId              with token authentication, the key of the provider token
 * @param certificateSubject with certificate authentication, the client certificate's subject (RFC 2253)
 */
public record AcceptedNotification(int connection, long requestNumber, String token, String topic, String pushType,
                                   int priority, OptionalLong expiration, Optional<String> collapseId, String apnsId,
                                   byte[] payload, Optional<String> teamId, Optional<String> keyId,
                                   Optional<String> certificateSubject) {
    /** Copies the payload, so that the record stays immutable. */
    public AcceptedNotification {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(pushType, "pushType");
        Objects.requireNonNull(expiration, "expiration");
        Objects.requireNonNull(collapseId, "collapseId");
        Objects.requireNonNull(apnsId, "apnsId");
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(certificateSubject, "certificateSubject");
        payload = payload.clone();
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload as UTF-8 text. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AcceptedNotification that
                && connection == that.connection && requestNumber == that.requestNumber && priority == that.priority
                && token.equals(that.token) && topic.equals(that.topic) && pushType.equals(that.pushType)
                && expiration.equals(that.expiration) && collapseId.equals(that.collapseId)
                && apnsId.equals(that.apnsId) && Arrays.equals(payload, that.payload) && teamId.equals(that.teamId)
                && keyId.equals(that.keyId) && certificateSubject.equals(that.certificateSubject);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connection, requestNumber, token, topic, pushType, priority, expiration, collapseId, apnsId,
                Arrays.hashCode(payload), teamId, keyId, certificateSubject);
    }

    @Override
    public String toString() {
        return "AcceptedNotification[#" + requestNumber + " on connection " + connection + ", token " + token
                + ", topic " + topic + ", " + pushType + ", priority " + priority + ", apns-id " + apnsId + ", "
                + payload.length + " payload bytes]";
    }
}
