package dev.apns.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.gateway.store.StoredNotification;
import java.time.Instant;

/**
 * A notification and its result as the gateway shows it: to a client reading it, on the status page, and in the
 * results posted to an app's callback URL ({@code type}, {@code id}, {@code identifier}, {@code token},
 * {@code status}, {@code attempts}, times, and once known {@code http_status}, {@code reason}, {@code detail},
 * {@code timestamp} (when a token stopped being valid), {@code apns_unique_id}, {@code possibly_sent}).
 */
public final class NotificationJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NotificationJson() {
    }

    /** The JSON of a stored notification. */
    public static ObjectNode of(StoredNotification stored) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "notification");
        node.put("id", stored.notification().apnsId());
        if (stored.notification().identifier() != null) {
            node.put("identifier", stored.notification().identifier());
        }
        node.put("token", stored.notification().token());
        node.put("status", stored.state().wireName());
        node.put("attempts", stored.attempts());
        node.put("created", Instant.ofEpochMilli(stored.createdAt()).toString());
        if (stored.finishedAt() > 0) {
            node.put("finished", Instant.ofEpochMilli(stored.finishedAt()).toString());
        }
        stored.result().ifPresent(result -> {
            if (result.httpStatus() != 0) {
                node.put("http_status", result.httpStatus());
            }
            if (result.reason() != null) {
                node.put("reason", result.reason());
            }
            if (result.detail() != null) {
                node.put("detail", result.detail());
            }
            if (result.invalidSince() != 0) {
                node.put("timestamp", Instant.ofEpochMilli(result.invalidSince()).toString());
            }
            if (result.uniqueId() != null) {
                node.put("apns_unique_id", result.uniqueId());
            }
        });
        node.put("possibly_sent", stored.possiblySent());
        return node;
    }
}
