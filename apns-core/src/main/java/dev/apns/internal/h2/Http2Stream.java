package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One client stream: what is left of the request body to send, its two flow-control windows, and the response as it
 * arrives (RFC 9113 §8.1: informational 1xx header blocks, one final header block, DATA, optional trailers). Decides
 * whether what arrives is well-formed; the engine acts on the answer. Not thread-safe.
 */
final class Http2Stream {

    private static final byte[] EMPTY = new byte[0];

    final int id;
    final Object attachment;
    final FlowWindow sendWindow;
    final FlowWindow receiveWindow;

    private final ByteBuffer body;
    private int sent;
    /** Whether the stream waits in the engine's queue for window to send more DATA. */
    boolean queuedForWindow;
    /** Whether the stream has left the table (ended one way or another). */
    boolean ended;

    private int status;
    private List<Header> headers = List.of();
    private byte[] responseBody = EMPTY;
    private int responseLength;

    Http2Stream(int id, Object attachment, ByteBuffer body, int sendWindow, int receiveWindow) {
        this.id = id;
        this.attachment = attachment;
        this.body = body;
        this.sendWindow = new FlowWindow(sendWindow);
        this.receiveWindow = new FlowWindow(receiveWindow);
    }

    /** The request body bytes not yet sent. */
    int unsent() {
        return body.limit() - sent;
    }

    /** The body buffer, for absolute reads at {@link #sendOffset()}. */
    ByteBuffer body() {
        return body;
    }

    /** Where the next DATA starts in the body buffer. */
    int sendOffset() {
        return sent;
    }

    /** {@code bytes} more of the body went out. */
    void sent(int bytes) {
        sent += bytes;
    }

    /** Whether a final (non-1xx) response header block has arrived. */
    boolean hasFinalHeaders() {
        return status >= 200;
    }

    /** The final status. */
    int status() {
        return status;
    }

    /** The final response's fields and any trailers, without pseudo-headers. */
    List<Header> headers() {
        return headers;
    }

    /** The response body, exactly as long as received. */
    byte[] responseBody() {
        return responseLength == responseBody.length ? responseBody : Arrays.copyOf(responseBody, responseLength);
    }

    /**
     * Takes a decoded header block.
     *
     * @return {@code null} if it is well-formed, else why not (a stream error of type PROTOCOL_ERROR)
     */
    String onHeaders(List<Header> block, boolean endStream) {
        if (hasFinalHeaders()) {
            return onTrailers(block, endStream);
        }
        for (int i = 0, n = block.size(); i < n; i++) {
            String name = block.get(i).name();
            if (name.charAt(0) == ':') {
                if (i != 0 || !":status".equals(name)) {
                    return "response header block has pseudo-header '" + name + "' at index " + i
                            + "; a response has exactly one :status, before the regular fields";
                }
            } else if (isConnectionSpecific(name)) {
                return "response has connection-specific field '" + name + "' (RFC 9113 §8.2.2)";
            }
        }
        if (block.isEmpty() || !":status".equals(block.get(0).name())) {
            return "response header block has no :status";
        }
        int statusIndex = 0;
        int code = parseStatus(block.get(statusIndex).value());
        if (code < 100) {
            return "response :status '" + block.get(statusIndex).value() + "' is not a three-digit code";
        }
        if (code < 200) {
            if (code == 101) {
                return "response :status 101 (Switching Protocols) is not allowed in HTTP/2";
            }
            // Informational (RFC 9113 §8.1): skipped; the final response follows on the same stream.
            return endStream ? "informational response " + code + " ends the stream" : null;
        }
        status = code;
        headers = block.size() == 1 ? List.of() : block.subList(1, block.size());
        return null;
    }

    private String onTrailers(List<Header> block, boolean endStream) {
        if (!endStream) {
            return "a second header block (trailers) without END_STREAM";
        }
        for (int i = 0, n = block.size(); i < n; i++) {
            if (block.get(i).name().charAt(0) == ':') {
                return "trailers have pseudo-header '" + block.get(i).name() + "'";
            }
        }
        if (!block.isEmpty()) {
            List<Header> all = new ArrayList<>(headers.size() + block.size());
            all.addAll(headers);
            all.addAll(block);
            headers = all;
        }
        return null;
    }

    /**
     * Takes the data of a DATA frame (padding removed).
     *
     * @return {@code null} if it is acceptable, else why not
     */
    String onData(ByteBuffer data, int maxBody) {
        if (!hasFinalHeaders()) {
            return "DATA before the final response headers";
        }
        int n = data.remaining();
        if (n > maxBody - responseLength) {
            return "response body exceeds the limit of " + maxBody + " bytes";
        }
        if (n > responseBody.length - responseLength) {
            long grown = Math.max((long) responseLength + n, Math.max(64L, responseBody.length * 2L));
            responseBody = Arrays.copyOf(responseBody, (int) Math.min(maxBody, grown));
        }
        data.get(responseBody, responseLength, n);
        responseLength += n;
        return null;
    }

    private static int parseStatus(String value) {
        if (value.length() != 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    private static boolean isConnectionSpecific(String name) {
        switch (name.length()) {
            case 7:
                return name.equals("upgrade");
            case 10:
                return name.equals("connection") || name.equals("keep-alive");
            case 16:
                return name.equals("proxy-connection");
            case 17:
                return name.equals("transfer-encoding");
            default:
                return false;
        }
    }
}
