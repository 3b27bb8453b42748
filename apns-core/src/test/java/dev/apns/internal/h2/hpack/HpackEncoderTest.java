package dev.apns.internal.h2.hpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class HpackEncoderTest {
    private static final IndexingPolicy INDEX_ALL = (name, value) -> Indexing.INCREMENTAL;

    private static List<Header> request(String path, String apnsId) {
        return List.of(new Header(":method", "POST"), new Header(":scheme", "https"),
                new Header(":path", path), new Header(":authority", "api.push.apple.com"),
                new Header("authorization", "bearer eyJhbGciOiJFUzI1NiIsImtpZCI6IkFCQzEyM0RFRkcifQ.e30.c2ln"),
                new Header("apns-id", apnsId), new Header("apns-topic", "com.example.app"),
                new Header("apns-push-type", "alert"), new Header("apns-priority", "10"),
                new Header("apns-expiration", "0"), new Header("content-type", "application/json"));
    }

    private static byte[] encode(HpackEncoder encoder, List<Header> headers) {
        ByteSink sink = new ByteSink(8);
        encoder.encode(headers, sink);
        return sink.toByteArray();
    }

    @Test
    void applePolicyIndexesStableValuesAndTheTokenAndKeepsPerRequestValuesOut() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.apple());
        HpackDecoder decoder = new HpackDecoder(4096, 8000);
        List<Header> first = request("/3/device/" + "ab".repeat(32), "0a1b2c3d-0000-4000-8000-000000000001");
        byte[] firstBlock = encode(encoder, first);
        assertThat(decoder.decode(java.nio.ByteBuffer.wrap(firstBlock))).isEqualTo(first);
        // Indexed: :authority, authorization, apns-topic, apns-push-type, apns-priority, content-type. Not:
        // :path, apns-id, apns-expiration (and :method POST, :scheme https are static).
        List<String> table = new ArrayList<>();
        for (int i = decoder.tableLength(); i >= 1; i--) {
            table.add(decoder.tableEntry(i)[0]);
        }
        assertThat(table).containsExactly(":authority", "authorization", "apns-topic", "apns-push-type",
                "apns-priority", "content-type");

        List<Header> second = request("/3/device/" + "cd".repeat(32), "0a1b2c3d-0000-4000-8000-000000000002");
        byte[] secondBlock = encode(encoder, second);
        assertThat(decoder.decode(java.nio.ByteBuffer.wrap(secondBlock))).isEqualTo(second);
        assertThat(decoder.tableLength()).isEqualTo(6);
        assertThat(secondBlock.length).isLessThan(firstBlock.length - 100);
        // :method POST and :scheme https are static indices 3 and 7.
        assertThat(secondBlock[0]).isEqualTo((byte) 0x83);
        assertThat(secondBlock[1]).isEqualTo((byte) 0x87);
        // :path: literal without indexing, name index 4.
        assertThat(secondBlock[2]).isEqualTo((byte) 0x04);
        // authorization is now one index byte: what is left is :path (about 55 bytes), apns-id (about 30) and
        // apns-expiration; the token as a literal would add some 55 more.
        assertThat(secondBlock.length).isLessThan(120);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void applePolicyDecisions() {
        IndexingPolicy apple = IndexingPolicy.apple();
        assertThat(apple.indexing("authorization", "bearer x")).isEqualTo(Indexing.INCREMENTAL);
        assertThat(apple.indexing(":path", "/3/device/00")).isEqualTo(Indexing.WITHOUT_INDEXING);
        assertThat(apple.indexing("apns-id", "x")).isEqualTo(Indexing.WITHOUT_INDEXING);
        assertThat(apple.indexing("apns-expiration", "0")).isEqualTo(Indexing.WITHOUT_INDEXING);
        assertThat(apple.indexing("apns-collapse-id", "x")).isEqualTo(Indexing.WITHOUT_INDEXING);
        assertThat(apple.indexing(":authority", "api.push.apple.com")).isEqualTo(Indexing.INCREMENTAL);
        assertThat(apple.indexing("apns-topic", "com.example")).isEqualTo(Indexing.INCREMENTAL);
        assertThat(IndexingPolicy.never().indexing("apns-topic", "com.example")).isEqualTo(Indexing.WITHOUT_INDEXING);
    }

    @Test
    void neverPolicyLeavesTheTableEmpty() {
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.never());
        encode(encoder, request("/3/device/00", "id"));
        assertThat(encoder.tableSize()).isZero();
    }

    @Test
    void tableSizeChangeIsSignalledAtTheStartOfTheNextBlockOnly() {
        HpackEncoder encoder = new HpackEncoder(INDEX_ALL);
        encoder.setMaxTableSize(256);
        assertThat(encoder.maxTableSize()).isEqualTo(256);
        assertThat(Hex.of(encode(encoder, List.of(new Header(":method", "GET"))))).isEqualTo("3fe10182");
        assertThat(Hex.of(encode(encoder, List.of(new Header(":method", "GET"))))).isEqualTo("82");
    }

    @Test
    void shrinkThenGrowSignalsTheSmallestSizeThenTheFinalOne() {
        HpackEncoder encoder = new HpackEncoder(INDEX_ALL);
        encoder.setMaxTableSize(0);
        encoder.setMaxTableSize(100);
        encoder.setMaxTableSize(2000);
        // 0 (0x20), then 2000 = 31 + 1969 -> 3f b1 0f.
        assertThat(Hex.of(encode(encoder, List.of()))).isEqualTo("203fb10f");
    }

    @Test
    void growThenShrinkSignalsOnlyTheFinalSizeWhenItIsTheSmallest() {
        HpackEncoder encoder = new HpackEncoder(INDEX_ALL);
        encoder.setMaxTableSize(1000);
        encoder.setMaxTableSize(4096);
        encoder.setMaxTableSize(100);
        assertThat(Hex.of(encode(encoder, List.of()))).isEqualTo("3f45");
    }

    @Test
    void unchangedOrLargerThanDefaultSizesNeedNoUpdate() {
        HpackEncoder encoder = new HpackEncoder(INDEX_ALL);
        encoder.setMaxTableSize(4096);
        encoder.setMaxTableSize(65536);
        assertThat(encoder.maxTableSize()).isEqualTo(4096);
        assertThat(Hex.of(encode(encoder, List.of(new Header(":method", "GET"))))).isEqualTo("82");
    }

    @Test
    void shrinkingEvictsAtOnceAndTheTableNeverExceedsItsSize() {
        HpackEncoder encoder = new HpackEncoder(INDEX_ALL);
        for (int i = 0; i < 200; i++) {
            encode(encoder, List.of(new Header("x-key-" + i, "value-" + i)));
            assertThat(encoder.tableSize()).isLessThanOrEqualTo(4096);
        }
        assertThat(encoder.tableSize()).isGreaterThan(4096 - 60);
        encoder.setMaxTableSize(100);
        assertThat(encoder.tableSize()).isLessThanOrEqualTo(100);
    }

    @Test
    void fieldLargerThanTheTableIsSentWithoutIndexing() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(INDEX_ALL);
        encode(encoder, List.of(new Header("small", "v")));
        String big = "y".repeat(5000);
        byte[] block = encode(encoder, List.of(new Header("big", big)));
        assertThat(block[0]).isEqualTo((byte) 0x00);
        assertThat(encoder.tableSize()).isEqualTo(38); // "small: v" stays
        HpackDecoder decoder = new HpackDecoder(4096, 8000);
        decoder.decode(java.nio.ByteBuffer.wrap(encode(new HpackEncoder(INDEX_ALL), List.of(new Header("small", "v")))));
        assertThat(decoder.decode(java.nio.ByteBuffer.wrap(block))).containsExactly(new Header("big", big));
    }

    @Test
    void huffmanIsUsedOnlyWhenItIsNotLonger() {
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.never());
        // Control characters take 23 to 30 bits in Huffman code: the raw form is shorter.
        byte[] raw = encode(encoder, List.of(new Header("x", "\u0001\u0002")));
        assertThat(Hex.of(raw)).isEqualTo("00" + "81f3" + "020102"); // the name "x" is 7 bits, a tie, so Huffman
        byte[] huffman = encode(encoder, List.of(new Header("x", "aaaaaaaa")));
        assertThat(huffman[3] & 0x80).isEqualTo(0x80);
        assertThat(huffman).hasSize(4 + 5);
    }

    @Test
    void withoutHuffmanForUnindexedOnlyTableEntriesAreHuffmanCoded() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.apple(), false);
        String path = "/3/device/" + "ab".repeat(32);
        byte[] block = encode(encoder, List.of(new Header(":path", path), new Header("apns-topic", "com.example.app")));
        // :path (static name index 4) without indexing, its value raw: length byte with the H bit clear.
        assertThat(block[0] & 0xFF).isEqualTo(0x04);
        assertThat(block[1] & 0xFF).isEqualTo(path.length());
        // apns-topic enters the table: its name and value are Huffman-coded.
        int topic = 2 + path.length();
        assertThat(block[topic] & 0xFF).isEqualTo(0x40);
        assertThat(block[topic + 1] & 0x80).isEqualTo(0x80);
        assertThat(new HpackDecoder(4096, 8000).decode(java.nio.ByteBuffer.wrap(block)))
                .containsExactly(new Header(":path", path), new Header("apns-topic", "com.example.app"));
        // The same request again: the topic is one index, the path raw again.
        byte[] second = encode(encoder, List.of(new Header(":path", path), new Header("apns-topic", "com.example.app")));
        assertThat(second).hasSize(2 + path.length() + 1);
        assertThat(second[1] & 0xFF).isEqualTo(path.length());
    }

    @Test
    void charactersAboveOneOctetAreRejected() {
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.never());
        assertThatThrownBy(() -> encode(encoder, List.of(new Header("x", "caf\u00e9 \u20ac"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("character 8364 at index 5");
        assertThat(Hex.of(encode(encoder, List.of(new Header("x", "\u00e9"))))).isEqualTo("0081f3" + "01e9");
    }

    @Test
    void headerRejectsUpperCaseNamesAndRedactsAuthorization() {
        assertThatThrownBy(() -> new Header("Apns-Id", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0");
        assertThatThrownBy(() -> new Header("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Header("x", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Header("authorization", "bearer secret").toString()).doesNotContain("secret");
        assertThat(new Header("authorization", "bearer secret").size()).isEqualTo(13 + 13 + 32);
    }

    /**
     * This thread's allocated bytes so far, or -1 where the JVM cannot count them. Reflection, because the test
     * compiles inside module dev.apns.core, which does not read java.management.
     */
    private static long allocatedBytes() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                    .invoke(null);
            Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
            if (!hotspot.isInstance(bean)) {
                return -1;
            }
            Method counter = hotspot.getMethod("getThreadAllocatedBytes", long.class);
            return (long) counter.invoke(bean, Thread.currentThread().getId());
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    @Test
    void warmEncoderDoesNotAllocate() {
        assumeTrue(allocatedBytes() >= 0, "needs HotSpot's per-thread allocation counter");
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.apple());
        List<List<Header>> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            requests.add(request("/3/device/" + Integer.toHexString(i).repeat(8), "00000000-0000-4000-8000-0000000000" + i));
        }
        ByteSink sink = new ByteSink(4096);
        for (int i = 0; i < 2_000; i++) {
            sink.clear();
            encoder.encode(requests.get(i & 15), sink);
        }
        long before = allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            sink.clear();
            encoder.encode(requests.get(i & 15), sink);
        }
        long allocated = allocatedBytes() - before;
        // Ten thousand blocks of eleven fields; one allocation per field would be megabytes.
        assertThat(allocated).isLessThan(16_384);
    }

    @Test
    void byteSinkGrowsAndHandsOutItsContent() {
        ByteSink sink = new ByteSink(0);
        for (int i = 0; i < 1000; i++) {
            sink.put(i);
        }
        sink.put(new byte[] {1, 2, 3}, 1, 2);
        sink.put(java.nio.ByteBuffer.wrap(new byte[] {9}));
        assertThat(sink.size()).isEqualTo(1003);
        assertThat(sink.get(999)).isEqualTo((byte) 999);
        java.nio.ByteBuffer view = sink.flip();
        assertThat(view.remaining()).isEqualTo(1003);
        assertThat(view.get(1002)).isEqualTo((byte) 9);
        sink.clear();
        assertThat(sink.size()).isZero();
        assertThatThrownBy(() -> sink.get(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
