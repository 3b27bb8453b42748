package dev.apns.internal.h2.hpack;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Names sent as raw literals again and again (a server that never indexes apns-id) decode the same every time. */
class HpackDecoderLiteralNamesTest {

    /** A never-indexed field with a literal name and value, both raw. */
    private static byte[] neverIndexed(String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(3 + n.length + v.length);
        out.put((byte) 0x10).put((byte) n.length).put(n).put((byte) v.length).put(v);
        return out.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    @Test
    void repeatedLiteralNamesDecodeTheSameBlockAfterBlock() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 8000);
        List<String> names = List.of("apns-id", "apns-unique-id", "x-a", "x-b", "x-c", "x-d", "apns-id2", "apns-i");
        for (int block = 0; block < 20; block++) {
            String first = names.get(block % names.size());
            String second = names.get((block * 3 + 1) % names.size());
            byte[] bytes = concat(new byte[] {(byte) 0x88}, neverIndexed(first, "v" + block), neverIndexed(second, "w"));
            assertThat(decoder.decode(ByteBuffer.wrap(bytes))).containsExactly(new Header(":status", "200"),
                    new Header(first, "v" + block), new Header(second, "w"));
        }
        // A name that shares a remembered name's start but not its length, and one cut short by the block's end.
        assertThat(decoder.decode(ByteBuffer.wrap(neverIndexed("apns-id-x", "1"))))
                .containsExactly(new Header("apns-id-x", "1"));
        byte[] cut = neverIndexed("apns-id", "1");
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(cut, 0, 5))).isInstanceOf(HpackException.class);
    }

    @Test
    void malformedLiteralNamesAreRefusedEveryTime() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 8000);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(neverIndexed("Apns-Id", "1"))))
                    .isInstanceOfSatisfying(HpackException.class, e -> assertThat(e.isStreamError()).isTrue());
            assertThat(decoder.decode(ByteBuffer.wrap(neverIndexed("apns-id", "1"))))
                    .containsExactly(new Header("apns-id", "1"));
        }
    }
}
