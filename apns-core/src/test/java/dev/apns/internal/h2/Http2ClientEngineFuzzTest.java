package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of {@link Http2ClientEngine#receive}: random frames and mutations of a valid server byte stream, fed
 * in random pieces. Only {@link Http2Exception} may come out; after one the engine is closed with a GOAWAY queued;
 * whatever the engine writes is always valid HTTP/2 for Netty's reader. Bounded by count and by time.
 */
class Http2ClientEngineFuzzTest {

    private static final int INPUTS = 20_000;
    private static final Duration BUDGET = Duration.ofSeconds(10);

    /** Request bodies: none, one DATA frame, several; late ones wait for window after the server's small one. */
    private static final byte[][] BODIES = {new byte[0], new byte[300], new byte[20_000]};
    private static final byte[] LATE_BODY = new byte[3000];
    private static final List<Header> HEADERS = List.of(new Header("k", "v"));

    private static final int[] TYPES = {FrameType.DATA, FrameType.HEADERS, FrameType.PRIORITY, FrameType.RST_STREAM,
            FrameType.SETTINGS, FrameType.PUSH_PROMISE, FrameType.PING, FrameType.GOAWAY, FrameType.WINDOW_UPDATE,
            FrameType.CONTINUATION, 0x0a, 0xff};

    @Test
    void receiveThrowsNothingButHttp2Exception() {
        SplittableRandom random = new SplittableRandom(0x5eed_4242L);
        byte[] valid = validServerStream();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int done = 0;
        int connectionErrors = 0;
        int responses = 0;
        for (; done < INPUTS && System.nanoTime() < deadline; done++) {
            byte[] input = random.nextInt(3) == 0 ? randomFrames(random) : mutate(valid, random);
            Outcome outcome = feed(input, random, done % 50 == 0);
            connectionErrors += outcome.connectionError ? 1 : 0;
            responses += outcome.responses;
        }
        assertThat(done).as("inputs tried").isGreaterThan(1000);
        // The mix must exercise both paths: plenty of rejected inputs and plenty of accepted responses.
        assertThat(connectionErrors).isGreaterThan(done / 10);
        assertThat(responses).isGreaterThan(done / 10);
    }

    private record Outcome(boolean connectionError, int responses) {
    }

    private static Outcome feed(byte[] input, SplittableRandom random, boolean checkOutputWithNetty) {
        RecordingListener listener = new RecordingListener();
        Http2ClientEngine engine = new Http2ClientEngine(Http2Options.builder().maxResponseBody(1024).build(), listener, 0);
        for (int i = 0; i < BODIES.length; i++) {
            engine.startStream(Http2Request.post("h", "/p", HEADERS, BODIES[i]), i);
        }
        boolean error = false;
        int at = 0;
        try {
            while (at < input.length) {
                int n = Math.min(input.length - at, 1 + random.nextInt(random.nextBoolean() ? 8 : 600));
                engine.receive(ByteBuffer.wrap(input, at, n), at);
                at += n;
                if (random.nextInt(8) == 0 && engine.canStartStream()) {
                    engine.startStream(Http2Request.post("h", "/late", HEADERS, LATE_BODY), "late");
                }
            }
        } catch (Http2Exception e) {
            error = true;
            assertThat(e.getMessage()).isNotBlank();
            assertThat(engine.isClosed()).isTrue();
            assertThat(engine.hasOutput()).isTrue();
        }
        byte[] output = new byte[engine.outputSize()];
        engine.produce(ByteBuffer.wrap(output));
        assertThat(engine.hasOutput()).isFalse();
        if (checkOutputWithNetty) {
            new ClientFrames().feed(output);
        }
        return new Outcome(error, listener.responses.size());
    }

    private static byte[] validServerStream() {
        ServerFrames s = new ServerFrames();
        s.settings(Http2Settings.MAX_CONCURRENT_STREAMS, 10, Http2Settings.INITIAL_WINDOW_SIZE, 1000,
                Http2Settings.HEADER_TABLE_SIZE, 1024).settingsAck().windowUpdate(0, 1 << 20);
        s.headers(1, true, ":status", "200", "apns-id", "1");
        s.headers(3, false, ":status", "100").headers(3, false, ":status", "400", "apns-id", "3")
                .frame(FrameType.DATA, FrameType.FLAG_PADDED, 3, new byte[] {1, '{', 0}).data(3, true, "}");
        s.ping(false, 7).ping(true, 1).frame(FrameType.PRIORITY, 0, 5, new byte[5]);
        byte[] block = s.block(":status", "410", "apns-id", "5");
        s.frame(FrameType.HEADERS, 0, 5, java.util.Arrays.copyOf(block, 2))
                .frame(FrameType.CONTINUATION, FrameType.FLAG_END_HEADERS, 5,
                        java.util.Arrays.copyOfRange(block, 2, block.length));
        s.data(5, false, "{\"reason\":\"Unregistered\",").data(5, true, "\"timestamp\":1}");
        s.rst(7, Http2ErrorCode.REFUSED_STREAM.code()).goAway(7, 0, "{\"reason\":\"Shutdown\"}");
        return s.take();
    }

    private static byte[] mutate(byte[] valid, SplittableRandom random) {
        byte[] b = valid.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> b = java.util.Arrays.copyOf(b, Math.max(1, at));
                case 3 -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
                default -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter.length == 0 ? b : shorter;
                }
            }
        }
        return b;
    }

    private static byte[] randomFrames(SplittableRandom random) {
        ServerFrames s = new ServerFrames();
        if (random.nextInt(10) != 0) {
            s.settings();
        }
        int frames = 1 + random.nextInt(12);
        for (int i = 0; i < frames; i++) {
            int type = TYPES[random.nextInt(TYPES.length)];
            int flags = random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(2) * FrameType.FLAG_END_STREAM
                    | FrameType.FLAG_END_HEADERS;
            int stream = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> 3;
                case 3 -> 5;
                case 4 -> 2;
                default -> random.nextInt() & 0x7fff_ffff;
            };
            byte[] payload;
            if (type == FrameType.HEADERS && random.nextBoolean()) {
                payload = s.block(":status", String.valueOf(100 + random.nextInt(500)), "x", "y");
            } else {
                int length = switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> 4 + random.nextInt(2) * 2;
                    case 2 -> 8;
                    default -> random.nextInt(64);
                };
                payload = new byte[length];
                for (int j = 0; j < length; j++) {
                    payload[j] = (byte) random.nextInt(256);
                }
            }
            s.frame(type, flags, stream, payload);
        }
        return s.take();
    }
}
