package dev.apns.internal.h2.hpack;

import java.util.List;

/**
 * Encodes header lists into HPACK header blocks (RFC 7541) for one connection's sending direction.
 *
 * <p>Fields found whole in the static or dynamic table are sent as an index; other fields are literals whose
 * name is indexed when a table has it (the static table first), and which enter the dynamic table as the
 * {@link IndexingPolicy} says; a field too large for the table is never added, since adding it would only empty
 * the table. Each string is Huffman-coded unless that would make it longer (on a tie Huffman is used, as in the
 * RFC's examples); an encoder made with {@code huffmanForUnindexed} false sends the strings of literals that do not
 * enter the dynamic table (which a request to APNs carries anew every time: the device token's {@code :path},
 * {@code apns-id}, {@code apns-expiration}) as raw octets, which RFC 7541 §5.2 leaves to the encoder: coding them
 * would cost both sides CPU on every request to save a few bytes each (Netty's encoder, for one, Huffman-codes no
 * string shorter than 512 bytes). The dynamic table is at most 4096 bytes (the default) and never larger than the
 * peer's SETTINGS_HEADER_TABLE_SIZE.
 *
 * <p>Encoding does not allocate once the sink has grown to its working size. Not thread-safe: one encoder
 * per connection, used by one thread at a time, in the order the blocks go on the wire.
 */
public final class HpackEncoder {
    private final IndexingPolicy policy;
    private final boolean huffman;
    private final boolean huffmanForUnindexed;
    private final EncoderTable table;
    /** Whether the next block must start with size updates, and the smallest size since the last block. */
    private boolean sizeUpdatePending;
    private int smallestSizeSinceLastBlock;

    /** An encoder with a 4096-byte dynamic table that indexes as {@code policy} says. */
    public HpackEncoder(IndexingPolicy policy) {
        this(policy, EncoderTable.MAX_SIZE, true, true);
    }

    /**
     * An encoder with a 4096-byte dynamic table that indexes as {@code policy} says and Huffman-codes the strings of
     * literals that do not enter the dynamic table only if {@code huffmanForUnindexed} (see the class comment).
     */
    public HpackEncoder(IndexingPolicy policy, boolean huffmanForUnindexed) {
        this(policy, EncoderTable.MAX_SIZE, true, huffmanForUnindexed);
    }

    /**
     * An encoder whose table starts at {@code tableSize} bytes (as if both sides had agreed on it from the start,
     * so no size update is sent) and which uses Huffman coding only if {@code huffman}; for reproducing the RFC's
     * examples.
     */
    HpackEncoder(IndexingPolicy policy, int tableSize, boolean huffman) {
        this(policy, tableSize, huffman, huffman);
    }

    private HpackEncoder(IndexingPolicy policy, int tableSize, boolean huffman, boolean huffmanForUnindexed) {
        if (policy == null) {
            throw new IllegalArgumentException("an encoder needs an indexing policy");
        }
        if (tableSize < 0 || tableSize > EncoderTable.MAX_SIZE) {
            throw new IllegalArgumentException("table size must be in 0.." + EncoderTable.MAX_SIZE + ", got " + tableSize);
        }
        this.policy = policy;
        this.huffman = huffman;
        this.huffmanForUnindexed = huffmanForUnindexed;
        this.table = new EncoderTable(tableSize);
    }

