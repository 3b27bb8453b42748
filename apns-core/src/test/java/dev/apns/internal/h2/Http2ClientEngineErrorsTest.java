package dev.apns.internal.h2;

import dev.apns.internal.h2.ClientFrames.Frame;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.apns.internal.h2.Http2ErrorCode.COMPRESSION_ERROR;
import static dev.apns.internal.h2.Http2ErrorCode.ENHANCE_YOUR_CALM;
import static dev.apns.internal.h2.Http2ErrorCode.FLOW_CONTROL_ERROR;
import static dev.apns.internal.h2.Http2ErrorCode.FRAME_SIZE_ERROR;
import static dev.apns.internal.h2.Http2ErrorCode.PROTOCOL_ERROR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every connection error the engine detects: the typed exception says what and where, a GOAWAY with the same code
 * goes out, the engine closes and ignores what follows, and the open stream is left for {@code abandon()}. Each case
 * breaks exactly one rule after a clean handshake with one stream (id 1) open, whose 2-byte body was sent (so both
 * send windows are 65,533).
 */
class Http2ClientEngineErrorsTest {

    private static final int OPEN = 1;

    static Stream<Arguments> connectionErrors() {
        return Stream.of(
                error("frame larger than our MAX_FRAME_SIZE", FRAME_SIZE_ERROR,
                        s -> s.data(OPEN, false, new byte[16_385])),
                error("SETTINGS on a stream", PROTOCOL_ERROR, s -> s.frame(FrameType.SETTINGS, 0, OPEN, new byte[0])),
                error("SETTINGS length not a multiple of 6", FRAME_SIZE_ERROR,
                        s -> s.frame(FrameType.SETTINGS, 0, 0, new byte[7])),
                error("SETTINGS ACK with a payload", FRAME_SIZE_ERROR,
                        s -> s.frame(FrameType.SETTINGS, FrameType.FLAG_ACK, 0, new byte[6])),
                error("ENABLE_PUSH 1 from a server", PROTOCOL_ERROR, s -> s.settings(Http2Settings.ENABLE_PUSH, 1)),
                error("INITIAL_WINDOW_SIZE above 2^31-1", FLOW_CONTROL_ERROR,
                        s -> s.settings(Http2Settings.INITIAL_WINDOW_SIZE, 1L << 31)),
                error("MAX_FRAME_SIZE below 16384", PROTOCOL_ERROR, s -> s.settings(Http2Settings.MAX_FRAME_SIZE, 16_383)),
                error("MAX_FRAME_SIZE above 2^24-1", PROTOCOL_ERROR, s -> s.settings(Http2Settings.MAX_FRAME_SIZE, 1 << 24)),
                error("ENABLE_CONNECT_PROTOCOL 2", PROTOCOL_ERROR, s -> s.settings(Http2Settings.ENABLE_CONNECT_PROTOCOL, 2)),
                error("INITIAL_WINDOW_SIZE taking an open stream's window above 2^31-1", FLOW_CONTROL_ERROR,
                        s -> s.windowUpdate(OPEN, Integer.MAX_VALUE - 65_533)
                                .settings(Http2Settings.INITIAL_WINDOW_SIZE, 65_536)),
                error("PING frame inside a header block", PROTOCOL_ERROR,
                        s -> s.frame(FrameType.HEADERS, 0, OPEN, s.block(":status", "200")).ping(false, 1)),
                error("unknown frame inside a header block", PROTOCOL_ERROR,
                        s -> s.frame(FrameType.HEADERS, 0, OPEN, s.block(":status", "200")).frame(0x42, 0, 0, new byte[0])),
                error("CONTINUATION of another stream", PROTOCOL_ERROR,
                        s -> s.frame(FrameType.HEADERS, 0, OPEN, s.block(":status", "200"))
                                .frame(FrameType.CONTINUATION, FrameType.FLAG_END_HEADERS, 3, new byte[0])),
                error("CONTINUATION without HEADERS", PROTOCOL_ERROR,
                        s -> s.frame(FrameType.CONTINUATION, FrameType.FLAG_END_HEADERS, OPEN, new byte[0])),
                error("CONTINUATION flood", ENHANCE_YOUR_CALM, s -> {
                    s.frame(FrameType.HEADERS, 0, OPEN, s.block(":status", "200"));
                    for (int i = 0; i < Http2ClientEngine.MAX_CONTINUATIONS + 1; i++) {
                        s.frame(FrameType.CONTINUATION, 0, OPEN, new byte[0]);
                    }
                    return s;
                }),
                error("header block above the block limit", ENHANCE_YOUR_CALM, s -> {
                    s.frame(FrameType.HEADERS, 0, OPEN, new byte[16_384]);
                    s.frame(FrameType.CONTINUATION, 0, OPEN, new byte[16_384]);
                    return s.frame(FrameType.CONTINUATION, FrameType.FLAG_END_HEADERS, OPEN, new byte[1]);
                }),
                error("undecodable header block", COMPRESSION_ERROR,
                        s -> s.frame(FrameType.HEADERS, FrameType.FLAG_END_HEADERS, OPEN, new byte[] {(byte) 0xff, (byte) 0xff})),
                error("PUSH_PROMISE although push is off", PROTOCOL_ERROR,
                        s -> s.frame(FrameType.PUSH_PROMISE, FrameType.FLAG_END_HEADERS, OPEN, new byte[] {0, 0, 0, 2})),
                error("WINDOW_UPDATE of 0 for the connection", PROTOCOL_ERROR, s -> s.windowUpdate(0, 0)),
                error("connection window above 2^31-1", FLOW_CONTROL_ERROR,
                        s -> s.windowUpdate(0, Integer.MAX_VALUE - 65_533 + 1)),
                error("WINDOW_UPDATE of 5 bytes", FRAME_SIZE_ERROR,
                        s -> s.frame(FrameType.WINDOW_UPDATE, 0, 0, new byte[] {0, 0, 0, 1, 0})),
                error("WINDOW_UPDATE on an idle stream", PROTOCOL_ERROR, s -> s.windowUpdate(5, 1)),
                error("PING of 7 bytes", FRAME_SIZE_ERROR, s -> s.frame(FrameType.PING, 0, 0, new byte[7])),
                error("PING on a stream", PROTOCOL_ERROR, s -> s.frame(FrameType.PING, 0, OPEN, new byte[8])),
                error("RST_STREAM of 3 bytes", FRAME_SIZE_ERROR, s -> s.frame(FrameType.RST_STREAM, 0, OPEN, new byte[3])),
                error("RST_STREAM on stream 0", PROTOCOL_ERROR, s -> s.rst(0, 0)),
                error("RST_STREAM on an idle stream", PROTOCOL_ERROR, s -> s.rst(3, 0)),
                error("GOAWAY of 7 bytes", FRAME_SIZE_ERROR, s -> s.frame(FrameType.GOAWAY, 0, 0, new byte[7])),
                error("GOAWAY on a stream", PROTOCOL_ERROR, s -> s.frame(FrameType.GOAWAY, 0, OPEN, new byte[8])),
                error("DATA on stream 0", PROTOCOL_ERROR, s -> s.data(0, false, new byte[1])),
                error("DATA on an idle stream", PROTOCOL_ERROR, s -> s.data(3, false, new byte[1])),
                error("HEADERS on an even (server) stream", PROTOCOL_ERROR, s -> s.headers(2, true, ":status", "200")),
                error("HEADERS on stream 0", PROTOCOL_ERROR,
                        s -> s.frame(FrameType.HEADERS, FrameType.FLAG_END_HEADERS, 0, new byte[0])),
                error("DATA padding as long as the payload", PROTOCOL_ERROR,
                        s -> s.frame(FrameType.DATA, FrameType.FLAG_PADDED, OPEN, new byte[] {3, 0, 0})),
                error("padded DATA without a pad length", FRAME_SIZE_ERROR,
                        s -> s.frame(FrameType.DATA, FrameType.FLAG_PADDED, OPEN, new byte[0])),
                error("HEADERS padding longer than the payload", PROTOCOL_ERROR,
                        s -> s.frame(FrameType.HEADERS, FrameType.FLAG_END_HEADERS | FrameType.FLAG_PADDED, OPEN,
                                new byte[] {5, (byte) 0x88})),
                error("HEADERS with PRIORITY too short for it", FRAME_SIZE_ERROR,
                        s -> s.frame(FrameType.HEADERS, FrameType.FLAG_END_HEADERS | FrameType.FLAG_PRIORITY, OPEN,
                                new byte[4])));
    }

