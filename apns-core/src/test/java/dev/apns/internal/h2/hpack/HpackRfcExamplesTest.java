package dev.apns.internal.h2.hpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every example of RFC 7541 Appendix C: the encoder reproduces the bytes where a policy can make the example's
 * indexing choices, and the decoder decodes every block and ends with the example's dynamic table.
 */
class HpackRfcExamplesTest {
    private static final IndexingPolicy INDEX_ALL = (name, value) -> Indexing.INCREMENTAL;

    /** Header list from "name: value" lines. */
    private static List<Header> headers(String... lines) {
        List<Header> list = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':', 1);
            list.add(new Header(line.substring(0, colon), line.substring(colon + 2)));
        }
        return list;
    }

    private static byte[] encode(HpackEncoder encoder, List<Header> headers) {
        ByteSink sink = new ByteSink(8);
        encoder.encode(headers, sink);
        return sink.toByteArray();
    }

    /** The decoder's dynamic table, newest first, as "name: value" lines. */
    private static List<String> table(HpackDecoder decoder) {
        List<String> entries = new ArrayList<>();
        for (int i = 1; i <= decoder.tableLength(); i++) {
            String[] entry = decoder.tableEntry(i);
            entries.add(entry[0] + ": " + entry[1]);
        }
        return entries;
    }

    @Nested
    @DisplayName("C.1 integer representation")
    class Integers {
        @Test
        void tenOnAFiveBitPrefixIsOneByte() throws HpackException {
            ByteSink sink = new ByteSink();
            HpackEncoder.writeInteger(sink, 0x20, 5, 10);
            assertThat(Hex.of(sink.toByteArray())).isEqualTo("2a");
            // A dynamic table size update carries a 5-bit-prefix integer: decode the same bytes as one.
            HpackDecoder decoder = new HpackDecoder(4096, 8000);
            assertThat(decoder.decode(Hex.buffer("2a"))).isEmpty();
            assertThat(decoder.tableCapacity()).isEqualTo(10);
        }

        @Test
        void thirteenThirtySevenOnAFiveBitPrefixTakesTwoContinuationBytes() throws HpackException {
            ByteSink sink = new ByteSink();
            HpackEncoder.writeInteger(sink, 0x20, 5, 1337);
            assertThat(Hex.of(sink.toByteArray())).isEqualTo("3f9a0a");
            HpackDecoder decoder = new HpackDecoder(4096, 8000);
            assertThat(decoder.decode(Hex.buffer("3f9a0a"))).isEmpty();
            assertThat(decoder.tableCapacity()).isEqualTo(1337);
        }

        @Test
        void fortyTwoOnAnEightBitPrefixIsOneByte() {
            ByteSink sink = new ByteSink();
            HpackEncoder.writeInteger(sink, 0, 8, 42);
            assertThat(Hex.of(sink.toByteArray())).isEqualTo("2a");
        }
    }

    @Nested
    @DisplayName("C.2 header field representations")
    class FieldRepresentations {
        @Test
        void literalWithIndexing() throws HpackException {
            String block = "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572";
            HpackEncoder encoder = new HpackEncoder(INDEX_ALL, 4096, false);
            assertThat(Hex.of(encode(encoder, headers("custom-key: custom-header")))).isEqualTo(Hex.of(Hex.bytes(block)));
            assertThat(encoder.tableSize()).isEqualTo(55);

            HpackDecoder decoder = new HpackDecoder(4096, 8000);
            assertThat(decoder.decode(Hex.buffer(block))).isEqualTo(headers("custom-key: custom-header"));
            assertThat(table(decoder)).containsExactly("custom-key: custom-header");
            assertThat(decoder.tableSize()).isEqualTo(55);
        }

        @Test
        void literalWithoutIndexing() throws HpackException {
            String block = "040c 2f73 616d 706c 652f 7061 7468";
            HpackEncoder encoder = new HpackEncoder(IndexingPolicy.never(), 4096, false);
            assertThat(Hex.of(encode(encoder, headers(":path: /sample/path")))).isEqualTo(Hex.of(Hex.bytes(block)));
            assertThat(encoder.tableSize()).isZero();

            HpackDecoder decoder = new HpackDecoder(4096, 8000);
            assertThat(decoder.decode(Hex.buffer(block))).isEqualTo(headers(":path: /sample/path"));
            assertThat(table(decoder)).isEmpty();
        }

        @Test
        void literalNeverIndexed() throws HpackException {
            String block = "1008 7061 7373 776f 7264 0673 6563 7265 74";
            HpackEncoder encoder = new HpackEncoder((name, value) -> Indexing.NEVER_INDEXED, 4096, false);
            assertThat(Hex.of(encode(encoder, headers("password: secret")))).isEqualTo(Hex.of(Hex.bytes(block)));
            assertThat(encoder.tableSize()).isZero();

            HpackDecoder decoder = new HpackDecoder(4096, 8000);
            assertThat(decoder.decode(Hex.buffer(block))).isEqualTo(headers("password: secret"));
            assertThat(table(decoder)).isEmpty();
        }

        @Test
        void indexedField() throws HpackException {
            HpackEncoder encoder = new HpackEncoder(INDEX_ALL, 4096, false);
            assertThat(Hex.of(encode(encoder, headers(":method: GET")))).isEqualTo("82");

            HpackDecoder decoder = new HpackDecoder(4096, 8000);
            assertThat(decoder.decode(Hex.buffer("82"))).isEqualTo(headers(":method: GET"));
            assertThat(table(decoder)).isEmpty();
        }
    }

    private static final List<List<Header>> REQUESTS = List.of(
            headers(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"),
            headers(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com",
                    "cache-control: no-cache"),
            headers(":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com",
                    "custom-key: custom-value"));

    private static final List<List<String>> REQUEST_TABLES = List.of(
            List.of(":authority: www.example.com"),
            List.of("cache-control: no-cache", ":authority: www.example.com"),
            List.of("custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"));

    private static final int[] REQUEST_TABLE_SIZES = {57, 110, 164};

    private static final List<List<Header>> RESPONSES = List.of(
            headers(":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                    "location: https://www.example.com"),
            headers(":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                    "location: https://www.example.com"),
            headers(":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT",
                    "location: https://www.example.com", "content-encoding: gzip",
                    "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));

    private static final List<List<String>> RESPONSE_TABLES = List.of(
            List.of("location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                    "cache-control: private", ":status: 302"),
            List.of(":status: 307", "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                    "cache-control: private"),
            List.of("set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                    "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT"));

    private static final int[] RESPONSE_TABLE_SIZES = {222, 222, 215};

    /** Encodes and decodes the blocks in order on one connection, checking bytes and tables after each. */
    private static void runSequence(List<List<Header>> lists, List<String> blocks, List<List<String>> tables,
            int[] sizes, int tableSize, boolean huffman) throws HpackException {
        HpackEncoder encoder = new HpackEncoder(INDEX_ALL, tableSize, huffman);
        HpackDecoder decoder = new HpackDecoder(tableSize, 8000);
        for (int i = 0; i < lists.size(); i++) {
            assertThat(Hex.of(encode(encoder, lists.get(i)))).as("encoded block %d", i + 1)
                    .isEqualTo(Hex.of(Hex.bytes(blocks.get(i))));
            assertThat(encoder.tableSize()).as("encoder table size after block %d", i + 1).isEqualTo(sizes[i]);
            assertThat(decoder.decode(Hex.buffer(blocks.get(i)))).as("decoded block %d", i + 1)
                    .isEqualTo(lists.get(i));
            assertThat(table(decoder)).as("decoder table after block %d", i + 1).isEqualTo(tables.get(i));
            assertThat(decoder.tableSize()).as("decoder table size after block %d", i + 1).isEqualTo(sizes[i]);
        }
    }

    @Test
    @DisplayName("C.3 requests without Huffman coding")
    void requestsWithoutHuffman() throws HpackException {
        runSequence(REQUESTS, List.of(
                "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                "8286 84be 5808 6e6f 2d63 6163 6865",
                "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"),
                REQUEST_TABLES, REQUEST_TABLE_SIZES, 4096, false);
    }

    @Test
    @DisplayName("C.4 requests with Huffman coding")
    void requestsWithHuffman() throws HpackException {
        runSequence(REQUESTS, List.of(
                "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
                "8286 84be 5886 a8eb 1064 9cbf",
                "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"),
                REQUEST_TABLES, REQUEST_TABLE_SIZES, 4096, true);
    }

    @Test
    @DisplayName("C.5 responses without Huffman coding, 256-byte table")
    void responsesWithoutHuffman() throws HpackException {
        runSequence(RESPONSES, List.of(
                "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                        + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70"
                        + "6c65 2e63 6f6d",
                "4803 3330 37c1 c0bf",
                "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                        + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
                        + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
                        + "3d31"),
                RESPONSE_TABLES, RESPONSE_TABLE_SIZES, 256, false);
    }

    @Test
    @DisplayName("C.6 responses with Huffman coding, 256-byte table")
    void responsesWithHuffman() throws HpackException {
        runSequence(RESPONSES, List.of(
                "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                        + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
                "4883 640e ffc1 c0bf",
                "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                        + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
                        + "9587 3160 65c0 03ed 4ee5 b106 3d50 07"),
                RESPONSE_TABLES, RESPONSE_TABLE_SIZES, 256, true);
    }
}
