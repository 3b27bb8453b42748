package dev.apns.internal.h2.hpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HuffmanTest {

    /** Rows of RFC 7541 Appendix B (symbol, code as hex, length), from every length the table uses. */
    @ParameterizedTest
    @CsvSource({
        "0, 1ff8, 13", "1, 7fffd8, 23", "9, ffffea, 24", "10, 3ffffffc, 30", "13, 3ffffffd, 30",
        "22, 3ffffffe, 30", "31, ffffffb, 28", "32, 14, 6", "33, 3f8, 10", "35, ffa, 12", "36, 1ff9, 13",
        "38, f8, 8", "39, 7fa, 11", "47, 18, 6", "48, 0, 5", "58, 5c, 7", "60, 7ffc, 15", "92, 7fff0, 19",
        "94, 3ffc, 14", "116, 9, 5", "122, 7b, 7", "126, 1ffd, 13", "127, ffffffc, 28", "128, fffe6, 20",
        "153, 1fffdc, 21", "199, 1ffffec, 25", "200, 3ffffe2, 26", "203, 7ffffde, 27", "220, ffffffd, 28",
        "249, ffffffe, 28", "254, 7fffff0, 27", "255, 3ffffee, 26", "256, 3fffffff, 30"})
    void canonicalCodesEqualTheAppendix(int symbol, String hexCode, int length) {
        assertThat(Huffman.length(symbol)).isEqualTo(length);
        assertThat(Integer.toHexString(Huffman.code(symbol))).isEqualTo(hexCode);
    }

    @Test
    void codeLengthsFormACompletePrefixCode() {
        // Kraft: the sum of 2^-length over all symbols is exactly 1 for a complete prefix code.
        long sum = 0;
        for (int symbol = 0; symbol <= Huffman.EOS; symbol++) {
            sum += 1L << (30 - Huffman.length(symbol));
        }
        assertThat(sum).isEqualTo(1L << 30);
    }

    @Test
    void everyOctetSurvivesEncodingAndDecodingAtEveryAlignment() throws HpackException {
        for (int shift = 0; shift < 8; shift++) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < shift; i++) {
                s.append('a');
            }
            for (int c = 0; c < 256; c++) {
                s.append((char) c);
            }
            String text = s.toString();
            assertThat(decode(encode(text))).isEqualTo(text);
        }
    }

    @Test
    void emptyStringEncodesToNothing() throws HpackException {
        assertThat(encode("")).isEmpty();
        assertThat(decode(new byte[0])).isEmpty();
    }

    @Test
    void eosInTheDataIsRejected() {
        // "a" (00011) then EOS (30 ones) then padding: 00011111 11111111 11111111 11111111 11111000 -> then pad.
        byte[] data = Hex.bytes("1fffffffff");
        assertThatThrownBy(() -> decode(data)).isInstanceOf(HpackException.class)
                .hasMessageContaining("EOS");
    }

    @Test
    void eosAloneIsRejected() {
        assertThatThrownBy(() -> decode(Hex.bytes("ffffffff"))).isInstanceOf(HpackException.class)
                .hasMessageContaining("EOS").hasMessageContaining("at byte 3");
    }

    @Test
    void paddingOfEightOrMoreBitsIsRejected() {
        // "0" is 00000; a full byte of ones after a byte-aligned end is 8 bits of padding.
        byte[] aligned = encode("00000000"); // 40 bits, byte aligned: 5 bytes
        assertThat(aligned).hasSize(5);
        byte[] padded = new byte[6];
        System.arraycopy(aligned, 0, padded, 0, 5);
        padded[5] = (byte) 0xFF;
        assertThatThrownBy(() -> decode(padded)).isInstanceOf(HpackException.class)
                .hasMessageContaining("padding");
    }

    @Test
    void paddingThatIsNotAllOnesIsRejected() {
        // "a" = 00011, padded with 110 instead of 111.
        assertThatThrownBy(() -> decode(new byte[] {(byte) 0b00011110})).isInstanceOf(HpackException.class)
                .hasMessageContaining("padding");
        assertThat(catchDecode(new byte[] {(byte) 0b00011111})).isNull();
    }

    @Test
    void sevenBitsOfPaddingAreAccepted() throws HpackException {
        // '0' (5 bits) + '0' (5 bits) + 6 bits of padding; ':' (7 bits) + 1; and one 5-bit code + 3.
        assertThat(decode(new byte[] {0b00000000, 0b00111111})).isEqualTo("00");
        assertThat(decode(new byte[] {0b00000111})).isEqualTo("0");
    }

    private static Throwable catchDecode(byte[] data) {
        try {
            decode(data);
            return null;
        } catch (HpackException e) {
            return e;
        }
    }

    static byte[] encode(String s) {
        byte[] out = new byte[Huffman.encodedLength(s)];
        int end = Huffman.encode(s, out, 0);
        assertThat(end).isEqualTo(out.length);
        return out;
    }

    static String decode(byte[] data) throws HpackException {
        byte[] out = new byte[Huffman.maxDecodedLength(data.length)];
        int n = Huffman.decode(data, 0, data.length, out, 0);
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }
}
