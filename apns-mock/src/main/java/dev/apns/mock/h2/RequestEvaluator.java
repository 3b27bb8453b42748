package dev.apns.mock.h2;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides how one connection's server answers each request, in this order: method (405), path (404), repeated
 * headers, authentication (403, 429), device token, push type, topic, priority, expiration, {@code apns-id},
 * collapse id, payload (empty, too large, not a JSON object), then the scripted answers for tokens. Used on the
 * connection's event loop only.
 */
final class RequestEvaluator {
    private static final String PATH_PREFIX = "/3/device/";
    private static final int MAX_COLLAPSE_ID_BYTES = 64;

    private final MockApnsHttp2Server server;
    private final Authenticator authenticator;
    private final int connection;

    RequestEvaluator(MockApnsHttp2Server server, Authenticator authenticator, int connection) {
        this.server = server;
        this.authenticator = authenticator;
        this.connection = connection;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    /** Evaluates a complete request; {@code bodyLength} may exceed {@code body.length} (the rest was not kept). */
    Outcome evaluate(long requestNumber, RequestHeaders headers, byte[] body, int bodyLength) {
        CharSequence requestId = headers.apnsId();
        boolean idValid = requestId != null && isUuid(requestId);
        String apnsId = idValid ? requestId.toString() : Uuids.random();
        CharSequence path = headers.path == null ? "" : headers.path;
        Outcome outcome = check(headers, path, body, bodyLength, apnsId, idValid, requestNumber);
        if (!outcome.isAccepted()) {
            server.observations().countRejected(new RejectedRequest(connection, requestNumber, outcome.status(),
                    outcome.reason(), path.toString()));
        }
        return outcome;
    }

    /** The checks, on the path as it came (the device token is made a string only where it is kept or looked up). */
    private Outcome check(RequestHeaders headers, CharSequence path, byte[] body, int bodyLength, String apnsId,
                          boolean idValid, long requestNumber) {
        if (headers.method == null || !"POST".contentEquals(headers.method)) {
            return Outcome.rejected("MethodNotAllowed", apnsId, false);
        }
        if (!startsWith(path, PATH_PREFIX)) {
            return Outcome.rejected("BadPath", apnsId, false);
        }
        int tokenStart = PATH_PREFIX.length();
        for (int i = tokenStart, n = path.length(); i < n; i++) {
            char c = path.charAt(i);
            if (c == '/' || c == '?') {
                return Outcome.rejected("BadPath", apnsId, false);
            }
        }
        if (headers.duplicates) {
            return Outcome.rejected("DuplicateHeaders", apnsId, false);
        }
        FaultScript script = server.script();
        if (script.takeTooManyRequests()) {
            return Outcome.rejected("TooManyRequests", apnsId, false);
        }
        if (script.takeServiceUnavailable()) {
            return Outcome.rejected("ServiceUnavailable", apnsId, false);
        }
        Authenticator.Result auth = authenticator.authenticate(headers.authorization());
        if (!auth.ok()) {
            return Outcome.rejected(auth.failure(), apnsId, false);
        }
        if (path.length() == tokenStart) {
            return Outcome.rejected("MissingDeviceToken", apnsId, true);
        }
        if (!isDeviceToken(path, tokenStart)) {
            return Outcome.rejected("BadDeviceToken", apnsId, true);
        }
        PushType pushType = headers.pushType() == null ? PushType.ALERT : PushType.byName(headers.pushType());
        if (pushType == null) {
            return Outcome.rejected("InvalidPushType", apnsId, true);
        }
        String topic = headers.topic() == null ? null : headers.topic().toString();
        String topicProblem = topicProblem(topic, pushType, auth);
        if (topicProblem != null) {
            return Outcome.rejected(topicProblem, apnsId, true);
        }
        if (topic == null) {
            topic = auth.exactTopics() ? auth.topics().iterator().next()
                    : auth.topics().iterator().next() + pushType.topicSuffix;
        }
        int priority = priority(headers.priority());
        if (priority < 0 || pushType == PushType.BACKGROUND && headers.priority() != null && priority != 5) {
            return Outcome.rejected("BadPriority", apnsId, true);
        }
        OptionalLong expiration = OptionalLong.empty();
        if (headers.expiration() != null) {
            long value = digits(headers.expiration());
            if (value < 0) {
                return Outcome.rejected("BadExpirationDate", apnsId, true);
            }
            expiration = OptionalLong.of(value);
        }
        if (headers.apnsId() != null && !idValid) {
            return Outcome.rejected("BadMessageId", apnsId, true);
        }
        String collapseId = headers.collapseId() == null ? null : headers.collapseId().toString();
        if (collapseId != null && collapseId.getBytes(StandardCharsets.UTF_8).length > MAX_COLLAPSE_ID_BYTES) {
            return Outcome.rejected("BadCollapseId", apnsId, true);
        }
        if (bodyLength == 0) {
            return Outcome.rejected("PayloadEmpty", apnsId, true);
        }
        if (bodyLength > pushType.maxPayloadBytes()) {
            return Outcome.rejected("PayloadTooLarge", apnsId, true);
        }
        if (!JsonObjectCheck.isJsonObject(body, bodyLength)) {
            return Outcome.rejected("BadPayload", apnsId, true);
        }
        String lowerToken = null;
        if (script.anyTokenFault()) {
            lowerToken = lowerToken(path, tokenStart);
            Outcome scripted = script.tokenOutcome(lowerToken, apnsId);
            if (scripted != null) {
                return scripted;
            }
        }
        Observations observations = server.observations();
        if (observations.recording()) {
            if (lowerToken == null) {
                lowerToken = lowerToken(path, tokenStart);
            }
            observations.accepted(new AcceptedNotification(connection, requestNumber, lowerToken, topic,
                    pushType.wireName, priority, expiration, Optional.ofNullable(collapseId), apnsId,
                    Arrays.copyOf(body, bodyLength), Optional.ofNullable(auth.teamId()),
                    Optional.ofNullable(auth.keyId()), Optional.ofNullable(auth.certificateSubject())));
        } else {
            observations.countAccepted();
        }
        return Outcome.accepted(apnsId);
    }

    /** Why {@code topic} cannot be used for {@code pushType}, or null when it can. */
    private static String topicProblem(String topic, PushType pushType, Authenticator.Result auth) {
        Set<String> allowed = auth.topics();
        if (topic == null) {
            return allowed.size() == 1 ? null : "MissingTopic";
        }
        if (!isTopicSyntax(topic)) {
            return "BadTopic";
        }
        PushType topicType = PushType.bySuffix(topic);
        if (auth.exactTopics()) {
            if (!allowed.contains(topic) || pushType == PushType.LOCATION) {
                return "TopicDisallowed"; // location pushes need token authentication
            }
            return topic.endsWith(pushType.topicSuffix) && (topicType == null || topicType == pushType) ? null
                    : "DeviceTokenNotForTopic";
        }
        if (pushType == PushType.MDM) {
            return allowed.contains(topic) ? null : "TopicDisallowed";
        }
        String bundle = topicType == null ? topic : topic.substring(0, topic.length() - topicType.topicSuffix.length());
        if (!allowed.contains(bundle)) {
            return "TopicDisallowed";
        }
        return topicType == (pushType.topicSuffix.isEmpty() ? null : pushType) ? null : "DeviceTokenNotForTopic";
    }

    private static boolean isTopicSyntax(String topic) {
        if (topic.isEmpty() || topic.length() > 255) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(CharSequence text, String prefix) {
        if (text.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (text.charAt(i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String lowerToken(CharSequence path, int tokenStart) {
        return path.subSequence(tokenStart, path.length()).toString().toLowerCase(Locale.ROOT);
    }

    /** From {@code start} to the end of {@code path}: 64 or more hexadecimal digits, an even number (whole bytes). */
    private static boolean isDeviceToken(CharSequence path, int start) {
        int length = path.length() - start;
        if (length < 64 || length % 2 != 0 || length > 200) {
            return false;
        }
        for (int i = start, n = path.length(); i < n; i++) {
            if (Character.digit(path.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** 10 when absent; 10, 5 or 1; otherwise -1. */
    private static int priority(CharSequence value) {
        if (value == null) {
            return 10;
        }
        String text = value.toString();
        return switch (text) {
            case "10" -> 10;
            case "5" -> 5;
            case "1" -> 1;
            default -> -1;
        };
    }

    /** A value of 1 to 19 decimal digits, or -1. */
    private static long digits(CharSequence value) {
        if (value.length() == 0 || value.length() > 18) {
            return -1;
        }
        long result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            result = result * 10 + (c - '0');
        }
        return result;
    }

    /** 8-4-4-4-12 hexadecimal digits, in either case. */
    static boolean isUuid(CharSequence value) {
        if (value.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
