package dev.apns.internal.h2.hpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every limit and every error of the decoder, each with a test that fails if its check is removed. */
class HpackDecoderLimitsTest {

    private static HpackException failure(HpackDecoder decoder, String hex) {
        return catchThrowableOfType(HpackException.class, () -> decoder.decode(Hex.buffer(hex)));
    }

    private static HpackDecoder decoder() {
        return new HpackDecoder(4096, 8000);
    }

    /** A literal with incremental indexing and a new name, not Huffman-coded. */
    private static String literal(String name, String value) {
        return "40" + string(name) + string(value);
    }

    private static String string(String s) {
        ByteSink sink = new ByteSink();
        HpackEncoder.writeInteger(sink, 0, 7, s.length());
        for (int i = 0; i < s.length(); i++) {
            sink.put(s.charAt(i));
        }
        return Hex.of(sink.toByteArray());
    }

    @Test
    void sizeUpdateAfterAFieldIsAnError() {
        HpackException e = failure(decoder(), "82 20");
        assertThat(e).hasMessageContaining("size update after a header field").hasMessageContaining("at byte 1");
        assertThat(e.offset()).isEqualTo(1);
        assertThat(e.isStreamError()).isFalse();
    }

    @Test
    void sizeUpdatesAtTheStartAreAccepted() throws HpackException {
        HpackDecoder decoder = decoder();
        assertThat(decoder.decode(Hex.buffer("20 3f e1 1f 82"))).containsExactly(new Header(":method", "GET"));
        assertThat(decoder.tableCapacity()).isEqualTo(4096);
    }

    @Test
    void sizeUpdateAboveOurLimitIsAnError() throws HpackException {
        assertThat(failure(decoder(), "3f e2 1f")).hasMessageContaining("update to 4097 bytes is above our limit of 4096");
        assertThat(failure(new HpackDecoder(100, 8000), "3f 46")).hasMessageContaining("update to 101 bytes");
        assertThat(new HpackDecoder(100, 8000).decode(Hex.buffer("3f 45"))).isEmpty();
    }

    @Test
    void afterOurLimitWentDownTheNextBlockMustStartWithAnUpdate() throws HpackException {
        HpackDecoder decoder = decoder();
        decoder.decode(Hex.buffer(literal("custom-key", "custom-header")));
        decoder.setMaxTableSize(50);
        assertThat(failure(decoder, "82")).hasMessageContaining("must start with a dynamic table size update to at most 50");

        HpackDecoder empty = decoder();
        empty.setMaxTableSize(50);
        assertThat(failure(empty, "")).hasMessageContaining("must start with a dynamic table size update");

        HpackDecoder updated = decoder();
        updated.decode(Hex.buffer(literal("custom-key", "custom-header")));
        updated.setMaxTableSize(50);
        assertThat(updated.decode(Hex.buffer("3f 13 82"))).containsExactly(new Header(":method", "GET"));
        assertThat(updated.tableCapacity()).isEqualTo(50);
        assertThat(updated.tableLength()).isZero(); // 55 bytes did not fit in 50
    }

    @Test
    void ourLimitGoingUpNeedsNoUpdate() throws HpackException {
        HpackDecoder decoder = decoder();
        decoder.setMaxTableSize(8192);
        assertThat(decoder.decode(Hex.buffer("82"))).hasSize(1);
        assertThat(decoder.decode(Hex.buffer("3f e1 3f"))).isEmpty(); // 8192
        assertThat(decoder.tableCapacity()).isEqualTo(8192);
    }

    @Test
    void indexZeroIsAnError() {
        assertThat(failure(decoder(), "82 80")).hasMessageContaining("index 0").hasMessageContaining("at byte 1");
    }

