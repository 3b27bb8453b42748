package dev.apns.testkit.h2;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Netty's HPACK decoding of request header blocks with every check Netty makes (names are lowercase HTTP tokens,
 * known pseudo-headers, not empty and not repeated, pseudo-headers first, no connection-specific fields, values
 * without prohibited characters, the header list size), where a field whose name or value is the very object that
 * passed the same check before is not checked again. HPACK hands out one object per entry of its static and dynamic
 * tables, so the names and the long values a client indexes (its provider token, topic, push type) are checked once
 * per connection instead of once per request; literals, such as the path, are new objects and checked every time.
 * One connection's event loop uses an instance.
 */
final class RequestHeadersDecoder extends DefaultHttp2HeadersDecoder {
    private final CheckedInstances names = new CheckedInstances();
    private final CheckedInstances values = new CheckedInstances();

    RequestHeadersDecoder(long maxHeaderListSize) {
        super(true, true, maxHeaderListSize);
    }

    @Override
    protected Http2Headers newHeaders() {
        return new RequestFields(names, values, numberOfHeadersGuess());
    }

    /** Whether a header block decoded here had a {@code content-length} field. */
    static boolean hasContentLength(Http2Headers headers) {
        return headers instanceof RequestFields fields ? fields.contentLength : headers.contains(HttpHeaderNames.CONTENT_LENGTH);
    }

    /**
     * A few objects that passed a check, compared by identity; the oldest is replaced first. A client sends its
     * fields in the same order in every request, so the search starts where the last one was found.
     */
    private static final class CheckedInstances {
        private static final int SIZE = 16;
        private final Object[] seen = new Object[SIZE];
        private int next;
        private int cursor;

        boolean contains(Object value) {
            for (int i = 0; i < SIZE; i++) {
                int at = (cursor + i) & (SIZE - 1);
                if (seen[at] == value) {
                    cursor = at + 1;
                    return true;
                }
            }
            return false;
        }

        void add(Object value) {
            seen[next] = value;
            next = (next + 1) & (SIZE - 1);
        }
    }

    /** The decoded fields of one header block. */
    private static final class RequestFields extends DefaultHttp2Headers {
        private final CheckedInstances names;
        private final CheckedInstances values;
        boolean contentLength;

        RequestFields(CheckedInstances names, CheckedInstances values, int sizeHint) {
            super(true, true, sizeHint);
            this.names = names;
            this.values = values;
        }

        @Override
        protected void validateName(NameValidator<CharSequence> validator, boolean forAdd, CharSequence name) {
            if (name != null && name.length() == 14 && HttpHeaderNames.CONTENT_LENGTH.contentEquals(name)) {
                contentLength = true;
            }
            if (names.contains(name)) {
                return;
            }
            super.validateName(validator, forAdd, name);
            // Pseudo-headers are checked each time: a second one of a kind is refused, which depends on this block.
            if (name.length() > 0 && name.charAt(0) != ':') {
                names.add(name);
            }
        }

        @Override
        protected void validateValue(ValueValidator<CharSequence> validator, CharSequence name, CharSequence value) {
            if (values.contains(value)) {
                return;
            }
            super.validateValue(validator, name, value);
            // An empty value is refused for a pseudo-header only, which depends on the name.
            if (value != null && value.length() > 0) {
                values.add(value);
            }
        }
    }
}
