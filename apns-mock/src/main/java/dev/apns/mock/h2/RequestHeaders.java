package dev.apns.mock.h2;

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
    private static final AsciiString[] NAMES = {
            AsciiString.cached("authorization"), AsciiString.cached("apns-topic"), AsciiString.cached("apns-push-type"),
            AsciiString.cached("apns-priority"), AsciiString.cached("apns-expiration"), AsciiString.cached("apns-id"),
            AsciiString.cached("apns-collapse-id")};

    private static final AsciiString METHOD = AsciiString.cached(":method");
    private static final AsciiString PATH = AsciiString.cached(":path");

    final CharSequence method;
    final CharSequence path;
    private final CharSequence[] values = new CharSequence[7];
    final boolean duplicates;

    RequestHeaders(Http2Headers headers) {
        // :method and :path as Http2Headers.method() and path() give them, the first of each (the iteration has
        // the pseudo-headers first, in the order they came), without a lookup each.
        CharSequence methodValue = null;
        CharSequence pathValue = null;
        boolean duplicate = false;
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            CharSequence name = header.getKey();
            if (name.length() == 0) {
                continue;
            }
            if (name.charAt(0) == ':') {
                if (methodValue == null && METHOD.contentEquals(name)) {
                    methodValue = header.getValue();
                } else if (pathValue == null && PATH.contentEquals(name)) {
                    pathValue = header.getValue();
                }
                continue;
            }
            int index = indexOf(name);
            if (index >= 0) {
                if (values[index] != null) {
                    duplicate = true;
                }
                values[index] = header.getValue();
            }
        }
        this.method = methodValue;
        this.path = pathValue;
        this.duplicates = duplicate;
    }

    /** The slot of a header this class keeps, or -1: names are told apart by length, then compared whole. */
    private static int indexOf(CharSequence name) {
        int slot;
        switch (name.length()) {
            case 13 -> slot = name.charAt(0) == 'a' && name.charAt(1) == 'u' ? AUTHORIZATION : PRIORITY;
            case 10 -> slot = TOPIC;
            case 14 -> slot = PUSH_TYPE;
            case 15 -> slot = EXPIRATION;
            case 7 -> slot = ID;
            case 16 -> slot = COLLAPSE_ID;
            default -> {
                return -1;
            }
        }
        return NAMES[slot].contentEquals(name) ? slot : -1;
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
