package dev.apns.internal.h2;

import dev.apns.internal.h2.ClientFrames.Frame;
import dev.apns.internal.h2.hpack.Header;
import io.netty.handler.codec.http2.Http2CodecUtil;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests and responses: what goes out for a request, and what each kind of response becomes. */
class Http2ClientEngineExchangeTest {

    @Test
    void prefaceAndSettingsAreQueuedAtConstruction() {
        EngineTester t = new EngineTester(Http2Options.builder().initialWindowSize(32_768).maxHeaderListSize(4000)
                .connectionWindowSize(1 << 20).build());
        List<Frame> frames = t.output();
        assertThat(frames).extracting(Frame::type).containsExactly("SETTINGS", "WINDOW_UPDATE");
        io.netty.handler.codec.http2.Http2Settings s = frames.get(0).settings();
        assertThat(s.pushEnabled()).isFalse();
        assertThat(s.initialWindowSize()).isEqualTo(32_768);
        assertThat(s.maxHeaderListSize()).isEqualTo(4000L);
        assertThat(s.headerTableSize()).isEqualTo(4096L);
        assertThat(frames.get(1).streamId()).isZero();
        assertThat(frames.get(1).increment()).isEqualTo((1 << 20) - 65_535);
    }

    @Test
    void serverSettingsAreAppliedAcknowledgedAndReported() {
        EngineTester t = new EngineTester(Http2Options.defaults());
        t.output();
        t.deliver(t.server.settings(Http2Settings.MAX_CONCURRENT_STREAMS, 500, Http2Settings.MAX_HEADER_LIST_SIZE, 8000)
                .take());
        assertThat(t.output()).extracting(Frame::type, Frame::ack).containsExactly(
                org.assertj.core.groups.Tuple.tuple("SETTINGS", true));
        assertThat(t.engine.peerSettings().maxConcurrentStreams()).isEqualTo(500);
        assertThat(t.engine.peerSettings().maxHeaderListSize()).isEqualTo(8000);
        assertThat(t.listener.settings).hasSize(1);
    }

    @Test
    void requestGoesOutAsHeadersAndDataWithEndStream() {
        EngineTester t = EngineTester.connected();
        int id = t.post("{\"aps\":{\"alert\":\"hi\"}}");
        assertThat(id).isEqualTo(1);
        List<Frame> frames = t.output();
        assertThat(frames).extracting(Frame::type).containsExactly("HEADERS", "DATA");
        Frame headers = frames.get(0);
        assertThat(headers.endStream()).isFalse();
        assertThat(headers.headers().method().toString()).isEqualTo("POST");
        assertThat(headers.headers().scheme().toString()).isEqualTo("https");
        assertThat(headers.headers().authority().toString()).isEqualTo(EngineTester.AUTHORITY);
        assertThat(headers.headers().path().toString()).isEqualTo("/3/device/abcdef0123456789");
        assertThat(headers.headers().get("apns-topic").toString()).isEqualTo("com.example.app");
        assertThat(frames.get(1).dataText()).isEqualTo("{\"aps\":{\"alert\":\"hi\"}}");
        assertThat(frames.get(1).endStream()).isTrue();
        assertThat(t.post("{}")).isEqualTo(3);
    }

    @Test
    void requestWithoutBodyEndsTheStreamOnHeaders() {
        EngineTester t = EngineTester.connected();
        t.engine.startStream(Http2Request.post(EngineTester.AUTHORITY, "/", List.of(), null), "x");
        List<Frame> frames = t.output();
        assertThat(frames).extracting(Frame::type).containsExactly("HEADERS");
        assertThat(frames.get(0).endStream()).isTrue();
    }

    @Test
    void bodyLargerThanTheWindowGoesOutAsWindowUpdatesArrive() {
        EngineTester t = EngineTester.connected(Http2Settings.INITIAL_WINDOW_SIZE, 1000);
        byte[] body = new byte[2500];
        Arrays.fill(body, (byte) 'a');
        int id = t.engine.startStream(Http2Request.post(EngineTester.AUTHORITY, "/", List.of(), body), "big");
        List<Frame> first = t.output();
        assertThat(first).extracting(Frame::type).containsExactly("HEADERS", "DATA");
        assertThat(first.get(1).data()).hasSize(1000);
        assertThat(first.get(1).endStream()).isFalse();

        t.deliver(t.server.windowUpdate(id, 600).take());
        List<Frame> second = t.output();
        assertThat(second).hasSize(1);
        assertThat(second.get(0).data()).hasSize(600);

        // The connection window does not limit yet (65,535); only the stream's does.
        t.deliver(t.server.windowUpdate(id, 5000).take());
        List<Frame> third = t.output();
        assertThat(third).hasSize(1);
        assertThat(third.get(0).data()).hasSize(900);
        assertThat(third.get(0).endStream()).isTrue();
    }