    @Test
    void indicesBeyondTheTablesAreErrors() throws HpackException {
        assertThat(decoder().decode(Hex.buffer("bd"))).containsExactly(new Header("www-authenticate", ""));
        assertThat(failure(decoder(), "be")).hasMessageContaining("index 62 is beyond");
        assertThat(failure(decoder(), "7e 00")).hasMessageContaining("index 62 is beyond");
        assertThat(failure(decoder(), "0f 2f 00")).hasMessageContaining("index 62 is beyond");

        HpackDecoder one = decoder();
        one.decode(Hex.buffer(literal("custom-key", "custom-header")));
        assertThat(one.decode(Hex.buffer("be"))).containsExactly(new Header("custom-key", "custom-header"));
        assertThat(failure(one, "bf")).hasMessageContaining("index 63 is beyond").hasMessageContaining("(1 entries)");
    }

    @Test
    void integersAboveTwoToTheThirtyFirstAreErrors() {
        assertThat(failure(decoder(), "ff ff ff ff ff 0f")).hasMessageContaining("larger than 2^31 - 1");
        assertThat(failure(decoder(), "ff 81 ff ff ff 07")).hasMessageContaining("larger than 2^31 - 1");
    }

    @Test
    void theLargestIntegerIsReadWithoutOverflow() {
        ByteSink sink = new ByteSink();
        HpackEncoder.writeInteger(sink, 0x80, 7, Integer.MAX_VALUE);
        assertThat(Hex.of(sink.toByteArray())).isEqualTo("ff80ffffff07");
        assertThat(failure(decoder(), Hex.of(sink.toByteArray()))).hasMessageContaining("index 2147483647 is beyond");
    }

    @Test
    void integersWithTooManyContinuationBytesAreErrors() {
        assertThat(failure(decoder(), "ff 80 80 80 80 80 00")).hasMessageContaining("more than 5 continuation bytes");
        assertThat(failure(decoder(), "ff 80 80 80 80 80 80 80 80 80 80 80")).hasMessageContaining("more than 5");
    }

    @Test
    void integerCutOffByTheEndOfTheBlockIsAnError() {
        assertThat(failure(decoder(), "ff")).hasMessageContaining("ends inside an integer");
        assertThat(failure(decoder(), "ff 80")).hasMessageContaining("ends inside an integer");
    }

    @Test
    void stringLongerThanTheRestOfTheBlockIsAnError() {
        assertThat(failure(decoder(), "40 0a 61 62")).hasMessageContaining("string literal of 10 bytes is longer than the 2 bytes left")
                .hasMessageContaining("at byte 1");
        assertThat(failure(decoder(), "40 7f ff ff ff 07")).hasMessageContaining("longer than the 0 bytes left");
        assertThat(failure(decoder(), "41")).hasMessageContaining("ends where a string literal should start");
    }

    @Test
    void huffmanErrorsInsideABlockAreConnectionErrorsWithTheirOffset() {
        HpackException eos = failure(decoder(), "41 84 ff ff ff ff");
        assertThat(eos).hasMessageContaining("EOS");
        assertThat(eos.offset()).isEqualTo(5);
        assertThat(eos.isStreamError()).isFalse();
        HpackException padding = failure(decoder(), "41 82 07 ff");
        assertThat(padding).hasMessageContaining("padding");
        assertThat(padding.offset()).isEqualTo(3);
    }

    @Test
    void headerListAtTheLimitIsAccepted() throws HpackException {
        // custom-key: custom-header is 55 bytes by RFC 9113 §6.5.2.
        HpackDecoder decoder = new HpackDecoder(4096, 110);
        assertThat(decoder.decode(Hex.buffer(literal("custom-key", "custom-header") + "be"))).hasSize(2);
    }

