package dev.apns.protocol.binary;

import dev.apns.Status;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorResponseDecoderTest {
    private final List<ErrorResponse> responses = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private final ErrorResponseDecoder decoder = new ErrorResponseDecoder(new ErrorResponseDecoder.Listener() {
        @Override
        public void onErrorResponse(ErrorResponse response) {
            responses.add(response);
        }

        @Override
        public void onMalformed(String description) {
            malformed.add(description);
        }
    });

    private void feed(String hex) {
        decoder.decode(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
    }

    @Test
    void decodesAnErrorResponseWithAnUnsignedIdentifier() {
        feed("0808fffffffe");
        assertThat(responses).containsExactly(new ErrorResponse(Status.of(8), 0xFFFFFFFEL));
        assertThat(responses.get(0).status().reason()).isEqualTo(Status.Reason.INVALID_TOKEN);
    }

    @Test
    void reassemblesAResponseSplitAcrossEveryPossibleBoundary() {
        byte[] bytes = HexFormat.of().parseHex("080a00000201");
        for (int split = 1; split < bytes.length; split++) {
            responses.clear();
            ErrorResponseDecoder fresh = new ErrorResponseDecoder(responses::add);
            fresh.decode(ByteBuffer.wrap(bytes, 0, split));
            assertThat(responses).isEmpty();
            assertThat(fresh.pendingBytes()).isEqualTo(split);
            fresh.decode(ByteBuffer.wrap(bytes, split, bytes.length - split));
            assertThat(responses).containsExactly(new ErrorResponse(Status.of(10), 513));
        }
    }

    @Test
    void keepsUndocumentedStatusCodesWithTheirRawValue() {
        feed("080b00000001" + "088000000002" + "08ff00000003");
        assertThat(responses).extracting(r -> r.status().code()).containsExactly(11, 128, 255);
        assertThat(responses.get(0).status().reason()).isEqualTo(Status.Reason.UNKNOWN);
        assertThat(responses.get(0).status().description()).contains("11");
        assertThat(responses.get(1).status().reason()).isEqualTo(Status.Reason.PROTOCOL_ERROR);
        assertThat(malformed).isEmpty();
    }

    @Test
    void reportsBytesThatAreNotAnErrorResponseOnceAndStops() {
        feed("0908000000010808");
        assertThat(responses).isEmpty();
        assertThat(malformed).hasSize(1);
        assertThat(malformed.get(0)).contains("command 9");
    }

    @Test
    void encodesWhatItDecodes() {
        ErrorResponse response = new ErrorResponse(Status.of(7), 0x80000000L);
        assertThat(HexFormat.of().formatHex(response.toBytes())).isEqualTo("080780000000");
        decoder.decode(ByteBuffer.wrap(response.toBytes()));
        assertThat(responses).containsExactly(response);
    }
}