    @Test
    void connectionWindowHoldsBackEveryStreamUntilItGrows() {
        EngineTester t = EngineTester.connected(Http2Settings.MAX_FRAME_SIZE, 16_384);
        byte[] body = new byte[40_000];
        int a = t.engine.startStream(Http2Request.post(EngineTester.AUTHORITY, "/", List.of(), body), "a");
        int b = t.engine.startStream(Http2Request.post(EngineTester.AUTHORITY, "/", List.of(), body), "b");
        List<Frame> frames = t.output();
        assertThat(frames.stream().filter(f -> f.type().equals("DATA")).mapToInt(f -> f.data().length).sum())
                .isEqualTo(65_535);
        assertThat(frames.stream().filter(f -> f.type().equals("DATA")).mapToInt(f -> f.data().length).max())
                .hasValue(16_384);

        t.deliver(t.server.windowUpdate(0, 20_000).take());
        List<Frame> more = t.output();
        int sentB = more.stream().filter(f -> f.streamId() == b).mapToInt(f -> f.data().length).sum();
        assertThat(more.stream().filter(f -> f.streamId() == a)).isEmpty();
        assertThat(sentB).isEqualTo(14_465);
        assertThat(more.get(more.size() - 1).endStream()).isTrue();
    }

    @Test
    void headerBlockLargerThanTheFrameSizeContinues() {
        EngineTester t = EngineTester.connected();
        String big = "x".repeat(40_000);
        t.engine.startStream(Http2Request.post(EngineTester.AUTHORITY, "/", List.of(new Header("x-big", big)),
                new byte[] {1}), "big");
        // Netty's reader joins HEADERS and CONTINUATION; the raw output shows the split.
        ByteBuffer raw = ByteBuffer.allocate(t.engine.outputSize());
        t.engine.produce(raw);
        raw.flip();
        int[] types = frameTypes(raw.duplicate());
        assertThat(types).startsWith(FrameType.HEADERS, FrameType.CONTINUATION, FrameType.CONTINUATION);
        assertThat(types[types.length - 1]).isEqualTo(FrameType.DATA);
        byte[] bytes = new byte[raw.remaining()];
        raw.get(bytes);
        List<Frame> frames = t.client.feed(bytes);
        assertThat(frames.get(0).headers().get("x-big").toString()).isEqualTo(big);
    }

    /** The frame types in raw engine output (after the handshake). */
    private static int[] frameTypes(ByteBuffer raw) {
        int[] types = new int[64];
        int n = 0;
        while (raw.remaining() >= 9) {
            int length = (raw.get() & 0xff) << 16 | (raw.get() & 0xff) << 8 | raw.get() & 0xff;
            types[n++] = raw.get();
            raw.position(raw.position() + 5 + length);
        }
        return Arrays.copyOf(types, n);
    }

