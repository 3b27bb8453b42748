package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One request to send on a stream: the pseudo-header values, the regular header fields (lower-case names, no
 * pseudo-headers) and the body. Immutable as far as it goes: the body buffer is not copied, so the caller must not
 * change its bytes until the stream has ended. The engine never moves the buffer's position.
 */
public final class Http2Request {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** Header values longer than this are remembered once checked. */
    private static final int LONG_VALUE = 64;
    /**
     * The last long header value found valid. A provider token ({@code authorization}) is the same string in every
     * request for up to an hour, and checking its 200 characters was the most expensive part of making a request;
     * strings are immutable, so an identical reference needs no second look. Written and read without
     * synchronization: a thread that sees an older string (strings are safely published) only checks again.
     */
    private static String lastLongValueChecked;

    final String method;
    final String scheme;
    final String authority;
    final String path;
    final List<Header> headers;
    final ByteBuffer body;

    /**
     * @param method    e.g. {@code POST}
     * @param scheme    e.g. {@code https}
     * @param authority host and optional port, e.g. {@code api.push.apple.com}
     * @param path      e.g. {@code /3/device/<token>}
     * @param headers   regular header fields, lower-case names, no pseudo-headers (the list is kept, not copied,
     *                  when it is unmodifiable)
     * @param body      the bytes between its position and limit; {@code null} for none
     * @throws IllegalArgumentException if a header name starts with {@code ':'} or a pseudo-header value is empty
     */
    public Http2Request(String method, String scheme, String authority, String path, List<Header> headers,
                        ByteBuffer body) {
        this.method = requireText(method, "method");
        this.scheme = requireText(scheme, "scheme");
        this.authority = requireText(authority, "authority");
        this.path = requireText(path, "path");
        this.headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        for (int i = 0, n = this.headers.size(); i < n; i++) {
            Header header = this.headers.get(i);
            if (header.name().charAt(0) == ':') {
                throw new IllegalArgumentException("request header " + i + " '" + header.name()
                        + "' is a pseudo-header; give method, scheme, authority and path as arguments");
            }
            String value = header.value();
            if (value != lastLongValueChecked) {
                requireFieldValue(value, header.name());
                if (value.length() > LONG_VALUE) {
                    lastLongValueChecked = value;
                }
            }
        }
        this.body = body == null ? EMPTY : body.slice();
    }

    /** A {@code POST} over {@code https}. */
    public static Http2Request post(String authority, String path, List<Header> headers, byte[] body) {
        return new Http2Request("POST", "https", authority, path, headers, body == null ? null : ByteBuffer.wrap(body));
    }

    private static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the request's " + what + " must not be empty");
        }
        requireFieldValue(value, null, what);
        return value;
    }

    /**
     * Checks what HTTP/2 allows in a field value (RFC 9113 §8.2.1: no NUL, CR or LF) and what HPACK can carry (octets,
     * so no character above 0xFF). Checked here, before the encoder sees the request: an encoder that failed halfway
     * through a block would leave its dynamic table out of step with the server's decoder.
     */
    private static void requireFieldValue(String value, String headerName) {
        requireFieldValue(value, headerName, null);
    }

    /**
     * As above, for the value of the header {@code headerName} or, when that is null, of the pseudo-header
     * {@code pseudo}; the message is put together only when a value is refused.
     */
    private static void requireFieldValue(String value, String headerName, String pseudo) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            // Most characters are above CR and at most 0xFF: two comparisons, then the exact test for the rest.
            if ((c <= '\r' || c > 0xFF) && (c > 0xFF || c == 0 || c == '\r' || c == '\n')) {
                String what = headerName != null ? "value of request header '" + headerName + "'" : "request's " + pseudo;
                throw new IllegalArgumentException("the " + what + " has character " + (int) c + " at index " + i
                        + "; field values are octets without NUL, CR or LF");
            }
        }
    }

    /** The {@code :method} value. */
    public String method() {
        return method;
    }

    /** The {@code :scheme} value. */
    public String scheme() {
        return scheme;
    }

    /** The {@code :authority} value. */
    public String authority() {
        return authority;
    }

    /** The {@code :path} value. */
    public String path() {
        return path;
    }

    /** The regular header fields, unmodifiable. */
    public List<Header> headers() {
        return headers;
    }

    /** The body, a read-only view (position 0, limit its length). */
    public ByteBuffer body() {
        return body.asReadOnlyBuffer();
    }

    /** The body's length in bytes. */
    public int bodyLength() {
        return body.remaining();
    }

    @Override
    public String toString() {
        // No header values: one of them may be a provider token.
        return "Http2Request[" + method + " " + scheme + "://" + authority + path + ", " + headers.size()
                + " headers, " + body.remaining() + " body bytes]";
    }
}
