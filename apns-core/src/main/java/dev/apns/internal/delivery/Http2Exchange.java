package dev.apns.internal.delivery;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.apns.Endpoint;
import dev.apns.Http2Defaults;
import dev.apns.Http2Reason;
import dev.apns.InvalidNotificationException;
import dev.apns.Notification;
import dev.apns.PushType;
import dev.apns.internal.h2.Http2Request;
import dev.apns.internal.h2.hpack.Header;
import dev.apns.internal.json.Json;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * What a notification is on the HTTP/2 provider API and what the server's answer means: the request a
 * notification becomes, the checks before sending, and the reason in an error response's JSON body. Pure
 * functions, used by {@link Http2Worker}.
 */
public final class Http2Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(Http2Exchange.class);
    private static final String PATH_PREFIX = "/3/device/";

    private Http2Exchange() {
    }

    /** The {@code :authority} for an endpoint: the host, and the port unless it is 443. */
    static String authority(Endpoint endpoint) {
        String host = endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]" : endpoint.host();
        return endpoint.port() == 443 ? host : host + ":" + endpoint.port();
    }

    /**
     * The request for a notification.
     *
     * @param authorization the {@code authorization} header value ({@code bearer <token>}), or null with
     *     certificate authentication
     * @param headers the connection's cache of the fields whose values repeat
     */
    static Http2Request request(String authority, Notification notification, Http2Defaults defaults,
                                String authorization, HeaderCache headers) {
        // At most 7 fields; no list, lambda or Optional per request, and the fields whose values repeat (the
        // token, push type, topic, expiration, priority) are the same Header objects from one request to the next.
        Header[] fields = new Header[7];
        int count = 0;
        if (authorization != null) {
            fields[count++] = headers.authorization(authorization);
        }
        PushType type = notification.pushType().orElse(null);
        fields[count++] = headers.pushType(type == null ? defaults.pushType() : type);
        String topic = notification.topic().orElse(null);
        if (topic == null) {
            topic = defaults.topic();
        }
        if (topic != null) {
            fields[count++] = headers.topic(topic);
        }
        UUID apnsId = notification.apnsId().orElse(null);
        if (apnsId != null) {
            fields[count++] = new Header("apns-id", apnsId.toString());
        }
        Instant expiry = notification.expiry().orElse(null);
        if (expiry != null) {
            fields[count++] = headers.expiration(expiry.getEpochSecond());
        }
        OptionalInt priority = notification.priority();
        if (priority.isPresent()) {
            fields[count++] = HeaderCache.priority(priority.getAsInt());
        }
        String collapseId = notification.collapseId().orElse(null);
        if (collapseId != null) {
            fields[count++] = new Header("apns-collapse-id", collapseId);
        }
        return new Http2Request("POST", "https", authority, PATH_PREFIX + notification.token().toHex(),
                List.of(count == fields.length ? fields : Arrays.copyOf(fields, count)),
                ByteBuffer.wrap(notification.payload().toBytes()));
    }

    /** The value of the first header with this name, or null. */
    static String header(List<Header> headers, String name) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header header = headers.get(i);
            if (header.name().equals(name)) {
                return header.value();
            }
        }
        return null;
    }

    /**
     * The reason of an error response: its status and the {@code reason} and {@code timestamp} of the JSON body.
     * A body that is not such JSON (a proxy's page, garbage) gives an empty reason, never an exception.
     */
    static Http2Reason reason(int status, byte[] body) {
        String reason = "";
        long timestamp = -1;
        if (body.length > 0) {
            try (JsonParser parser = Json.mapper().getFactory().createParser(body)) {
                if (parser.nextToken() == JsonToken.START_OBJECT) {
                    JsonToken token;
                    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        JsonToken value = parser.nextToken();
                        if ("reason".equals(field) && value == JsonToken.VALUE_STRING) {
                            reason = printable(parser.getText());
                        } else if ("timestamp".equals(field) && value == JsonToken.VALUE_NUMBER_INT
                                && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            long millis = parser.getLongValue();
                            timestamp = millis >= 0 ? millis : -1;
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Not the JSON Apple sends: the status alone is the answer; the raw body is not kept (it may be large).
                LOG.debug("An HTTP {} answer's body is not Apple's JSON ({}); keeping the status alone.", status, e.toString());
            }
        }
        return new Http2Reason(status < 100 || status > 599 ? 500 : status, reason, timestamp);
    }

    /** Reason text cut to 200 printable characters, so that a hostile server cannot fill logs. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
