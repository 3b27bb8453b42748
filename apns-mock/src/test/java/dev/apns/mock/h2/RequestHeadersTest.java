package dev.apns.mock.h2;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the server reads from a request's headers, in one pass, agrees with Netty's own lookups. */
class RequestHeadersTest {

    @Test
    void readsTheHeadersItKeepsAndNotesRepeats() {
        Http2Headers headers = new DefaultHttp2Headers(false)
                .method("POST").scheme("https").authority("localhost").path("/3/device/ab")
                .add("authorization", "bearer x").add("apns-topic", "t").add("apns-push-type", "alert")
                .add("apns-priority", "5").add("apns-expiration", "0").add("apns-id", "i").add("apns-collapse-id", "c")
                .add("apns-other", "o").add("x-authorization", "no");
        RequestHeaders read = new RequestHeaders(headers);
        assertThat(read.method.toString()).isEqualTo("POST");
        assertThat(read.path.toString()).isEqualTo("/3/device/ab");
        assertThat(read.authorization().toString()).isEqualTo("bearer x");
        assertThat(read.topic().toString()).isEqualTo("t");
        assertThat(read.pushType().toString()).isEqualTo("alert");
        assertThat(read.priority().toString()).isEqualTo("5");
        assertThat(read.expiration().toString()).isEqualTo("0");
        assertThat(read.apnsId().toString()).isEqualTo("i");
        assertThat(read.collapseId().toString()).isEqualTo("c");
        assertThat(read.duplicates).isFalse();
        assertThat(new RequestHeaders(headers.add("apns-topic", "u")).duplicates).isTrue();
    }

    @Test
    void repeatedPseudoHeadersResolveAsNettysLookupsDo() {
        Http2Headers headers = new DefaultHttp2Headers(false)
                .add(":method", "POST").add(":path", "/3/device/first").add(":method", "GET").add(":path", "/second");
        RequestHeaders read = new RequestHeaders(headers);
        assertThat(read.method.toString()).isEqualTo(headers.method().toString());
        assertThat(read.path.toString()).isEqualTo(headers.path().toString());
        RequestHeaders none = new RequestHeaders(new DefaultHttp2Headers(false).add("apns-topic", "t"));
        assertThat(none.method).isNull();
        assertThat(none.path).isNull();
    }
}
