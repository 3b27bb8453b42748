package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One engine wired to a recording listener, a fake clock, a server-side frame builder and a Netty parser of the
 * engine's output: the tests' stand-in for a server on the other end of the connection.
 */
final class EngineTester {

    static final String AUTHORITY = "api.push.apple.com";

    final RecordingListener listener = new RecordingListener();
    final ServerFrames server = new ServerFrames();
    final ClientFrames client = new ClientFrames();
    final Http2ClientEngine engine;
    long now = 1_000_000_000L;

    EngineTester(Http2Options options) {
        this(options, 1);
    }

    EngineTester(Http2Options options, int firstStreamId) {
        engine = new Http2ClientEngine(options, listener, now, firstStreamId);
    }

    /** An engine with default options whose handshake is done: the server sent these SETTINGS and acknowledged ours. */
    static EngineTester connected(long... serverSettings) {
        return connected(Http2Options.defaults(), serverSettings);
    }

    static EngineTester connected(Http2Options options, long... serverSettings) {
        EngineTester t = new EngineTester(options);
        t.handshake(serverSettings);
        return t;
    }

    /** Reads our preface and SETTINGS, sends the server's SETTINGS and its ACK, reads our ACK. */
    void handshake(long... serverSettings) {
        List<ClientFrames.Frame> start = output();
        assertThat(start).extracting(ClientFrames.Frame::type).startsWith("SETTINGS");
        deliver(server.settings(serverSettings).settingsAck().take());
        assertThat(output()).extracting(ClientFrames.Frame::type).containsExactly("SETTINGS");
    }

    /** Everything the engine has queued, parsed. */
    List<ClientFrames.Frame> output() {
        List<ClientFrames.Frame> frames = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(1000);
        for (int round = 0; round < 100_000 && engine.hasOutput(); round++) {
            out.clear();
            engine.produce(out);
            out.flip();
            byte[] bytes = new byte[out.remaining()];
            out.get(bytes);
            frames.addAll(client.feed(bytes));
        }
        assertThat(engine.hasOutput()).isFalse();
        return frames;
    }

    /** Hands bytes to the engine as if they arrived now. */
    void deliver(byte[] bytes) {
        try {
            engine.receive(ByteBuffer.wrap(bytes), now);
        } catch (Http2Exception e) {
            throw new AssertionError("unexpected connection error: " + e.getMessage(), e);
        }
    }

    /** Hands bytes to the engine and returns the connection error it must throw. */
    Http2Exception deliverExpectingError(byte[] bytes) {
        try {
            engine.receive(ByteBuffer.wrap(bytes), now);
        } catch (Http2Exception e) {
            return e;
        }
        throw new AssertionError("the engine accepted the input without a connection error");
    }

    /** Sends the server's frames built so far. */
    void deliverServerFrames() {
        deliver(server.take());
    }

    /** Starts a POST with a JSON body; the attachment is the body text. */
    int post(String body) {
        return engine.startStream(request(body), body);
    }

    static Http2Request request(String body) {
        return Http2Request.post(AUTHORITY, "/3/device/abcdef0123456789",
                List.of(new Header("apns-topic", "com.example.app"), new Header("apns-push-type", "alert")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers a stream with 200 and an apns-id, no body. */
    void respondOk(int streamId) {
        deliver(server.headers(streamId, true, ":status", "200", "apns-id", "id-" + streamId).take());
    }
}
