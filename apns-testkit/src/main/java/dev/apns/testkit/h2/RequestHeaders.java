package dev.apns.testkit.h2;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.Map;

/**
 * The headers of one request that the server looks at, read in one pass over the header block, noting whether
 * any of them came twice.
 */
final class RequestHeaders {
    private static final int AUTHORIZATION = 0;
    private static final int TOPIC = 1;
    private static final int PUSH_TYPE = 2;
    private static final int PRIORITY = 3;
    private static final int EXPIRATION = 4;
    private static final int ID = 5;
    private static final int COLLAPSE_ID = 6;
    private static final Map<AsciiString, Integer> INDEX = Map.of(
            AsciiString.cached("authorization"), AUTHORIZATION,
            AsciiString.cached("apns-topic"), TOPIC,
            AsciiString.cached("apns-push-type"), PUSH_TYPE,
            AsciiString.cached("apns-priority"), PRIORITY,
            AsciiString.cached("apns-expiration"), EXPIRATION,
            AsciiString.cached("apns-id"), ID,
            AsciiString.cached("apns-collapse-id"), COLLAPSE_ID);

    final CharSequence method;
    final CharSequence path;
    private final CharSequence[] values = new CharSequence[7];
    final boolean duplicates;

    RequestHeaders(Http2Headers headers) {
        this.method = headers.method();
        this.path = headers.path();
        boolean duplicate = false;
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            CharSequence name = header.getKey();
            if (name.length() == 0 || name.charAt(0) == ':') {
                continue;
            }
            Integer index = INDEX.get(AsciiString.of(name));
            if (index != null) {
                if (values[index] != null) {
                    duplicate = true;
                }
                values[index] = header.getValue();
            }
        }
        this.duplicates = duplicate;
    }

    CharSequence authorization() {
        return values[AUTHORIZATION];
    }

    CharSequence topic() {
        return values[TOPIC];
    }

    CharSequence pushType() {
        return values[PUSH_TYPE];
    }

    CharSequence priority() {
        return values[PRIORITY];
    }

    CharSequence expiration() {
        return values[EXPIRATION];
    }

    CharSequence apnsId() {
        return values[ID];
    }

    CharSequence collapseId() {
        return values[COLLAPSE_ID];
    }
}