    @Test
    void okResponseWithOnlyHeadersCompletesTheStream() {
        EngineTester t = EngineTester.connected();
        int id = t.post("{}");
        t.output();
        t.deliver(t.server.headers(id, true, ":status", "200", "apns-id", "5c5a4f0e-0000-0000-0000-000000000001").take());
        assertThat(t.listener.responses).hasSize(1);
        RecordingListener.Response r = t.listener.responses.get(0);
        assertThat(r.attachment()).isEqualTo("{}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("apns-id")).isEqualTo("5c5a4f0e-0000-0000-0000-000000000001");
        assertThat(r.headers()).noneMatch(h -> h.name().startsWith(":"));
        assertThat(r.body()).isEmpty();
        assertThat(t.engine.openStreams()).isZero();
    }

    @Test
    void statusOnlyResponseIsAResponse() {
        EngineTester t = EngineTester.connected();
        int id = t.post("{}");
        t.deliver(t.server.headers(id, true, ":status", "200").take());
        assertThat(t.listener.responses).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).isEmpty();
        });
    }

    @Test
    void errorResponseCarriesItsJsonBodyAcrossDataFrames() {
        EngineTester t = EngineTester.connected();
        int id = t.post("{}");
        t.deliver(t.server.headers(id, false, ":status", "400", "apns-id", "x")
                .data(id, false, "{\"reason\":").data(id, false, "").data(id, true, "\"BadDeviceToken\"}").take());
        RecordingListener.Response r = t.listener.responses.get(0);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).isEqualTo("{\"reason\":\"BadDeviceToken\"}");
    }

    @Test
    void paddedDataAndPaddedPrioritizedHeadersAreUnderstood() {
        EngineTester t = EngineTester.connected();
        int id = t.post("{}");
        byte[] block = t.server.block(":status", "410");
        byte[] headers = new byte[1 + 5 + block.length + 3];
        headers[0] = 3;
        System.arraycopy(block, 0, headers, 6, block.length);
        byte[] data = {2, 'o', 'k', 0, 0};
        t.deliver(t.server.frame(FrameType.HEADERS, FrameType.FLAG_END_HEADERS | FrameType.FLAG_PADDED
                        | FrameType.FLAG_PRIORITY, id, headers)
                .frame(FrameType.DATA, FrameType.FLAG_END_STREAM | FrameType.FLAG_PADDED, id, data).take());
        assertThat(t.listener.responses).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(410);
            assertThat(r.bodyText()).isEqualTo("ok");
        });
    }

    @Test
    void informationalResponsesAreSkippedAndTrailersKept() {
        EngineTester t = EngineTester.connected();
        int id = t.post("{}");
        t.deliver(t.server.headers(id, false, ":status", "100").headers(id, false, ":status", "103", "link", "x")
                .headers(id, false, ":status", "500", "apns-id", "a").data(id, false, "{}")
                .headers(id, true, "x-trailer", "t").take());
        assertThat(t.listener.responses).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("apns-id")).isEqualTo("a");
            assertThat(r.header("x-trailer")).isEqualTo("t");
            assertThat(r.header("link")).isNull();
            assertThat(r.bodyText()).isEqualTo("{}");
        });
    }

    @Test
    void receivedDataIsReturnedWithWindowUpdatesOnceHalfTheWindowIsUsed() {
        EngineTester t = EngineTester.connected(Http2Options.builder().initialWindowSize(1000)
                .connectionWindowSize(65_535).maxResponseBody(10_000).build());
        int id = t.post("{}");
        t.output();
        t.deliver(t.server.headers(id, false, ":status", "200").data(id, false, new byte[400]).take());
        assertThat(t.output()).isEmpty();
        t.deliver(t.server.data(id, false, new byte[200]).take());
        assertThat(t.output()).extracting(Frame::streamId, Frame::increment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(id, 600));
        // The stream's window is 1000: 16,384 bytes break it, a stream error. The next frame finds the stream closed
        // and is dropped, but both still count for the connection, whose window is returned once half is used.
        t.deliver(t.server.data(id, false, new byte[16_384]).data(id, false, new byte[16_000]).take());
        List<Frame> after = t.output();
        assertThat(after).extracting(Frame::type).containsExactly("RST_STREAM", "WINDOW_UPDATE");
        assertThat(after.get(0).code()).isEqualTo(Http2ErrorCode.FLOW_CONTROL_ERROR.code());
        assertThat(after.get(1).streamId()).isZero();
        assertThat(after.get(1).increment()).isEqualTo(600 + 16_384 + 16_000);
        assertThat(t.listener.failures).singleElement().satisfies(f -> assertThat(f.processed()).isTrue());
    }

    @Test
    void responseBodyOverTheLimitResetsTheStream() {
        EngineTester t = EngineTester.connected(Http2Options.builder().maxResponseBody(10).build());
        int id = t.post("{}");
        t.output();
        t.deliver(t.server.headers(id, false, ":status", "400").data(id, false, "0123456789").data(id, true, "!").take());
        assertThat(t.listener.responses).isEmpty();
        assertThat(t.listener.failures).singleElement().satisfies(f -> {
            assertThat(f.processed()).isTrue();
            assertThat(f.why()).contains("10 bytes");
        });
        assertThat(t.output()).extracting(Frame::type, Frame::code)
                .contains(org.assertj.core.groups.Tuple.tuple("RST_STREAM", (long) Http2ErrorCode.CANCEL.code()));
    }

    @Test
    void responseBeforeTheWholeBodyWasSentStopsTheBody() {
        EngineTester t = EngineTester.connected(Http2Settings.INITIAL_WINDOW_SIZE, 10);
        int id = t.engine.startStream(Http2Request.post(EngineTester.AUTHORITY, "/", List.of(), new byte[100]), "b");
        t.output();
        t.deliver(t.server.headers(id, true, ":status", "413").take());
        assertThat(t.listener.responses).extracting(RecordingListener.Response::status).containsExactly(413);
        assertThat(t.output()).extracting(Frame::type).containsExactly("RST_STREAM");
        t.deliver(t.server.windowUpdate(id, 1000).take());
        assertThat(t.output()).isEmpty();
        assertThat(Http2CodecUtil.CONNECTION_STREAM_ID).isZero();
    }
}