    /**
     * Applies the peer's SETTINGS_HEADER_TABLE_SIZE. The table shrinks to {@code min(4096, bytes)} at once
     * (evicting as needed), and the next header block starts with the dynamic table size update(s) RFC 7541
     * §4.2 requires (the smallest size since the last block, then the final size).
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public void setMaxTableSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("table size must not be negative, got " + bytes);
        }
        int newSize = Math.min(bytes, EncoderTable.MAX_SIZE);
        if (newSize == table.capacity()) {
            return;
        }
        if (!sizeUpdatePending) {
            sizeUpdatePending = true;
            smallestSizeSinceLastBlock = table.capacity();
        }
        smallestSizeSinceLastBlock = Math.min(smallestSizeSinceLastBlock, newSize);
        table.setCapacity(newSize);
    }

    /**
     * Appends the header block for {@code headers}, in order, to {@code out}.
     *
     * @throws IllegalArgumentException if a name or value has a character above 0xFF (HPACK carries octets)
     */
    public void encode(List<Header> headers, ByteSink out) {
        startBlock(out);
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header header = headers.get(i);
            encode(header.name(), header.value(), out);
        }
    }

    /**
     * Starts a header block in {@code out}: writes the dynamic table size updates that are due. Then each field is
     * written with {@link #encodeField}; together the same as {@link #encode(List, ByteSink)}, without a list.
     */
    public void startBlock(ByteSink out) {
        if (sizeUpdatePending) {
            int finalSize = table.capacity();
            if (smallestSizeSinceLastBlock < finalSize) {
                writeInteger(out, 0x20, 5, smallestSizeSinceLastBlock);
            }
            writeInteger(out, 0x20, 5, finalSize);
            sizeUpdatePending = false;
        }
    }

    /**
     * Appends the field {@code name: value} to the block {@link #startBlock} started. The name must be one a
     * {@link Header} accepts (lower-case octets, not empty).
     *
     * @throws IllegalArgumentException if the name or value has a character above 0xFF
     */
    public void encodeField(String name, String value, ByteSink out) {
        encode(name, value, out);
    }

    /** The current maximum size of the dynamic table, in bytes. */
    public int maxTableSize() {
        return table.capacity();
    }

    /** The size of the dynamic table's entries by RFC 7541 §4.1, in bytes. */
    public int tableSize() {
        return table.size();
    }

    private void encode(String name, String value, ByteSink out) {
        int[] staticRange = StaticTable.rangeOf(name);
        int staticIndex = staticRange == null ? 0 : StaticTable.indexIn(staticRange, value);
        if (staticIndex != 0) {
            writeInteger(out, 0x80, 7, staticIndex);
            return;
        }
        // The whole field can be in the dynamic table only if its name is: the name's lookup (a hash the name
        // string keeps) spares hashing the value of the fields that never enter it, such as :path.
        int dynamicNameIndex = table.indexOfName(name);
        int dynamicIndex = dynamicNameIndex == 0 ? 0 : table.indexOf(name, value);
        if (dynamicIndex != 0) {
            writeInteger(out, 0x80, 7, dynamicIndex);
            return;
        }
        int nameIndex = staticRange == null ? dynamicNameIndex : staticRange[0];
        Indexing indexing = policy.indexing(name, value);
        if (indexing == Indexing.INCREMENTAL && name.length() + value.length() + 32 > table.capacity()) {
            indexing = Indexing.WITHOUT_INDEXING;
        }
        switch (indexing) {
            case INCREMENTAL:
                writeInteger(out, 0x40, 6, nameIndex);
                break;
            case NEVER_INDEXED:
                writeInteger(out, 0x10, 4, nameIndex);
                break;
            case WITHOUT_INDEXING:
                writeInteger(out, 0x00, 4, nameIndex);
                break;
            default:
                throw new IllegalStateException("the indexing policy returned " + indexing);
        }
        boolean huffmanHere = huffman && (huffmanForUnindexed || indexing == Indexing.INCREMENTAL);
        if (nameIndex == 0) {
            writeString(out, name, huffmanHere);
        }
        writeString(out, value, huffmanHere);
        if (indexing == Indexing.INCREMENTAL) {
            table.add(name, value);
        }
    }

    /** Writes {@code value} with an N-bit prefix (RFC 7541 §5.1); {@code flags} are the bits above the prefix. */
    static void writeInteger(ByteSink out, int flags, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.put(flags | value);
            return;
        }
        out.put(flags | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.put((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.put(rest);
    }

    /** Writes a string literal (§5.2), Huffman-coded unless that is longer. */
    private static void writeString(ByteSink out, String s, boolean huffman) {
        int length = s.length();
        int huffmanLength = huffman ? Huffman.encodedLength(s) : octetsOrMinusOne(s);
        if (huffmanLength < 0) {
            throw notOctets(s);
        }
        if (huffman && huffmanLength <= length) {
            writeInteger(out, 0x80, 7, huffmanLength);
            out.ensureRoom(huffmanLength);
            Huffman.encode(s, out.array(), out.size());
            out.advance(huffmanLength);
        } else {
            writeInteger(out, 0x00, 7, length);
            out.ensureRoom(length);
            byte[] bytes = out.array();
            int at = out.size();
            for (int i = 0; i < length; i++) {
                bytes[at + i] = (byte) s.charAt(i);
            }
            out.advance(length);
        }
    }

    /** The length of {@code s}, or -1 if a character of it is above 0xFF. */
    private static int octetsOrMinusOne(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return -1;
            }
        }
        return s.length();
    }

    private static IllegalArgumentException notOctets(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return new IllegalArgumentException("character " + (int) s.charAt(i) + " at index " + i
                        + " of a header name or value is not an octet; HPACK carries ISO-8859-1 octets only");
            }
        }
        throw new IllegalStateException("no character above 0xFF in a string reported to have one");
    }
}
