package dev.apns.internal.delivery;

import dev.apns.PushType;
import dev.apns.internal.h2.hpack.Header;

/**
 * The request header fields whose values repeat from one notification to the next, kept as the last {@link Header}
 * made for each: a provider token is the same string for up to an hour, most senders use one push type, topic and
 * expiration for many notifications, and priorities are three numbers. Each slot holds an immutable object and is
 * read and written by the one thread of the connection that owns the cache ({@link Http2Link}), and dies with it, so
 * that nothing of a provider token outlives its connection.
 */
final class HeaderCache {
    private static final Header PRIORITY_10 = new Header("apns-priority", "10");
    private static final Header PRIORITY_5 = new Header("apns-priority", "5");
    private static final Header PRIORITY_1 = new Header("apns-priority", "1");

    private Header authorization;
    private Header pushType;
    private Header topic;
    private Expiration expiration;

    private record Expiration(long epochSecond, Header header) {
    }

    HeaderCache() {
    }

    /** {@code authorization}, the same object while the token string is the same object. */
    Header authorization(String value) {
        Header last = authorization;
        if (last != null && last.value() == value) {
            return last;
        }
        Header made = new Header("authorization", value);
        authorization = made;
        return made;
    }

    Header pushType(PushType type) {
        String name = type.name();
        Header last = pushType;
        if (last != null && last.value().equals(name)) {
            return last;
        }
        Header made = new Header("apns-push-type", name);
        pushType = made;
        return made;
    }

    Header topic(String value) {
        Header last = topic;
        if (last != null && last.value().equals(value)) {
            return last;
        }
        Header made = new Header("apns-topic", value);
        topic = made;
        return made;
    }

    /** {@code apns-expiration} in seconds since the epoch. */
    Header expiration(long epochSecond) {
        Expiration last = expiration;
        if (last != null && last.epochSecond() == epochSecond) {
            return last.header();
        }
        Header made = new Header("apns-expiration", Long.toString(epochSecond));
        expiration = new Expiration(epochSecond, made);
        return made;
    }

    static Header priority(int priority) {
        return switch (priority) {
            case 10 -> PRIORITY_10;
            case 5 -> PRIORITY_5;
            case 1 -> PRIORITY_1;
            default -> new Header("apns-priority", Integer.toString(priority));
        };
    }
}