    @Test
    void headerListAboveTheLimitIsAStreamErrorAndTheTableStaysInStep() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 109);
        HpackException e = failure(decoder, literal("custom-key", "custom-header") + "be" + literal("other", "x"));
        assertThat(e).hasMessageContaining("larger than the limit of 109 bytes").hasMessageContaining("at byte 26");
        assertThat(e.isStreamError()).isTrue();
        // The literal after the failure still entered the table, so the peer's indices still hold.
        assertThat(decoder.tableLength()).isEqualTo(2);
        assertThat(decoder.decode(Hex.buffer("be bf"))).containsExactly(new Header("other", "x"),
                new Header("custom-key", "custom-header"));
    }

    @Test
    void hugeHeaderListIsRejectedWithoutKeepingItsFields() {
        byte[] block = new byte[100_000];
        java.util.Arrays.fill(block, (byte) 0x82);
        HpackDecoder decoder = new HpackDecoder(4096, 8000);
        HpackException e = catchThrowableOfType(HpackException.class, () -> decoder.decode(ByteBuffer.wrap(block)));
        assertThat(e.isStreamError()).isTrue();
        assertThat(e.offset()).isEqualTo(8000 / 42); // :method GET is 42 bytes; field 191 is the first too many
    }

    @ParameterizedTest
    @ValueSource(strings = {"Custom-Key", "custom-kEy", "custom key", "custom:key", "", "x\u007f", "x\u00e9", "x\u0000"})
    void malformedNamesAreStreamErrorsAndTheTableStaysInStep(String name) throws HpackException {
        HpackDecoder decoder = decoder();
        HpackException e = failure(decoder, literal(name, "v") + "82");
        assertThat(e.isStreamError()).isTrue();
        assertThat(e).hasMessageContaining("header name");
        assertThat(e.offset()).isEqualTo(1);
        assertThat(decoder.tableLength()).isEqualTo(1);
        // Referring to the malformed entry is a stream error again; other fields decode.
        assertThat(failure(decoder, "be").isStreamError()).isTrue();
        // So is a literal that takes its name from it (and enters the table too).
        assertThat(failure(decoder, "7e 01 77").isStreamError()).isTrue();
        assertThat(decoder.tableLength()).isEqualTo(2);
        assertThat(decoder.decode(Hex.buffer("82"))).containsExactly(new Header(":method", "GET"));
    }

    @Test
    void upperCaseNameInALiteralWithoutIndexingIsAStreamError() {
        HpackException e = failure(decoder(), "00" + string("X-Upper") + string("v"));
        assertThat(e).hasMessageContaining("upper-case character 'X' at index 0");
        assertThat(e.isStreamError()).isTrue();
    }

    @Test
    void pseudoHeaderNamesAreAccepted() throws HpackException {
        assertThat(decoder().decode(Hex.buffer(literal(":protocol", "websocket"))))
                .containsExactly(new Header(":protocol", "websocket"));
    }

    @Test
    void afterAConnectionErrorTheDecoderRefusesFurtherBlocks() {
        HpackDecoder decoder = decoder();
        failure(decoder, "80");
        assertThat(failure(decoder, "82")).hasMessageContaining("failed on an earlier block");
    }

    @Test
    void entryLargerThanTheTableEmptiesIt() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(100, 8000);
        decoder.decode(Hex.buffer(literal("a", "b")));
        assertThat(decoder.tableSize()).isEqualTo(34);
        String big = "x".repeat(70);
        assertThat(decoder.decode(Hex.buffer(literal("big", big)))).containsExactly(new Header("big", big));
        assertThat(decoder.tableLength()).isZero();
        assertThat(decoder.tableSize()).isZero();
    }

    @Test
    void directBuffersDecodeLikeHeapBuffers() throws HpackException {
        byte[] block = Hex.bytes("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");
        ByteBuffer direct = ByteBuffer.allocateDirect(block.length + 3);
        direct.put(new byte[] {1, 2, 3}).put(block).flip().position(3);
        HpackDecoder decoder = decoder();
        decoder.decode(Hex.buffer("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff")); // C.4.1
        decoder.decode(Hex.buffer("8286 84be 5886 a8eb 1064 9cbf")); // C.4.2; the direct buffer holds C.4.3
        List<Header> headers = decoder.decode(direct);
        assertThat(headers).containsExactly(new Header(":method", "GET"), new Header(":scheme", "https"),
                new Header(":path", "/index.html"), new Header(":authority", "www.example.com"),
                new Header("custom-key", "custom-value"));
        assertThat(direct.remaining()).isZero();
    }

    @Test
    void offsetsCountFromTheBuffersPosition() {
        ByteBuffer buffer = Hex.buffer("00 00 00 82 80");
        buffer.position(3);
        HpackException e = catchThrowableOfType(HpackException.class, () -> decoder().decode(buffer));
        assertThat(e.offset()).isEqualTo(1);
    }
}
