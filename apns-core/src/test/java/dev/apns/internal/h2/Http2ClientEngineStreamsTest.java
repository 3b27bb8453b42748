package dev.apns.internal.h2;

import dev.apns.internal.h2.ClientFrames.Frame;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How many streams may start, and how streams end without a response: GOAWAY, RST_STREAM, exhaustion, abandon. */
class Http2ClientEngineStreamsTest {

    @Test
    void maxConcurrentStreamsGoingDownToOneAndBackUpIsFollowed() {
        EngineTester t = EngineTester.connected(Http2Settings.MAX_CONCURRENT_STREAMS, 3);
        int a = t.post("a");
        t.post("b");
        t.post("c");
        assertThat(t.engine.canStartStream()).isFalse();
        assertThatThrownBy(() -> t.post("d")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("3 streams are open");

        t.deliver(t.server.settings(Http2Settings.MAX_CONCURRENT_STREAMS, 1).take());
        t.respondOk(a);
        assertThat(t.engine.openStreams()).isEqualTo(2);
        assertThat(t.engine.canStartStream()).isFalse();

        t.deliver(t.server.settings(Http2Settings.MAX_CONCURRENT_STREAMS, 1000).take());
        assertThat(t.listener.settings).last().satisfies(s -> assertThat(s.maxConcurrentStreams()).isEqualTo(1000));
        assertThat(t.engine.canStartStream()).isTrue();
        assertThat(t.post("d")).isEqualTo(7);
    }

    @Test
    void ourCapAppliesBelowThePeers() {
        EngineTester t = EngineTester.connected(Http2Options.builder().maxConcurrentStreams(2).build(),
                Http2Settings.MAX_CONCURRENT_STREAMS, 1000);
        t.post("a");
        t.post("b");
        assertThat(t.engine.canStartStream()).isFalse();
    }

    @Test
    void oneStreamUntilTheFirstResponseThenAsManyAsAllowed() {
        EngineTester t = EngineTester.connected(Http2Options.builder().oneStreamUntilFirstResponse(true).build(),
                Http2Settings.MAX_CONCURRENT_STREAMS, 1000);
        assertThat(t.engine.canStartStream()).isTrue();
        int first = t.post("first");
        assertThat(t.engine.canStartStream()).isFalse();
        t.respondOk(first);
        assertThat(t.engine.canStartStream()).isTrue();
        t.post("a");
        t.post("b");
        assertThat(t.engine.canStartStream()).isTrue();
    }

    @Test
    void oneStreamUntilFirstResponseIsNotLiftedByAFailedStream() {
        EngineTester t = EngineTester.connected(Http2Options.builder().oneStreamUntilFirstResponse(true).build());
        int first = t.post("first");
        t.deliver(t.server.rst(first, Http2ErrorCode.INTERNAL_ERROR.code()).take());
        assertThat(t.engine.canStartStream()).isTrue();
        t.post("second");
        assertThat(t.engine.canStartStream()).isFalse();
    }

    @Test
    void goAwaySplitsProcessedFromUnprocessedStreams() {
        EngineTester t = EngineTester.connected();
        int s1 = t.post("s1");
        int s3 = t.post("s3");
        t.post("s5");
        t.post("s7");
        t.deliver(t.server.goAway(s3, Http2ErrorCode.NO_ERROR.code(), "{\"reason\":\"Shutdown\"}").take());

        assertThat(t.listener.order).containsExactly("settings", "goaway", "failure", "failure");
        assertThat(t.listener.goAways).singleElement().isEqualTo(
                new RecordingListener.GoAway(3, 0, "{\"reason\":\"Shutdown\"}"));
        assertThat(t.listener.failures).extracting(RecordingListener.Failure::attachment).containsExactly("s5", "s7");
        assertThat(t.listener.failures).allSatisfy(f -> assertThat(f.processed()).isFalse());
        assertThat(t.engine.canStartStream()).isFalse();
        assertThat(t.engine.isClosed()).isFalse();

        t.respondOk(s1);
        t.deliver(t.server.headers(s3, false, ":status", "400").data(s3, true, "{\"reason\":\"BadTopic\"}").take());
        assertThat(t.listener.responses).extracting(RecordingListener.Response::attachment).containsExactly("s1", "s3");
        assertThat(t.engine.isClosed()).isTrue();
    }

    @Test
    void refusedStreamIsUnprocessedAndOtherResetsAreUnknown() {
        EngineTester t = EngineTester.connected();
        int a = t.post("a");
        int b = t.post("b");
        int c = t.post("c");
        t.deliver(t.server.rst(a, Http2ErrorCode.REFUSED_STREAM.code()).rst(b, Http2ErrorCode.CANCEL.code())
                .rst(c, 0xabc).take());
        assertThat(t.listener.failures).extracting(RecordingListener.Failure::attachment,
                RecordingListener.Failure::processed).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", false), org.assertj.core.groups.Tuple.tuple("b", true),
                org.assertj.core.groups.Tuple.tuple("c", true));
        assertThat(t.listener.failures.get(0).why()).contains("REFUSED_STREAM");
        assertThat(t.listener.failures.get(2).why()).contains("0xabc");
        assertThat(t.engine.openStreams()).isZero();
        // A late RST_STREAM or DATA on a stream that ended is ignored.
        t.deliver(t.server.rst(a, 0).data(b, true, "late").take());
        assertThat(t.listener.failures).hasSize(3);
    }

