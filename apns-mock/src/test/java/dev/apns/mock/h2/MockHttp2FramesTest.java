package dev.apns.mock.h2;

import dev.apns.mock.credentials.TestCertificates;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.apns.mock.h2.MockHttp2ValidationTest.PAYLOAD;
import static dev.apns.mock.h2.MockHttp2ValidationTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mock server's HTTP/2 layer at the frame level: protocol errors that end the connection (GOAWAY with the
 * error code) or a stream (RST_STREAM), header fields it refuses, PING, and flow control both ways.
 */
@Timeout(30)
class MockHttp2FramesTest {
    private static final long PROTOCOL_ERROR = 0x1;
    private static final long FLOW_CONTROL_ERROR = 0x3;
    private static final long ENHANCE_YOUR_CALM = 0xB;
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final TestSigningKey key = TestSigningKey.generate();
    private static final String BEARER = "bearer " + key.providerToken(Instant.now());
    private static MockApnsHttp2Server server;

    @BeforeAll
    static void start() {
        server = MockApnsHttp2Server.builder(TestCertificates.create()).recordAccepted(false).start();
        key.register(server, Set.of("com.example.app"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A client whose first request was answered (200); returns it with that request's stream id. */
    private static Http2TestClient warmClient(int[] answeredStream) throws Exception {
        Http2TestClient client = Http2TestClient.connect(server);
        Http2TestClient.Response first = client.post(TOKEN, PAYLOAD, "authorization", BEARER, "apns-topic",
                "com.example.app").get(5, TimeUnit.SECONDS);
        assertThat(first.status()).isEqualTo(200);
        answeredStream[0] = first.streamId();
        return client;
    }

    private static void assertGoAway(byte[] frame, long errorCode) throws Exception {
        int[] answered = new int[1];
        try (Http2TestClient client = warmClient(answered)) {
            client.writeRaw(frame);
            Http2TestClient.GoAway goAway = client.goAway.get(5, TimeUnit.SECONDS);
            assertThat(goAway.errorCode()).isEqualTo(errorCode);
            assertThat(goAway.lastStreamId()).isEqualTo(answered[0]);
            client.closed.get(5, TimeUnit.SECONDS); // the server closes the connection after it
        }
    }

    @Test
    void dataOnAStreamTheClientNeverOpenedEndsTheConnectionWithProtocolError() throws Exception {
        assertGoAway(Http2TestClient.frame(DATA, END_STREAM, 99, (byte) '{', (byte) '}'), PROTOCOL_ERROR);
    }

    @Test
    void headersOnAnEvenStreamEndTheConnectionWithProtocolError() throws Exception {
        // :method POST, :scheme https, :path / from the static table (RFC 7541 Appendix A: 3, 7, 4).
        assertGoAway(Http2TestClient.frame(HEADERS, END_STREAM | END_HEADERS, 4, (byte) 0x83, (byte) 0x87,
                (byte) 0x84), PROTOCOL_ERROR);
    }

    @Test
    void continuationWithoutHeadersEndsTheConnectionWithProtocolError() throws Exception {
        assertGoAway(Http2TestClient.frame(CONTINUATION, END_HEADERS, 5, (byte) 0x83), PROTOCOL_ERROR);
    }

    @Test
    void resetOfAStreamTheClientNeverOpenedEndsTheConnectionWithProtocolError() throws Exception {
        assertGoAway(Http2TestClient.frame(RST_STREAM, 0, 51, (byte) 0, (byte) 0, (byte) 0, (byte) 8), PROTOCOL_ERROR);
    }

    @Test
    void aWindowUpdatePastTheLargestWindowEndsTheConnectionWithFlowControlError() throws Exception {
        assertGoAway(Http2TestClient.frame(WINDOW_UPDATE, 0, 0, (byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF),
                FLOW_CONTROL_ERROR);
    }

    @Test
    void emptyDataFramesWithoutEndOfStreamEndTheConnectionAtTheThird() throws Exception {
        int[] answered = new int[1];
        try (Http2TestClient client = warmClient(answered)) {
            int stream = answered[0] + 98;
            byte[] empty = Http2TestClient.frame(DATA, 0, stream);
            byte[] frames = concat(
                    Http2TestClient.frame(HEADERS, END_HEADERS, stream, (byte) 0x83, (byte) 0x87, (byte) 0x84),
                    empty, empty, empty);
            client.writeRaw(frames);
            Http2TestClient.GoAway goAway = client.goAway.get(5, TimeUnit.SECONDS);
            assertThat(goAway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
            assertThat(goAway.lastStreamId()).isEqualTo(stream);
            client.closed.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsOfTwoEmptyDataFramesAreFine() throws Exception {
        int[] answered = new int[1];
        try (Http2TestClient client = warmClient(answered)) {
            int stream = answered[0] + 98;
            byte[] empty = Http2TestClient.frame(DATA, 0, stream);
            // Two empty frames, a byte of body, two empty frames again, then the client cancels the stream (8 = CANCEL)
            // before it ends, so the server never answers on a stream this client's codec does not know.
            client.writeRaw(concat(
                    Http2TestClient.frame(HEADERS, END_HEADERS, stream, (byte) 0x83, (byte) 0x87, (byte) 0x84),
                    empty, empty, Http2TestClient.frame(DATA, 0, stream, (byte) '{'), empty, empty,
                    Http2TestClient.frame(RST_STREAM, 0, stream, (byte) 0, (byte) 0, (byte) 0, (byte) 8)));
            // The server reads frames in order: its answer to a PING sent after them shows that none ended the
            // connection (a GOAWAY would have come first, then the close).
            client.ping(42);
            assertThat(client.pingAck.get(5, TimeUnit.SECONDS)).isEqualTo(42);
            assertThat(client.goAway).isNotDone();
            assertThat(client.closed).isNotDone();
        }
    }

    private static byte[] concat(byte[]... frames) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] frame : frames) {
            all.writeBytes(frame);
        }
        return all.toByteArray();
    }

    @Test
    void answersAPingWithItsData() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            client.ping(0x0123_4567_89AB_CDEFL);
            assertThat(client.pingAck.get(5, TimeUnit.SECONDS)).isEqualTo(0x0123_4567_89AB_CDEFL);
        }
    }

    @Test
    void readsBodiesLargerThanBothWindowsAndGivesTheWindowsBack() throws Exception {
        String large = "{\"aps\":{\"alert\":\"" + "x".repeat(200_000) + "\"}}";
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            // 200 kB each: three times the connection's initial window of 65,535 bytes, and each stream's; the client
            // can send them only if the server gives the windows back as it reads.
            for (int i = 0; i < 3; i++) {
                Http2TestClient.Response tooLarge = client.post(TOKEN, large, "authorization", BEARER,
                        "apns-topic", "com.example.app").get(10, TimeUnit.SECONDS);
                assertThat(tooLarge.status()).isEqualTo(413);
                assertThat(tooLarge.body()).contains("PayloadTooLarge");
            }
            Http2TestClient.Response small = client.post(TOKEN, PAYLOAD, "authorization", BEARER, "apns-topic",
                    "com.example.app").get(5, TimeUnit.SECONDS);
            assertThat(small.status()).isEqualTo(200);
        }
    }

    @Test
    void sendsAnErrorBodyOnlyAsFastAsTheClientsWindowAllows() throws Exception {
        try (Http2TestClient client = Http2TestClient.connectWithWindow(server, 8)) {
            Http2TestClient.Response response = client.post("not-a-token", PAYLOAD, "authorization", BEARER,
                    "apns-topic", "com.example.app").get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).isEqualTo("{\"reason\":\"BadDeviceToken\"}");
            assertThat(client.dataFrameLengths).allSatisfy(length -> assertThat(length).isBetween(1, 8));
            assertThat(client.dataFrameLengths.stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(response.body().getBytes(StandardCharsets.UTF_8).length);
            assertThat(client.dataFrameLengths).hasSizeGreaterThan(1);
        }
    }

    private static Http2Headers request(String topicName, String topicValue) {
        return new DefaultHttp2Headers(false).method("POST").scheme("https").authority("127.0.0.1")
                .path("/3/device/" + TOKEN).add("authorization", BEARER).add(topicName, topicValue);
    }

    @Test
    void refusesAnUppercaseNameAfterTheSameNameInLowercasePassed() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            byte[] body = PAYLOAD.getBytes(StandardCharsets.UTF_8);
            assertThat(client.send(request("apns-topic", "com.example.app"), body).get(5, TimeUnit.SECONDS).status())
                    .isEqualTo(200);
            Http2TestClient.Response refused = client.send(request("Apns-Topic", "com.example.app"), body)
                    .get(5, TimeUnit.SECONDS);
            assertThat(refused.answered()).isFalse();
            assertThat(refused.resetCode()).isEqualTo(PROTOCOL_ERROR);
            // The stream error leaves the connection usable, and the checked name still passes.
            assertThat(client.send(request("apns-topic", "com.example.app"), body).get(5, TimeUnit.SECONDS).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void refusesAValueWithAControlCharacterAfterTheValueWithoutItPassed() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            byte[] body = PAYLOAD.getBytes(StandardCharsets.UTF_8);
            assertThat(client.send(request("apns-topic", "com.example.app"), body).get(5, TimeUnit.SECONDS).status())
                    .isEqualTo(200);
            Http2TestClient.Response refused = client.send(request("apns-topic", "com.example.app\u0001"), body)
                    .get(5, TimeUnit.SECONDS);
            assertThat(refused.answered()).isFalse();
            assertThat(refused.resetCode()).isEqualTo(PROTOCOL_ERROR);
        }
    }

    @Test
    void refusesAPseudoHeaderThatComesTwiceEveryTime() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            byte[] body = PAYLOAD.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 2; i++) {
                Http2Headers twice = request("apns-topic", "com.example.app");
                twice.add(":path", "/3/device/" + TOKEN);
                Http2TestClient.Response refused = client.send(twice, body).get(5, TimeUnit.SECONDS);
                assertThat(refused.answered()).isFalse();
                assertThat(refused.resetCode()).isEqualTo(PROTOCOL_ERROR);
            }
        }
    }

    @Test
    void answersAHeaderListLargerThanItsLimitWith431AndAReset() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            Http2Headers large = request("apns-topic", "com.example.app").add("x-filler", "y".repeat(9_000));
            Http2TestClient.Response response = client.send(large, PAYLOAD.getBytes(StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(431);
            // The body the client sent on the refused stream is ignored: the connection goes on.
            assertThat(client.post(TOKEN, PAYLOAD, "authorization", BEARER, "apns-topic", "com.example.app")
                    .get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }
}
