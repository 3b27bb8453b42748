package dev.apns.internal.h2;

import dev.apns.internal.h2.ClientFrames.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Function;
import java.util.stream.Stream;

import static dev.apns.internal.h2.Http2ErrorCode.FLOW_CONTROL_ERROR;
import static dev.apns.internal.h2.Http2ErrorCode.FRAME_SIZE_ERROR;
import static dev.apns.internal.h2.Http2ErrorCode.PROTOCOL_ERROR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Problems confined to one stream: RST_STREAM with the right code, the stream fails with its fate unknown, and the
 * connection carries on. Also what is ignored without any error.
 */
class Http2ClientEngineStreamErrorsTest {

    private static final int OPEN = 1;

    static Stream<Arguments> streamErrors() {
        return Stream.of(
                error("response without :status", PROTOCOL_ERROR, s -> s.headers(OPEN, true, "apns-id", "x")),
                error("pseudo-header after a regular field", PROTOCOL_ERROR, s -> s.frame(FrameType.HEADERS,
                        FrameType.FLAG_END_HEADERS | FrameType.FLAG_END_STREAM, OPEN,
                        ServerFrames.literalBlock("apns-id", "x", ":status", "200"))),
                error("request pseudo-header in a response", PROTOCOL_ERROR,
                        s -> s.headers(OPEN, true, ":status", "200", ":path", "/")),
                error("two :status fields", PROTOCOL_ERROR, s -> s.frame(FrameType.HEADERS,
                        FrameType.FLAG_END_HEADERS | FrameType.FLAG_END_STREAM, OPEN,
                        ServerFrames.literalBlock(":status", "200", ":status", "200"))),
                error(":status not three digits", PROTOCOL_ERROR, s -> s.headers(OPEN, true, ":status", "20x")),
                error(":status 101", PROTOCOL_ERROR, s -> s.headers(OPEN, false, ":status", "101")),
                error("informational response with END_STREAM", PROTOCOL_ERROR,
                        s -> s.headers(OPEN, true, ":status", "100")),
                error("connection-specific field", PROTOCOL_ERROR,
                        s -> s.headers(OPEN, true, ":status", "200", "connection", "close")),
                error("DATA before the response headers", PROTOCOL_ERROR, s -> s.data(OPEN, true, "{}")),
                error("trailers without END_STREAM", PROTOCOL_ERROR,
                        s -> s.headers(OPEN, false, ":status", "200").headers(OPEN, false, "x-t", "1")),
                error("pseudo-header in trailers", PROTOCOL_ERROR,
                        s -> s.headers(OPEN, false, ":status", "200").headers(OPEN, true, ":status", "200")),
                error("WINDOW_UPDATE of 0 on a stream", PROTOCOL_ERROR, s -> s.windowUpdate(OPEN, 0)),
                error("stream window above 2^31-1", FLOW_CONTROL_ERROR,
                        s -> s.windowUpdate(OPEN, Integer.MAX_VALUE - 65_533 + 1)),
                error("PRIORITY of 4 bytes", FRAME_SIZE_ERROR, s -> s.frame(FrameType.PRIORITY, 0, OPEN, new byte[4])),
                error("header list above our MAX_HEADER_LIST_SIZE", PROTOCOL_ERROR,
                        s -> s.headers(OPEN, true, ":status", "200", "x-big", "b".repeat(9000))));
    }

    private static Arguments error(String name, Http2ErrorCode code, Function<ServerFrames, ServerFrames> frames) {
        return arguments(name, code, frames);
    }

    @ParameterizedTest(name = "{0} resets the stream with {1}")
    @MethodSource("streamErrors")
    void streamErrorResetsTheStreamAndKeepsTheConnection(String name, Http2ErrorCode code,
                                                         Function<ServerFrames, ServerFrames> frames) {
        EngineTester t = EngineTester.connected();
        t.post("{}");
        t.output();
        t.deliver(frames.apply(t.server).take());

        assertThat(t.output()).filteredOn(f -> f.type().equals("RST_STREAM")).singleElement().satisfies(f -> {
            assertThat(f.streamId()).isEqualTo(OPEN);
            assertThat(f.code()).isEqualTo(code.code());
        });
        assertThat(t.listener.failures).singleElement().satisfies(f -> {
            assertThat(f.attachment()).isEqualTo("{}");
            assertThat(f.processed()).isTrue();
            assertThat(f.why()).contains("stream 1", code.name());
        });
        assertThat(t.engine.openStreams()).isZero();
        int next = t.post("next");
        t.respondOk(next);
        assertThat(t.listener.responses).extracting(RecordingListener.Response::attachment).containsExactly("next");
    }

    @Test
    void firstFrameOtherThanSettingsIsAConnectionError() {
        EngineTester t = new EngineTester(Http2Options.defaults());
        t.output();
        Http2Exception e = t.deliverExpectingError(t.server.ping(false, 1).take());
        assertThat(e.errorCode()).isEqualTo(PROTOCOL_ERROR);
        assertThat(e.inputOffset()).isZero();
        assertThat(e.getMessage()).contains("SETTINGS");
        assertThat(t.output()).extracting(Frame::type).containsExactly("GOAWAY");
    }

    @Test
    void http1AnswerIsNamedAsSuch() {
        EngineTester t = new EngineTester(Http2Options.defaults());
        t.output();
        Http2Exception e = t.deliverExpectingError("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(e.errorCode()).isEqualTo(PROTOCOL_ERROR);
        assertThat(e.getMessage()).contains("HTTP/1", "ALPN");
    }

    @Test
    void unknownFramesPriorityAndUnknownSettingsAreIgnored() {
        EngineTester t = EngineTester.connected(0x99, 7);
        int id = t.post("{}");
        t.output();
        t.deliver(t.server.frame(0x42, 0xff, 0, new byte[20]).frame(0x42, 0, id, new byte[3])
                .frame(FrameType.PRIORITY, 0, id, new byte[5]).frame(FrameType.PRIORITY, 0, 99, new byte[5])
                .settingsAck().take());
        assertThat(t.output()).isEmpty();
        t.respondOk(id);
        assertThat(t.listener.responses).hasSize(1);
        assertThat(t.listener.failures).isEmpty();
    }

    @Test
    void headerBlockOfAClosedStreamIsStillDecodedSoTheTableStaysInStep() {
        EngineTester t = EngineTester.connected();
        int a = t.post("a");
        int b = t.post("b");
        t.deliver(t.server.rst(a, Http2ErrorCode.CANCEL.code()).take());
        // Netty's encoder indexes this field while encoding the late block for the reset stream ...
        t.deliver(t.server.headers(a, true, ":status", "200", "x-shared", "indexed-value").take());
        // ... and refers to it by index in the next one: decoding fails unless the late block was decoded too.
        t.deliver(t.server.headers(b, true, ":status", "200", "x-shared", "indexed-value").take());
        assertThat(t.listener.responses).singleElement().satisfies(r -> {
            assertThat(r.attachment()).isEqualTo("b");
            assertThat(r.header("x-shared")).isEqualTo("indexed-value");
        });
    }
}
