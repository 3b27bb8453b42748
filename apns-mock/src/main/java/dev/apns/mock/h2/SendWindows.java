package dev.apns.mock.h2;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The send side of flow control (RFC 9113 section 6.9): the connection's window and the client's initial stream
 * window and frame size, and the streams whose answer body waits for window. Only error bodies are DATA here.
 */
final class SendWindows {
    static final int DEFAULT_WINDOW = 65_535;
    private static final long MAX_WINDOW = Integer.MAX_VALUE;

    private final ServerFrameWriter writer;
    private final ArrayDeque<RequestStream> blocked = new ArrayDeque<>();
    private long connectionWindow = DEFAULT_WINDOW;
    private int initialStreamWindow = DEFAULT_WINDOW;
    private int maxFrameSize = 16_384;

    SendWindows(ServerFrameWriter writer) {
        this.writer = writer;
    }

    /** A new stream's send window: the client's SETTINGS_INITIAL_WINDOW_SIZE. */
    int initialStreamWindow() {
        return initialStreamWindow;
    }

    void maxFrameSize(int size) {
        maxFrameSize = size;
    }

    /**
     * Applies a new SETTINGS_INITIAL_WINDOW_SIZE to every open stream (RFC 9113 section 6.9.2); returns the ids of
     * the streams whose window went past 2^31-1.
     */
    List<Integer> initialStreamWindow(int size, Iterable<RequestStream> open) {
        int delta = size - initialStreamWindow;
        initialStreamWindow = size;
        List<Integer> overflowed = new ArrayList<>(0);
        for (RequestStream stream : open) {
            stream.sendWindow += delta;
            if (stream.sendWindow > MAX_WINDOW) {
                overflowed.add(stream.id);
            }
        }
        return overflowed;
    }

    /** A WINDOW_UPDATE for the connection. */
    void connectionUpdate(int increment) throws Http2Exception {
        connectionWindow += increment;
        if (connectionWindow > MAX_WINDOW) {
            throw Http2Exception.connectionError(Http2Error.FLOW_CONTROL_ERROR, "Window size overflow for stream: 0");
        }
    }

    /** A WINDOW_UPDATE for a stream. */
    static void streamUpdate(RequestStream stream, int increment) throws Http2Exception {
        stream.sendWindow += increment;
        if (stream.sendWindow > MAX_WINDOW) {
            throw Http2Exception.streamError(stream.id, Http2Error.FLOW_CONTROL_ERROR,
                    "Window size overflow for stream: %d", stream.id);
        }
    }

    /**
     * Sends as much of the stream's pending body as the windows allow; true when all of it went (END_STREAM on the
     * last frame), false when the stream now waits for window.
     */
    boolean send(RequestStream stream) {
        ByteBuf data = stream.pendingData;
        while (data.isReadable()) {
            long window = Math.min(connectionWindow, stream.sendWindow);
            int length = (int) Math.min(Math.min(window, maxFrameSize), data.readableBytes());
            if (length <= 0) {
                blocked.add(stream);
                return false;
            }
            writer.data(stream.id, data, length, length == data.readableBytes());
            connectionWindow -= length;
            stream.sendWindow -= length;
        }
        stream.releasePendingData();
        return true;
    }

    /** After more window: sends what waited, calling {@code finished} for each stream whose body is now all sent. */
    void sendBlocked(Consumer<RequestStream> finished) {
        for (int i = blocked.size(); i > 0 && connectionWindow > 0; i--) {
            RequestStream stream = blocked.poll();
            if (stream.pendingData == null) {
                continue; // reset meanwhile
            }
            if (send(stream)) {
                finished.accept(stream);
            }
        }
    }

    /** The stream ended without its body (reset, GOAWAY above it, connection closed). */
    void forget(RequestStream stream) {
        stream.releasePendingData();
        blocked.remove(stream);
    }

    void clear() {
        blocked.clear();
    }
}
