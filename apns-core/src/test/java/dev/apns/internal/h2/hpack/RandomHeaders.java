package dev.apns.internal.h2.hpack;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random header lists shaped like HTTP/2 traffic: names and values that repeat (so the dynamic table is
 * used and evicts), fresh ones, long ones, ISO-8859-1 octets above 0x7F, optional pseudo-headers first.
 */
final class RandomHeaders {
    private static final String[] NAMES = {"apns-id", "apns-topic", "apns-push-type", "apns-priority",
        "apns-expiration", "apns-collapse-id", "authorization", "content-type", "user-agent", "accept-encoding",
        "cache-control", "date", "www-authenticate", "accept", "etag", "location", "apns-unique-id", "x-custom"};
    private static final String[] VALUES = {"", "10", "5", "1", "0", "alert", "background", "com.example.app",
        "application/json", "gzip, deflate", "no-cache", "Mon, 21 Oct 2013 20:13:21 GMT"};
    /** Table sizes the tests switch between; above 4096 the encoder keeps 4096. */
    static final int[] TABLE_SIZES = {0, 40, 64, 256, 1000, 4096, 8192};

    private final SplittableRandom random;
    private final List<String> recentNames = new ArrayList<>();
    private final List<String> recentValues = new ArrayList<>();

    RandomHeaders(long seed) {
        this.random = new SplittableRandom(seed);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** A header list; with {@code pseudo} it may start with request or response pseudo-headers. */
    List<Header> next(boolean pseudo) {
        List<Header> headers = new ArrayList<>();
        if (pseudo) {
            switch (random.nextInt(3)) {
                case 0:
                    headers.add(new Header(":method", random.nextBoolean() ? "POST" : "GET"));
                    headers.add(new Header(":scheme", "https"));
                    headers.add(new Header(":path", "/3/device/" + token(random.nextInt(1, 65))));
                    headers.add(new Header(":authority", random.nextBoolean() ? "api.push.apple.com"
                            : "api.sandbox.push.apple.com"));
                    break;
                case 1:
                    headers.add(new Header(":status", String.valueOf(
                            new int[] {200, 400, 403, 404, 410, 429, 500, 503}[random.nextInt(8)])));
                    break;
                default:
                    break;
            }
        }
        int count = random.nextInt(0, 12);
        for (int i = 0; i < count; i++) {
            headers.add(new Header(name(), value()));
        }
        return headers;
    }

    private String name() {
        int kind = random.nextInt(10);
        if (kind < 5) {
            return NAMES[random.nextInt(NAMES.length)];
        }
        if (kind < 8 && !recentNames.isEmpty()) {
            return recentNames.get(random.nextInt(recentNames.size()));
        }
        StringBuilder s = new StringBuilder("x-");
        int length = random.nextInt(1, 24);
        for (int i = 0; i < length; i++) {
            s.append("abcdefghijklmnopqrstuvwxyz0123456789-_".charAt(random.nextInt(38)));
        }
        return remember(recentNames, s.toString());
    }

    private String value() {
        int kind = random.nextInt(10);
        if (kind < 4) {
            return VALUES[random.nextInt(VALUES.length)];
        }
        if (kind < 7 && !recentValues.isEmpty()) {
            return recentValues.get(random.nextInt(recentValues.size()));
        }
        int length = random.nextInt(20) == 0 ? random.nextInt(200, 1200) : random.nextInt(0, 60);
        boolean octets = random.nextInt(5) == 0;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            char c;
            if (octets && random.nextInt(4) == 0) {
                c = (char) random.nextInt(0x80, 0x100);
            } else if (i > 0 && i < length - 1 && random.nextInt(10) == 0) {
                c = ' ';
            } else {
                c = (char) random.nextInt(0x21, 0x7F);
            }
            s.append(c);
        }
        return remember(recentValues, s.toString());
    }

    private String token(int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return s.toString();
    }

    private static String remember(List<String> recent, String s) {
        if (recent.size() == 32) {
            recent.remove(0);
        }
        recent.add(s);
        return s;
    }
}
