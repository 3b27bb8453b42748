package dev.apns.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apns.Http2Defaults;
import dev.apns.gateway.AppKey;
import dev.apns.gateway.InvalidFieldException;
import dev.apns.gateway.delivery.SdkNotifications;
import dev.apns.gateway.store.NewNotification;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Reads the body of {@code POST .../notifications}: one notification object or a list of them, each with
 * pyapns's {@code token}, {@code payload}, {@code identifier} and {@code expiry}, and the HTTP/2 fields
 * {@code priority}, {@code push_type}, {@code collapse_id} and {@code topic}. Every notification is checked as
 * the SDK would before sending (token, payload size for its push type, priority), so that a bad one is refused
 * here, naming it ({@code [3].token}), and the whole request is stored or none of it.
 */
final class NotificationRequests {
    private NotificationRequests() {
    }

    /** The notifications of a request body. */
    static List<NewNotification> parse(AppKey app, JsonNode body, int maxPerRequest) {
        List<NewNotification> parsed = new ArrayList<>();
        if (body.isArray()) {
            if (body.isEmpty()) {
                throw new InvalidFieldException("body", "the list of notifications is empty");
            }
            if (body.size() > maxPerRequest) {
                throw new InvalidFieldException("body", "at most " + maxPerRequest
                        + " notifications per request, there were " + body.size());
            }
            for (int i = 0; i < body.size(); i++) {
                try {
                    parsed.add(one(app, body.get(i)));
                } catch (InvalidFieldException e) {
                    throw e.within("[" + i + "]");
                }
            }
        } else {
            parsed.add(one(app, body));
        }
        return parsed;
    }

    private static NewNotification one(AppKey app, JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidFieldException("notification", "must be a JSON object");
        }
        String token = text(node, "token", true).toLowerCase(Locale.ROOT);
        JsonNode payloadNode = node.get("payload");
        if (payloadNode == null || payloadNode.isNull()) {
            throw new InvalidFieldException("payload", "is required");
        }
        if (!payloadNode.isObject()) {
            throw new InvalidFieldException("payload", "must be a JSON object, such as {\"aps\": {\"alert\": \"Hi\"}}");
        }
        String identifier = identifier(node.get("identifier"));
        Long expiry = wholeNumber(node, "expiry", 0, 0xFFFF_FFFFL);
        Long priority = wholeNumber(node, "priority", 1, 10);
        NewNotification notification = new NewNotification(app, UUID.randomUUID().toString(), token,
                payloadNode.toString(), identifier, expiry, priority == null ? null : priority.intValue(),
                text(node, "push_type", false), text(node, "collapse_id", false), text(node, "topic", false));
        try {
            Http2Defaults.defaults().check(SdkNotifications.toSdk(notification));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(fieldOf(e), e.getMessage(), e);
        }
        return notification;
    }

    /** Which field an SDK check refused, from the type of its exception. */
    private static String fieldOf(IllegalArgumentException e) {
        String type = e.getClass().getSimpleName();
        if (type.equals("InvalidTokenException")) {
            return "token";
        }
        if (type.equals("InvalidPayloadException")) {
            return "payload";
        }
        return "notification";
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidFieldException(field, "is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidFieldException(field, "must be a string");
        }
        if (value.asText().length() > 4096) {
            throw new InvalidFieldException(field, "is longer than 4096 characters");
        }
        return withoutControlCharacters(value.asText(), field);
    }

    /** Header values and stored texts: a control character (NUL, line breaks...) has no business in them. */
    private static String withoutControlCharacters(String text, String field) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new InvalidFieldException(field, "must not contain control characters (found U+"
                        + String.format("%04X", (int) c) + " at index " + i + ")");
            }
        }
        return text;
    }

    private static String identifier(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual() && value.asText().length() <= 255 || value.isIntegralNumber()) {
            return withoutControlCharacters(value.asText(), "identifier");
        }
        throw new InvalidFieldException("identifier", "must be a string of at most 255 characters or a whole number");
    }

    private static Long wholeNumber(JsonNode node, String field, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw new InvalidFieldException(field, "must be a whole number from " + min + " to " + max);
        }
        return value.asLong();
    }
}