    private static Arguments error(String name, Http2ErrorCode code, Function<ServerFrames, ServerFrames> frames) {
        return arguments(name, code, frames);
    }

    @ParameterizedTest(name = "{0} is a connection error {1}")
    @MethodSource("connectionErrors")
    void connectionErrorSendsGoAwayClosesAndThrows(String name, Http2ErrorCode code,
                                                   Function<ServerFrames, ServerFrames> frames) {
        EngineTester t = EngineTester.connected();
        t.post("{}");
        t.output();
        byte[] bad = frames.apply(t.server).take();

        Http2Exception e = t.deliverExpectingError(bad);

        assertThat(e.errorCode()).isEqualTo(code);
        assertThat(e.inputOffset()).isPositive();
        assertThat(e.getMessage()).contains(code.name(), "frame");
        List<Frame> out = t.output();
        assertThat(out).extracting(Frame::type).containsExactly("GOAWAY");
        assertThat(out.get(0).code()).isEqualTo(code.code());
        assertThat(out.get(0).streamId()).as("last-stream-id").isZero();
        assertThat(t.engine.isClosed()).isTrue();
        assertThat(t.engine.canStartStream()).isFalse();

        t.deliver(t.server.headers(OPEN, true, ":status", "200").take());
        assertThat(t.listener.responses).isEmpty();
        assertThat(t.engine.hasOutput()).isFalse();
        assertThat(t.engine.abandon()).containsExactly("{}");
    }
}
