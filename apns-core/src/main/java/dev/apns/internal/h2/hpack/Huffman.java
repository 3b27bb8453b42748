package dev.apns.internal.h2.hpack;

/**
 * The Huffman code of RFC 7541 Appendix B.
 *
 * <p>The appendix's code is canonical (it says so, citing [CANONICAL]): codes are handed out in order of length,
 * and within one length in order of symbol. So the table below holds only each symbol's code length, as the
 * appendix lists them, and the codes follow from the lengths; {@code HuffmanTest} checks them against codes
 * printed in the appendix.
 *
 * <p>Decoding is table-driven, four bits at a time: the states are the 256 inner nodes of the code tree, and
 * for each state and nibble the table gives the next state and the symbol completed on the way, if any (every
 * code has at least five bits, so a nibble completes at most one).
 */
final class Huffman {
    /** The end-of-string symbol, which must never appear in encoded data. */
    static final int EOS = 256;

    /** Code length in bits of symbols 0 to 256 (EOS), from RFC 7541 Appendix B. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0-15
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16-31
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,         // 32-47  ' ' to '/'
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,              // 48-63  '0' to '?'
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,                // 64-79  '@' to 'O'
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,             // 80-95  'P' to '_'
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,                // 96-111 '`' to 'o'
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,            // 112-127 'p' to DEL
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128-143
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144-159
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160-175
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176-191
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192-207
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208-223
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224-239
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240-255
        30,                                                             // 256 EOS
    };

    /** The code of each symbol, right-aligned. */
    private static final int[] CODES = new int[257];

    // Decoder transitions, indexed by state * 16 + nibble.
    private static final int NEXT_STATE_MASK = 0xFF;
    private static final int SYMBOL_SHIFT = 8;
    private static final int EMITS = 1 << 17;
    private static final int FAILS = 1 << 18;
    private static final int[] TRANSITIONS = new int[256 * 16];
    /** Whether the data may end in a state: at a symbol boundary, or within at most 7 one-bits of padding. */
    private static final boolean[] MAY_END = new boolean[256];

    static {
        assignCanonicalCodes();
        buildDecoder();
    }

    private Huffman() {
    }

    /** The code of {@code symbol}, right-aligned in the int. */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** The length in bits of the code of {@code symbol}. */
    static int length(int symbol) {
        return LENGTHS[symbol];
    }

    /**
     * The encoded length in bytes of {@code s}, or -1 if a character of it is above 0xFF (not an octet).
     */
    static int encodedLength(String s) {
        long bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                return -1;
            }
            bits += LENGTHS[c];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /**
     * Writes the code of {@code s} into {@code dst} from {@code offset}, padded with the EOS prefix; the caller
     * checked that it holds only octets and made room for {@link #encodedLength(String)} bytes. Returns the offset after the last byte written.
     */
    static int encode(String s, byte[] dst, int offset) {
        long pending = 0;
        int pendingBits = 0;
        int out = offset;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            pending = (pending << LENGTHS[c]) | CODES[c];
            pendingBits += LENGTHS[c];
            while (pendingBits >= 8) {
                pendingBits -= 8;
                dst[out++] = (byte) (pending >>> pendingBits);
            }
        }
        if (pendingBits > 0) {
            dst[out++] = (byte) ((pending << (8 - pendingBits)) | (0xFF >>> pendingBits));
        }
        return out;
    }

    /**
     * Decodes {@code length} bytes of {@code src} from {@code offset} into {@code dst}, which has room for
     * {@code length * 8 / 5} bytes. Returns the number of bytes decoded.
     *
     * @param blockOffset the offset of {@code src[offset]} within the header block, for error messages
     * @throws HpackException if the data holds EOS, or ends in padding longer than 7 bits or not all ones
     */
    static int decode(byte[] src, int offset, int length, byte[] dst, int blockOffset) throws HpackException {
        int state = 0;
        int out = 0;
        for (int i = 0; i < length; i++) {
            int b = src[offset + i] & 0xFF;
            int t = TRANSITIONS[(state << 4) | (b >>> 4)];
            if ((t & EMITS) != 0) {
                dst[out++] = (byte) (t >>> SYMBOL_SHIFT);
            }
            int u = TRANSITIONS[((t & NEXT_STATE_MASK) << 4) | (b & 0x0F)];
            if (((t | u) & FAILS) != 0) {
                throw new HpackException("Huffman-coded string contains the EOS symbol", blockOffset + i, false);
            }
            if ((u & EMITS) != 0) {
                dst[out++] = (byte) (u >>> SYMBOL_SHIFT);
            }
            state = u & NEXT_STATE_MASK;
        }
        if (!MAY_END[state]) {
            throw new HpackException("Huffman-coded string ends in padding longer than 7 bits, padding that is not"
                    + " all ones, or an incomplete code", blockOffset + length - 1, false);
        }
        return out;
    }

    /** The largest number of symbols {@code length} encoded bytes can hold (every code has five bits or more). */
    static int maxDecodedLength(int length) {
        return (int) ((long) length * 8 / 5);
    }

    private static void assignCanonicalCodes() {
        int code = 0;
        int previousLength = 0;
        for (int length = 1; length <= 30; length++) {
            for (int symbol = 0; symbol <= EOS; symbol++) {
                if (LENGTHS[symbol] == length) {
                    code <<= (length - previousLength);
                    previousLength = length;
                    CODES[symbol] = code++;
                }
            }
        }
    }

    private static void buildDecoder() {
        // The code tree: inner nodes 0..255 (0 is the root); a child is an inner node (>= 0) or a leaf ~symbol.
        int[][] children = new int[256][2];
        int[] depth = new int[256];
        boolean[] allOnes = new boolean[256];
        allOnes[0] = true;
        int nodes = 1;
        for (int symbol = 0; symbol <= EOS; symbol++) {
            int node = 0;
            int length = LENGTHS[symbol];
            for (int bit = length - 1; bit > 0; bit--) {
                int b = (CODES[symbol] >>> bit) & 1;
                if (children[node][b] == 0) {
                    children[node][b] = nodes;
                    depth[nodes] = depth[node] + 1;
                    allOnes[nodes] = allOnes[node] && b == 1;
                    nodes++;
                }
                node = children[node][b];
            }
            children[node][CODES[symbol] & 1] = ~symbol;
        }
        if (nodes != 256) {
            throw new ExceptionInInitializerError("the Huffman code tree has " + nodes + " inner nodes, not 256");
        }
        for (int state = 0; state < 256; state++) {
            MAY_END[state] = state == 0 || allOnes[state] && depth[state] <= 7;
            for (int nibble = 0; nibble < 16; nibble++) {
                int node = state;
                int transition = 0;
                for (int bit = 3; bit >= 0; bit--) {
                    int child = children[node][(nibble >>> bit) & 1];
                    if (child < 0) {
                        int symbol = ~child;
                        if (symbol == EOS) {
                            transition |= FAILS;
                            node = 0;
                            break;
                        }
                        transition |= EMITS | (symbol << SYMBOL_SHIFT);
                        node = 0;
                    } else {
                        node = child;
                    }
                }
                TRANSITIONS[(state << 4) | nibble] = transition | node;
            }
        }
    }
}
