package dev.apns.mock.h2;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Netty's HPACK decoding of request header blocks with every check Netty makes (names are lowercase HTTP tokens,
 * known pseudo-headers, not empty and not repeated, pseudo-headers first, no connection-specific fields, values
 * without prohibited characters, the header list size), where a field whose name or value is the very object that
 * passed the same check at the same position of the previous block is not checked again. HPACK hands out one object
 * per entry of its static and dynamic tables, and a client sends its fields in the same order every time, so the
 * names and the values a client indexes (its provider token, topic, push type) are checked once per connection
 * instead of once per request; literals, such as the path, are new objects and checked every time. One
 * connection's event loop uses an instance.
 */
final class RequestHeadersDecoder extends DefaultHttp2HeadersDecoder {
    /** Fields past this position of a block are always checked. */
    private static final int REMEMBERED = 32;
    private final Object[] checkedNames = new Object[REMEMBERED];
    private final Object[] checkedValues = new Object[REMEMBERED];

    RequestHeadersDecoder(long maxHeaderListSize) {
        super(true, true, maxHeaderListSize);
    }

    @Override
    protected Http2Headers newHeaders() {
        return new RequestFields(checkedNames, checkedValues, numberOfHeadersGuess());
    }

    /** Whether a header block decoded here had a {@code content-length} field. */
    static boolean hasContentLength(Http2Headers headers) {
        return headers instanceof RequestFields fields ? fields.contentLength
                : headers.contains(HttpHeaderNames.CONTENT_LENGTH);
    }

    /**
     * The decoded fields of one header block. Netty's {@code DefaultHeaders.add} checks a field's name, then its
     * value; {@link #position} counts the fields.
     */
    private static final class RequestFields extends DefaultHttp2Headers {
        private final Object[] checkedNames;
        private final Object[] checkedValues;
        private int position;
        boolean contentLength;

        RequestFields(Object[] checkedNames, Object[] checkedValues, int sizeHint) {
            super(true, true, sizeHint);
            this.checkedNames = checkedNames;
            this.checkedValues = checkedValues;
        }

        @Override
        protected void validateName(NameValidator<CharSequence> validator, boolean forAdd, CharSequence name) {
            if (name != null && name.length() == 14 && HttpHeaderNames.CONTENT_LENGTH.contentEquals(name)) {
                contentLength = true;
            }
            int at = position;
            if (forAdd && at < REMEMBERED && checkedNames[at] == name) {
                return;
            }
            super.validateName(validator, forAdd, name);
            // Pseudo-headers are checked each time: a second one of a kind is refused, which depends on this block.
            if (forAdd && at < REMEMBERED && name.length() > 0 && name.charAt(0) != ':') {
                checkedNames[at] = name;
            }
        }

        @Override
        protected void validateValue(ValueValidator<CharSequence> validator, CharSequence name, CharSequence value) {
            int at = position++;
            if (at < REMEMBERED && checkedValues[at] == value) {
                return;
            }
            super.validateValue(validator, name, value);
            // An empty value is refused for a pseudo-header only, which depends on the name.
            if (at < REMEMBERED && value != null && value.length() > 0) {
                checkedValues[at] = value;
            }
        }
    }
}
