package dev.apns.mock.h2;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Whether a payload is exactly one JSON object (RFC 8259), with Jackson's default parser as the reference: the
 * answer is always the one {@link #byJackson} gives. Most payloads are decided by {@link #fast}, a single pass over
 * the bytes with no allocation, which follows the JSON grammar exactly as Jackson applies it with its default
 * features (no comments, no single quotes, no unquoted names, no leading zeros, no trailing commas, no unescaped
 * control characters, only the JSON escapes, only space, tab, CR and LF as white space). What the fast pass does not
 * decide is left to Jackson: a byte above 0x7F (Jackson then decodes UTF-8 and may skip a byte order mark), a zero
 * byte among the first four (Jackson may then read UTF-16 or UTF-32), nesting deeper than {@value #MAX_FAST_DEPTH}
 * or a number longer than {@value #MAX_FAST_NUMBER} characters (Jackson's stream read constraints). Stateless and
 * thread-safe.
 */
final class JsonObjectCheck {
    static final int NO = 0;
    static final int YES = 1;
    static final int UNDECIDED = -1;
    static final int MAX_FAST_DEPTH = 64;
    static final int MAX_FAST_NUMBER = 100;

    private static final JsonFactory JSON = new JsonFactory();
    /** For each byte value, whether it may stand for itself inside a string: printable ASCII but quote and backslash. */
    private static final boolean[] PLAIN_IN_STRING = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN_IN_STRING[c] = c != '"' && c != '\\';
        }
    }

    private JsonObjectCheck() {
    }

    /** Whether {@code body[0, length)} is one JSON object, optionally surrounded by white space. */
    static boolean isJsonObject(byte[] body, int length) {
        int fast = fast(body, length);
        return fast == UNDECIDED ? byJackson(body, length) : fast == YES;
    }

    /** The reference: Jackson's parser reads one object and then the end of the input. */
    static boolean byJackson(byte[] body, int length) {
        try (JsonParser parser = JSON.createParser(body, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            // Not JSON (or beyond Jackson's limits): the payload is refused, which is the answer.
            return false;
        }
    }

    /** {@link #YES}, {@link #NO} or {@link #UNDECIDED}: see the class comment. */
    static int fast(byte[] b, int n) {
        for (int k = 0, end = Math.min(4, n); k < end; k++) {
            if (b[k] == 0) {
                return UNDECIDED;
            }
        }
        int i = skipSpace(b, 0, n);
        if (i == n) {
            return NO;
        }
        if (b[i] != '{') {
            return unexpected(b[i]);
        }
        long objects = 0; // bit d set: the container at depth d + 1 is an object
        int depth = 0;
        while (true) {
            // A value starts at i (i < n, not white space).
            byte c = b[i];
            if (c == '{' || c == '[') {
                if (depth == MAX_FAST_DEPTH) {
                    return UNDECIDED;
                }
                boolean object = c == '{';
                objects = object ? objects | 1L << depth : objects & ~(1L << depth);
                depth++;
                i = skipSpace(b, i + 1, n);
                if (i == n) {
                    return NO;
                }
                if (b[i] != (object ? '}' : ']')) {
                    if (object) {
                        i = member(b, i, n);
                        if (i < 0) {
                            return i == -1 ? NO : UNDECIDED;
                        }
                    }
                    continue; // the first value of the container
                }
                depth--;
                i++;
            } else {
                if (c == '"') {
                    i = string(b, i, n);
                } else if (c == '-' || c >= '0' && c <= '9') {
                    i = number(b, i, n);
                } else if (c == 't') {
                    i = literal(b, i, n, 't', 'r', 'u', 'e', 4);
                } else if (c == 'f') {
                    i = literal(b, i, n, 'f', 'a', 'l', 's', 5);
                } else if (c == 'n') {
                    i = literal(b, i, n, 'n', 'u', 'l', 'l', 4);
                } else {
                    return unexpected(c);
                }
                if (i < 0) {
                    return i == -1 ? NO : UNDECIDED;
                }
            }
            // After a value: a comma and the next one, or the end of containers, or the end of the input.
            while (true) {
                i = skipSpace(b, i, n);
                if (depth == 0) {
                    return i == n ? YES : unexpected(b[i]);
                }
                if (i == n) {
                    return NO;
                }
                c = b[i];
                boolean inObject = (objects >>> (depth - 1) & 1) != 0;
                if (c == ',') {
                    i = skipSpace(b, i + 1, n);
                    if (i == n) {
                        return NO;
                    }
                    if (inObject) {
                        i = member(b, i, n);
                        if (i < 0) {
                            return i == -1 ? NO : UNDECIDED;
                        }
                    }
                    break; // the next value
                }
                if (c != (inObject ? '}' : ']')) {
                    return unexpected(c);
                }
                depth--;
                i++;
            }
        }
    }

    /** NO for an ASCII byte where it cannot be; UNDECIDED for a byte above 0x7F, which Jackson decodes first. */
    private static int unexpected(byte c) {
        return c < 0 ? UNDECIDED : NO;
    }

    private static int skipSpace(byte[] b, int i, int n) {
        while (i < n) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
            i++;
        }
        return n;
    }

    /**
     * A member's name and colon at {@code i} (not white space); the index of its value (not white space, within the
     * input), or -1 (not JSON) or -2 (undecided).
     */
    private static int member(byte[] b, int i, int n) {
        if (b[i] != '"') {
            return b[i] < 0 ? -2 : -1;
        }
        i = string(b, i, n);
        if (i < 0) {
            return i;
        }
        i = skipSpace(b, i, n);
        if (i == n) {
            return -1;
        }
        if (b[i] != ':') {
            return b[i] < 0 ? -2 : -1;
        }
        i = skipSpace(b, i + 1, n);
        return i == n ? -1 : i;
    }

    /** A string at {@code i} (its opening quote); the index after its closing quote, or -1 or -2. */
    private static int string(byte[] b, int i, int n) {
        i++;
        while (i < n) {
            byte c = b[i];
            if (PLAIN_IN_STRING[c & 0xFF]) {
                i++;
                continue;
            }
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (++i == n) {
                    return -1;
                }
                byte e = b[i];
                if (e == 'u') {
                    if (i + 4 >= n) {
                        return -1;
                    }
                    for (int k = 1; k <= 4; k++) {
                        byte h = b[i + k];
                        if (!(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F')) {
                            return h < 0 ? -2 : -1;
                        }
                    }
                    i += 5;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                        || e == 't') {
                    i++;
                } else {
                    return e < 0 ? -2 : -1;
                }
            } else if (c < 0) {
                return -2; // UTF-8: Jackson decodes it
            } else if (c < 0x20) {
                return -1; // an unescaped control character
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * A number at {@code i}: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}; the index after it, or -1,
     * or -2 when it is longer than {@value #MAX_FAST_NUMBER} characters. What follows is checked by the caller.
     */
    private static int number(byte[] b, int i, int n) {
        int start = i;
        if (b[i] == '-') {
            i++;
        }
        if (i == n) {
            return -1;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i, n);
        } else {
            return b[i] < 0 ? -2 : -1;
        }
        if (i < n && b[i] == '.') {
            i++;
            if (i == n || b[i] < '0' || b[i] > '9') {
                return i < n && b[i] < 0 ? -2 : -1;
            }
            i = digits(b, i, n);
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            if (i == n || b[i] < '0' || b[i] > '9') {
                return i < n && b[i] < 0 ? -2 : -1;
            }
            i = digits(b, i, n);
        }
        return i - start > MAX_FAST_NUMBER ? -2 : i;
    }

    private static int digits(byte[] b, int i, int n) {
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    /** The literal of {@code length} bytes starting {@code c0 c1 c2 c3} ({@code e} follows for false). */
    private static int literal(byte[] b, int i, int n, char c0, char c1, char c2, char c3, int length) {
        if (i + length > n || b[i] != c0 || b[i + 1] != c1 || b[i + 2] != c2 || b[i + 3] != c3
                || length == 5 && b[i + 4] != 'e') {
            for (int k = i; k < Math.min(n, i + length); k++) {
                if (b[k] < 0) {
                    return -2;
                }
            }
            return -1;
        }
        return i + length;
    }
}
