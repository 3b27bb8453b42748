package dev.apns.internal.h2.hpack;

import java.util.HashMap;
import java.util.Map;

/** The static table of RFC 7541 Appendix A: 61 fixed entries, index 1 to 61. */
final class StaticTable {
    /** The number of entries; dynamic table indices start after it. */
    static final int LENGTH = 61;

    private static final String[][] ENTRIES = {
        {":authority", ""},
        {":method", "GET"},
        {":method", "POST"},
        {":path", "/"},
        {":path", "/index.html"},
        {":scheme", "http"},
        {":scheme", "https"},
        {":status", "200"},
        {":status", "204"},
        {":status", "206"},
        {":status", "304"},
        {":status", "400"},
        {":status", "404"},
        {":status", "500"},
        {"accept-charset", ""},
        {"accept-encoding", "gzip, deflate"},
        {"accept-language", ""},
        {"accept-ranges", ""},
        {"accept", ""},
        {"access-control-allow-origin", ""},
        {"age", ""},
        {"allow", ""},
        {"authorization", ""},
        {"cache-control", ""},
        {"content-disposition", ""},
        {"content-encoding", ""},
        {"content-language", ""},
        {"content-length", ""},
        {"content-location", ""},
        {"content-range", ""},
        {"content-type", ""},
        {"cookie", ""},
        {"date", ""},
        {"etag", ""},
        {"expect", ""},
        {"expires", ""},
        {"from", ""},
        {"host", ""},
        {"if-match", ""},
        {"if-modified-since", ""},
        {"if-none-match", ""},
        {"if-range", ""},
        {"if-unmodified-since", ""},
        {"last-modified", ""},
        {"link", ""},
        {"location", ""},
        {"max-forwards", ""},
        {"proxy-authenticate", ""},
        {"proxy-authorization", ""},
        {"range", ""},
        {"referer", ""},
        {"refresh", ""},
        {"retry-after", ""},
        {"server", ""},
        {"set-cookie", ""},
        {"strict-transport-security", ""},
        {"transfer-encoding", ""},
        {"user-agent", ""},
        {"vary", ""},
        {"via", ""},
        {"www-authenticate", ""},
    };

    /** Entry {@code i} (1-based) at {@code HEADERS[i]}; {@code HEADERS[0]} is null. */
    private static final Header[] HEADERS = new Header[LENGTH + 1];
    /** For each name, the first and last index that carry it (entries with one name are adjacent). */
    private static final Map<String, int[]> RANGES = new HashMap<>();

    static {
        for (int i = 1; i <= LENGTH; i++) {
            String name = ENTRIES[i - 1][0];
            HEADERS[i] = new Header(name, ENTRIES[i - 1][1]);
            int[] range = RANGES.get(name);
            if (range == null) {
                RANGES.put(name, new int[] {i, i});
            } else {
                range[1] = i;
            }
        }
    }

    private StaticTable() {
    }

    /** The entry at {@code index}, which must be in {@code 1..LENGTH}. */
    static Header get(int index) {
        return HEADERS[index];
    }

    /**
     * The first and last index of the entries named {@code name} (adjacent in the table), or null if none is;
     * the array must not be changed.
     */
    static int[] rangeOf(String name) {
        return RANGES.get(name);
    }

    /** The index of the entry in {@code range} (from {@link #rangeOf}) whose value is {@code value}, or 0. */
    static int indexIn(int[] range, String value) {
        for (int i = range[0]; i <= range[1]; i++) {
            if (HEADERS[i].value().equals(value)) {
                return i;
            }
        }
        return 0;
    }
}
