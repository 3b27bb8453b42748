package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's value types check their input before the engine (and its HPACK encoder) sees it. */
class Http2RequestAndOptionsTest {

    @Test
    void requestRefusesPseudoHeadersAmongItsFields() {
        assertThatThrownBy(() -> Http2Request.post("h", "/", List.of(new Header(":path", "/x")), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':path' is a pseudo-header");
    }

    @Test
    void requestRefusesValuesHpackOrHttpCannotCarry() {
        assertThatThrownBy(() -> Http2Request.post("h", "/", List.of(new Header("apns-topic", "a\r\nb")), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apns-topic").hasMessageContaining("index 1");
        assertThatThrownBy(() -> Http2Request.post("h", "/\u20ac", List.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> Http2Request.post("", "/", List.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authority");
    }

    @Test
    void requestBodyIsTheBuffersRemainingBytesAndItsPositionIsLeftAlone() {
        ByteBuffer body = ByteBuffer.wrap(new byte[] {9, 1, 2, 3});
        body.position(1);
        Http2Request request = new Http2Request("POST", "https", "h", "/", List.of(), body);
        assertThat(request.bodyLength()).isEqualTo(3);
        assertThat(request.body().get(0)).isEqualTo((byte) 1);
        assertThat(body.position()).isEqualTo(1);
    }

    @Test
    void requestToStringShowsNoHeaderValues() {
        Http2Request request = Http2Request.post("h", "/3/device/t",
                List.of(new Header("authorization", "bearer secret.jwt.token")), new byte[2]);
        assertThat(request.toString()).doesNotContain("secret").contains("1 headers", "2 body bytes");
    }

    @Test
    void optionsDefaultsSuitApns() {
        Http2Options o = Http2Options.defaults();
        assertThat(o.maxConcurrentStreams()).isEqualTo(1000);
        assertThat(o.initialWindowSize()).isEqualTo(65_536);
        assertThat(o.maxHeaderListSize()).isEqualTo(8192);
        assertThat(o.maxResponseBody()).isEqualTo(65_536);
        assertThat(o.headerTableSize()).isEqualTo(4096);
        assertThat(o.oneStreamUntilFirstResponse()).isFalse();
    }

    @Test
    void optionsOutOfRangeNameTheField() {
        assertThatThrownBy(() -> Http2Options.builder().maxConcurrentStreams(0).build())
                .hasMessageContaining("maxConcurrentStreams");
        assertThatThrownBy(() -> Http2Options.builder().initialWindowSize(0).build())
                .hasMessageContaining("initialWindowSize");
        assertThatThrownBy(() -> Http2Options.builder().connectionWindowSize(1000).build())
                .hasMessageContaining("connectionWindowSize");
        assertThatThrownBy(() -> Http2Options.builder().pingTimeout(Duration.ZERO).build())
                .hasMessageContaining("pingTimeout");
        assertThatThrownBy(() -> Http2Options.builder().pingIdle(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("pingIdle");
    }

    @Test
    void errorCodesAreNamedAndUnknownOnesShownInHex() {
        assertThat(Http2ErrorCode.describe(7)).isEqualTo("REFUSED_STREAM");
        assertThat(Http2ErrorCode.describe(0x1234)).isEqualTo("0x1234");
        assertThat(Http2ErrorCode.of(0xd)).isEqualTo(Http2ErrorCode.HTTP_1_1_REQUIRED);
        assertThat(Http2ErrorCode.of(-1)).isNull();
    }
}
