package dev.apns.internal.h2.hpack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes HPACK header blocks (RFC 7541) for one connection's receiving direction, enforcing our limits:
 * the dynamic table size we advertise, and the header list size (RFC 9113 §6.5.2: name, value and 32 bytes per
 * field). Any input is decoded or rejected with an {@link HpackException} in time linear in its length and
 * memory bounded by its length and the limits.
 *
 * <p>Field names must be valid for HTTP/2 (RFC 9113 §8.2.1: no upper-case letters, no octets 0x00-0x20 or
 * 0x7F-0xFF, a colon only first, not empty). A block with a malformed name, or whose header list is larger than
 * the limit, is still decoded to its end, so that the dynamic table stays in step with the peer; it then fails
 * with a stream error ({@link HpackException#isStreamError()}). Decoded headers are kept only up to the limit.
 *
 * <p>After an exception whose {@link HpackException#isStreamError()} is false the decoder is out of step with
 * the peer and refuses further blocks. Not thread-safe: one decoder per connection, fed the blocks in the order
 * they arrived.
 */
public final class HpackDecoder {
    /** An integer may have at most this many continuation bytes (enough for 2^31 - 1 after any prefix). */
    private static final int MAX_CONTINUATION_BYTES = 5;

    private final int maxHeaderListSize;
    private final DecoderTable table;
    private int maxTableSize;
    private boolean failed;
    private byte[] scratch = new byte[64];
    /**
     * Well-formed names that came as raw literals lately (a server that never indexes a field sends its name in every
     * response: {@code apns-id}, {@code apns-unique-id}), so that the same bytes again need no new string or check.
     */
    private final String[] literalNames = new String[4];
    private int nextLiteralName;

    // The block being decoded: bytes [start, limit) of block; offsets in messages count from start.
    private ByteBuffer block;
    private int start;
    private int position;
    private int limit;

    /**
     * A decoder whose dynamic table may hold {@code maxTableSize} bytes (the SETTINGS_HEADER_TABLE_SIZE we
     * advertise, 4096 by default) and which rejects header lists larger than {@code maxHeaderListSize}. The
     * peer's table is taken to start at {@code maxTableSize}.
     *
     * @throws IllegalArgumentException if either is negative
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
        if (maxTableSize < 0 || maxHeaderListSize < 0) {
            throw new IllegalArgumentException("table size and header list size must not be negative, got "
                    + maxTableSize + " and " + maxHeaderListSize);
        }
        this.maxTableSize = maxTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
        this.table = new DecoderTable(maxTableSize);
    }

    /**
     * Changes the table size limit when our SETTINGS_HEADER_TABLE_SIZE changes: call it for an increase when the
     * SETTINGS frame is sent, and for a decrease when the peer acknowledges it (until then the peer may still use
     * the old size). If the peer's table is then larger than the new limit, its next block must start with a
     * dynamic table size update at or below the limit (RFC 7541 §4.2), or decoding fails.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public void setMaxTableSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("table size must not be negative, got " + bytes);
        }
        maxTableSize = bytes;
    }

    /**
     * Decodes one complete header block (HEADERS plus any CONTINUATION fragments, concatenated), consuming the
     * buffer's remaining bytes. Offsets in exceptions count from the buffer's position at the call.
     *
     * @return the header list, in the block's order
     * @throws HpackException if the block is malformed or breaks a limit
     */
    public List<Header> decode(ByteBuffer block) throws HpackException {
        if (failed) {
            throw new HpackException("the decoder failed on an earlier block and is out of step with the peer", 0,
                    false);
        }
        this.block = block;
        this.start = block.position();
        this.position = start;
        this.limit = block.limit();
        block.position(limit);
        try {
            return decodeFields();
        } catch (HpackException e) {
            failed = !e.isStreamError();
            throw e;
        } finally {
            this.block = null;
        }
    }

    /** The current size limit of the dynamic table, in bytes. */
    public int maxTableSize() {
        return maxTableSize;
    }

    /** The largest header list accepted, in bytes by RFC 9113 §6.5.2. */
    public int maxHeaderListSize() {
        return maxHeaderListSize;
    }

    /** The size of the dynamic table's entries by RFC 7541 §4.1, in bytes. */
    public int tableSize() {
        return table.size();
    }

    /** The capacity the peer last set for its table (at most {@link #maxTableSize()} once a block started). */
    int tableCapacity() {
        return table.capacity();
    }

    /** The number of entries in the dynamic table. */
    int tableLength() {
        return table.length();
    }

    /** The entry at dynamic index {@code index} (1 is the newest), for tests. */
    String[] tableEntry(int index) {
        return new String[] {table.name(index), table.value(index)};
    }

    private List<Header> decodeFields() throws HpackException {
        List<Header> headers = new ArrayList<>();
        long listSize = 0;
        String streamFailure = null;
        int streamFailureOffset = 0;
        boolean atStart = true;
        while (position < limit) {
            int fieldStart = position;
            int first = block.get(position) & 0xFF;
            if ((first & 0xE0) == 0x20) {
                if (!atStart) {
                    throw error("dynamic table size update after a header field; it must start the block",
                            fieldStart);
                }
                int size = readInteger(5);
                if (size > maxTableSize) {
                    throw error("dynamic table size update to " + size + " bytes is above our limit of "
                            + maxTableSize, fieldStart);
                }
                table.setCapacity(size);
                continue;
            }
            if (atStart && table.capacity() > maxTableSize) {
                throw error("the block must start with a dynamic table size update to at most " + maxTableSize
                        + " bytes (our limit went down from " + table.capacity() + ")", fieldStart);
            }
            atStart = false;
            String name;
            String value;
            Header header;
            if ((first & 0x80) != 0) {
                int index = readInteger(7);
                if (index == 0) {
                    throw error("indexed header field with index 0", fieldStart);
                }
                checkIndex(index, fieldStart);
                header = index <= StaticTable.LENGTH ? StaticTable.get(index) : table.header(index - StaticTable.LENGTH);
                name = header != null ? header.name() : table.name(index - StaticTable.LENGTH);
                value = header != null ? header.value() : table.value(index - StaticTable.LENGTH);
            } else {
                boolean incremental = (first & 0x40) != 0;
                int nameIndex = readInteger(incremental ? 6 : 4);
                String malformed;
                if (nameIndex == 0) {
                    int nameOffset = position;
                    name = knownLiteralName();
                    if (name != null) {
                        malformed = null;
                    } else {
                        name = readString();
                        malformed = malformedName(name);
                        if (malformed == null) {
                            rememberLiteralName(name);
                        }
                    }
                    if (malformed != null && streamFailure == null) {
                        streamFailure = malformed;
                        streamFailureOffset = nameOffset;
                    }
                } else {
                    checkIndex(nameIndex, fieldStart);
                    if (nameIndex <= StaticTable.LENGTH) {
                        name = StaticTable.get(nameIndex).name();
                        malformed = null;
                    } else {
                        // A dynamic entry has a header exactly when its name is well-formed.
                        int dynamicIndex = nameIndex - StaticTable.LENGTH;
                        name = table.name(dynamicIndex);
                        malformed = table.header(dynamicIndex) == null ? malformedName(name) : null;
                    }
                }
                value = readString();
                header = malformed == null ? new Header(name, value) : null;
                if (incremental) {
                    table.add(name, value, header);
                }
            }
            if (header == null) {
                if (streamFailure == null) {
                    streamFailure = malformedName(name);
                    streamFailureOffset = fieldStart;
                }
                continue;
            }
            listSize += name.length() + value.length() + 32L;
            if (listSize > maxHeaderListSize && streamFailure == null) {
                streamFailure = "the header list is larger than the limit of " + maxHeaderListSize + " bytes";
                streamFailureOffset = fieldStart;
            }
            if (streamFailure == null) {
                headers.add(header);
            }
        }
        if (atStart && table.capacity() > maxTableSize) {
            throw error("the block must start with a dynamic table size update to at most " + maxTableSize
                    + " bytes (our limit went down from " + table.capacity() + ")", position);
        }
        if (streamFailure != null) {
            throw new HpackException(streamFailure, streamFailureOffset - start, true);
        }
        return headers;
    }

    private void checkIndex(int index, int fieldStart) throws HpackException {
        if (index > StaticTable.LENGTH + table.length()) {
            throw error("index " + index + " is beyond the static table (61 entries) and the dynamic table ("
                    + table.length() + " entries)", fieldStart);
        }
    }

    /**
     * If the string literal at the current position is raw and spells a name in {@link #literalNames}, moves past it
     * and returns that name; otherwise returns null and stays.
     */
    private String knownLiteralName() {
        if (position >= limit) {
            return null;
        }
        int first = block.get(position) & 0xFF;
        int length = first & 0x7F;
        if ((first & 0x80) != 0 || length == 0x7F || length > limit - position - 1) {
            return null; // Huffman-coded, long, or cut short: the ordinary path reads (or rejects) it
        }
        int at = position + 1;
        for (String name : literalNames) {
            if (name == null || name.length() != length) {
                continue;
            }
            int i = 0;
            while (i < length && (block.get(at + i) & 0xFF) == name.charAt(i)) {
                i++;
            }
            if (i == length) {
                position = at + length;
                return name;
            }
        }
        return null;
    }

    private void rememberLiteralName(String name) {
        literalNames[nextLiteralName] = name;
        nextLiteralName = (nextLiteralName + 1) % literalNames.length;
    }

    /** Why {@code name} is not a valid HTTP/2 field name (RFC 9113 §8.2.1), or null if it is. */
    private static String malformedName(String name) {
        if (name.isEmpty()) {
            return "empty header name";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return "header name with upper-case character '" + c + "' at index " + i;
            }
            if (c <= 0x20 || c >= 0x7F) {
                return "header name with character 0x" + Integer.toHexString(c) + " at index " + i;
            }
            if (c == ':' && i > 0) {
                return "header name with a colon at index " + i + " (only pseudo-header names start with one)";
            }
        }
        return null;
    }

    /** Reads an integer with an N-bit prefix (RFC 7541 §5.1) starting at the current byte. */
    private int readInteger(int prefixBits) throws HpackException {
        int integerStart = position;
        int max = (1 << prefixBits) - 1;
        int value = block.get(position++) & max;
        if (value < max) {
            return value;
        }
        long total = value;
        for (int i = 0; ; i++) {
            if (i == MAX_CONTINUATION_BYTES) {
                throw error("integer has more than " + MAX_CONTINUATION_BYTES + " continuation bytes", integerStart);
            }
            if (position >= limit) {
                throw error("the block ends inside an integer", integerStart);
            }
            int b = block.get(position++) & 0xFF;
            total += (long) (b & 0x7F) << (7 * i);
            if (total > Integer.MAX_VALUE) {
                throw error("integer is larger than 2^31 - 1", integerStart);
            }
            if ((b & 0x80) == 0) {
                return (int) total;
            }
        }
    }

    /** Reads a string literal (RFC 7541 §5.2) as ISO-8859-1 octets. */
    private String readString() throws HpackException {
        if (position >= limit) {
            throw error("the block ends where a string literal should start", position);
        }
        int stringStart = position;
        boolean huffman = (block.get(position) & 0x80) != 0;
        int length = readInteger(7);
        if (length > limit - position) {
            throw error("string literal of " + length + " bytes is longer than the " + (limit - position)
                    + " bytes left in the block", stringStart);
        }
        byte[] source;
        int sourceOffset;
        if (block.hasArray()) {
            source = block.array();
            sourceOffset = block.arrayOffset() + position;
        } else {
            ensureScratch(length);
            block.get(position, scratch, 0, length);
            source = scratch;
            sourceOffset = 0;
        }
        int dataOffset = position;
        position += length;
        if (!huffman) {
            return new String(source, sourceOffset, length, StandardCharsets.ISO_8859_1);
        }
        int maxDecoded = Huffman.maxDecodedLength(length);
        byte[] decoded;
        if (source == scratch) {
            decoded = new byte[maxDecoded];
        } else {
            ensureScratch(maxDecoded);
            decoded = scratch;
        }
        int decodedLength = Huffman.decode(source, sourceOffset, length, decoded, dataOffset - start);
        return new String(decoded, 0, decodedLength, StandardCharsets.ISO_8859_1);
    }

    private void ensureScratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
    }

    private HpackException error(String reason, int absoluteOffset) {
        return new HpackException(reason, absoluteOffset - start, false);
    }
}
