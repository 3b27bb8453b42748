package dev.apns.internal.h2;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's result does not depend on how the input is split: a frame may arrive in any number of pieces. */
class Http2ClientEngineSplitInputTest {

    /** A sample exchange: handshake, a PING, two responses (one with CONTINUATION and a padded body), a GOAWAY. */
    private static byte[] sampleServerBytes() {
        ServerFrames s = new ServerFrames();
        s.settings(Http2Settings.MAX_CONCURRENT_STREAMS, 100, Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20).settingsAck();
        s.ping(false, 42).windowUpdate(0, 1000);
        byte[] block = s.block(":status", "400", "apns-id", "abc");
        s.frame(FrameType.HEADERS, 0, 3, java.util.Arrays.copyOfRange(block, 0, 3));
        s.frame(FrameType.CONTINUATION, FrameType.FLAG_END_HEADERS, 3, java.util.Arrays.copyOfRange(block, 3, block.length));
        s.frame(FrameType.DATA, FrameType.FLAG_PADDED, 3, new byte[] {2, '{', '"', 0, 0});
        s.data(3, true, "reason\":\"BadTopic\"}");
        s.headers(1, true, ":status", "200", "apns-id", "def");
        s.goAway(3, 0, "{\"reason\":\"Shutdown\"}");
        return s.take();
    }

    /** Everything one engine reports and writes when fed the pieces. */
    private record Run(List<String> events, byte[] output) {
    }

    private static Run run(byte[] input, int... cuts) throws Http2Exception {
        RecordingListener listener = new RecordingListener();
        Http2ClientEngine engine = new Http2ClientEngine(Http2Options.defaults(), listener, 0);
        for (int i = 0; i < 3; i++) {
            engine.startStream(EngineTester.request("{\"n\":" + i + "}"), "stream-" + i);
        }
        int from = 0;
        for (int cut : cuts) {
            engine.receive(ByteBuffer.wrap(input, from, cut - from), 0);
            from = cut;
        }
        engine.receive(ByteBuffer.wrap(input, from, input.length - from), 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        while (engine.hasOutput()) {
            chunk.clear();
            engine.produce(chunk);
            out.write(chunk.array(), 0, chunk.position());
        }
        List<String> events = new java.util.ArrayList<>();
        listener.responses.forEach(r -> events.add("response " + r.attachment() + " " + r.status() + " "
                + r.headers() + " " + r.bodyText()));
        listener.failures.forEach(f -> events.add("failure " + f));
        listener.goAways.forEach(g -> events.add("goaway " + g));
        events.add("order " + listener.order);
        return new Run(events, out.toByteArray());
    }

    @Test
    void everySplitInTwoGivesTheSameEventsAndOutput() throws Http2Exception {
        byte[] input = sampleServerBytes();
        Run whole = run(input);
        assertThat(whole.events()).contains("response stream-1 400 [apns-id: abc] {\"reason\":\"BadTopic\"}",
                "response stream-0 200 [apns-id: def] ");
        assertThat(whole.events()).anyMatch(e -> e.startsWith("failure") && e.contains("stream-2"));
        for (int cut = 0; cut <= input.length; cut++) {
            Run split = run(input, cut);
            assertThat(split.events()).as("split at %d", cut).isEqualTo(whole.events());
            assertThat(split.output()).as("split at %d", cut).isEqualTo(whole.output());
        }
    }

    @Test
    void byteByByteGivesTheSameEventsAndOutput() throws Http2Exception {
        byte[] input = sampleServerBytes();
        int[] everyByte = new int[input.length - 1];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        Run whole = run(input);
        Run bytes = run(input, everyByte);
        assertThat(bytes.events()).isEqualTo(whole.events());
        assertThat(bytes.output()).isEqualTo(whole.output());
    }
}