    @Test
    void streamIdsStopBeforeExceeding2To31() {
        EngineTester t = new EngineTester(Http2Options.defaults(), Integer.MAX_VALUE - 2);
        t.handshake();
        assertThat(t.post("a")).isEqualTo(Integer.MAX_VALUE - 2);
        assertThat(t.post("b")).isEqualTo(Integer.MAX_VALUE);
        assertThat(t.engine.canStartStream()).isFalse();
        assertThatThrownBy(() -> t.post("c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exhausted");
        t.respondOk(Integer.MAX_VALUE);
        assertThat(t.listener.responses).extracting(RecordingListener.Response::attachment).containsExactly("b");
    }

    @Test
    void abandonReturnsEveryOpenStreamsAttachmentInOrderAndCloses() {
        EngineTester t = EngineTester.connected();
        int first = t.post("a");
        t.post("b");
        t.post("c");
        t.respondOk(first);
        assertThat(t.engine.abandon()).containsExactly("b", "c");
        assertThat(t.engine.isClosed()).isTrue();
        assertThat(t.engine.canStartStream()).isFalse();
        assertThat(t.engine.openStreams()).isZero();
    }

    @Test
    void ourGoAwayStopsNewStreamsAndClosesOnceTheLastEnds() {
        EngineTester t = EngineTester.connected();
        int a = t.post("a");
        t.output();
        t.engine.goAway();
        t.engine.goAway();
        List<Frame> frames = t.output();
        assertThat(frames).extracting(Frame::type).containsExactly("GOAWAY");
        assertThat(frames.get(0).code()).isZero();
        assertThat(t.engine.canStartStream()).isFalse();
        assertThat(t.engine.isClosed()).isFalse();
        t.respondOk(a);
        assertThat(t.engine.isClosed()).isTrue();
    }

    @Test
    void initialWindowSizeChangeAdjustsOpenStreamsEvenBelowZero() {
        EngineTester t = EngineTester.connected(Http2Settings.INITIAL_WINDOW_SIZE, 100);
        int id = t.engine.startStream(Http2Request.post(EngineTester.AUTHORITY, "/", List.of(), new byte[300]), "x");
        assertThat(t.output()).filteredOn(f -> f.type().equals("DATA")).singleElement()
                .satisfies(f -> assertThat(f.data()).hasSize(100));
        t.deliver(t.server.settings(Http2Settings.INITIAL_WINDOW_SIZE, 50).take());
        // The stream's window is now 50 - 100 = -50: a WINDOW_UPDATE of 60 leaves 10 to send.
        t.deliver(t.server.windowUpdate(id, 60).take());
        assertThat(t.output()).filteredOn(f -> f.type().equals("DATA")).singleElement()
                .satisfies(f -> assertThat(f.data()).hasSize(10));
        t.deliver(t.server.settings(Http2Settings.INITIAL_WINDOW_SIZE, 1000).take());
        assertThat(t.output()).filteredOn(f -> f.type().equals("DATA")).singleElement()
                .satisfies(f -> {
                    assertThat(f.data()).hasSize(190);
                    assertThat(f.endStream()).isTrue();
                });
    }

    @Test
    void headerTableSizeFromTheServerReachesTheEncoder() {
        EngineTester t = EngineTester.connected(Http2Settings.HEADER_TABLE_SIZE, 0);
        t.post("a");
        t.post("b");
        // Netty decodes both blocks: the size update to 0 came first, and nothing was indexed afterwards.
        assertThat(t.output()).filteredOn(f -> f.type().equals("HEADERS")).hasSize(2)
                .allSatisfy(f -> assertThat(f.headers().get("apns-topic").toString()).isEqualTo("com.example.app"));
        assertThat(t.engine.encoder.tableSize()).isZero();
    }

    @Test
    void requestHeaderListAboveThePeersLimitIsRefusedWithoutUsingAStreamId() {
        EngineTester t = EngineTester.connected(Http2Settings.MAX_HEADER_LIST_SIZE, 400);
        assertThatThrownBy(() -> t.engine.startStream(Http2Request.post(EngineTester.AUTHORITY, "/",
                List.of(new dev.apns.internal.h2.hpack.Header("x", "y".repeat(200))), null), "big"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAX_HEADER_LIST_SIZE of 400");
        assertThat(t.post("{}")).isEqualTo(1);
    }

    @Test
    void listenerMayStartTheNextStreamFromItsCallback() {
        RecordingListener recorder = new RecordingListener();
        Http2ClientEngine[] engine = new Http2ClientEngine[1];
        Http2Listener chaining = new Http2Listener() {
            @Override
            public void onResponse(Object attachment, int status, List<dev.apns.internal.h2.hpack.Header> headers,
                                   byte[] body) {
                recorder.onResponse(attachment, status, headers, body);
                if (engine[0].canStartStream()) {
                    engine[0].startStream(EngineTester.request("next"), "next");
                }
            }

            @Override
            public void onStreamFailed(Object attachment, boolean processed, String why) {
                recorder.onStreamFailed(attachment, processed, why);
            }

            @Override
            public void onGoAway(int lastStreamId, long errorCode, String debugData) {
                recorder.onGoAway(lastStreamId, errorCode, debugData);
            }

            @Override
            public void onConnectionFailed(String why) {
                recorder.onConnectionFailed(why);
            }
        };
        engine[0] = new Http2ClientEngine(Http2Options.builder().oneStreamUntilFirstResponse(true).build(), chaining, 0);
        ServerFrames server = new ServerFrames();
        int first = engine[0].startStream(EngineTester.request("{}"), "first");
        try {
            engine[0].receive(java.nio.ByteBuffer.wrap(server.settings().headers(first, true, ":status", "200")
                    .headers(3, true, ":status", "200").take()), 0);
        } catch (Http2Exception e) {
            throw new AssertionError(e);
        }
        assertThat(recorder.responses).extracting(RecordingListener.Response::attachment)
                .containsExactly("first", "next");
        assertThat(engine[0].openStreams()).isEqualTo(1);
    }
}
