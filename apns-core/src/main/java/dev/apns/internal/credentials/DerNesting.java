package dev.apns.internal.credentials;

/**
 * Bounds how deeply DER (or BER) nests before it is handed to the JDK's parsers, whose descent is recursive:
 * a crafted certificate, key or PKCS#12 store nested thousands deep would otherwise overflow the stack of the
 * thread that reads it. Checked up front rather than by catching {@link StackOverflowError}, because where the
 * stack ends depends on the calling thread (a legitimate file could fail on a small-stack thread and a hostile
 * one pass on a large one), and an error thrown deep inside the JDK may leave its caches half-updated.
 *
 * <p>The walk is iterative over the outer structure and looks into the content of OCTET STRINGs and BIT
 * STRINGs that are themselves DER (certificate extensions, PKCS#12 bags), where the JDK parses again. Real
 * material nests about ten deep; {@link #MAX_DEPTH} leaves ample room. Work is linear in the input for each
 * level of encapsulation, and encapsulation counts toward the depth, so the walk is bounded by
 * {@code MAX_DEPTH} times the input length.
 */
final class DerNesting {
    /** The deepest nesting accepted, counting encapsulated DER. */
    static final int MAX_DEPTH = 64;

    private static final int OCTET_STRING = 0x04;
    private static final int BIT_STRING = 0x03;

    private DerNesting() {
    }

    /**
     * Null when {@code der} nests at most {@link #MAX_DEPTH} deep (or is not DER at all: the JDK then says what is
     * wrong with it); otherwise a sentence saying how deep it goes.
     */
    static String tooDeep(byte[] der) {
        return walk(der, 0, der.length, 0) ? null
                : "it nests more than " + MAX_DEPTH + " levels deep, which no certificate or key does";
    }

    /** False when the elements in {@code [from, to)} nest deeper than allowed below {@code depth}. */
    private static boolean walk(byte[] data, int from, int to, int depth) {
        // An explicit stack of the ends of the open constructed elements; -1 marks an indefinite length.
        int[] ends = new int[MAX_DEPTH + 1];
        int open = 0;
        int position = from;
        while (position < to) {
            while (open > 0 && ends[open - 1] >= 0 && position >= ends[open - 1]) {
                open--; // definite-length elements that are complete
            }
            if (position + 1 < to && data[position] == 0 && data[position + 1] == 0 && open > 0 && ends[open - 1] < 0) {
                open--; // end-of-contents of an indefinite-length element
                position += 2;
                continue;
            }
            int tag = data[position] & 0xFF;
            position++;
            if ((tag & 0x1F) == 0x1F) { // high tag number: skip its continuation bytes
                int guard = 0;
                while (position < to && (data[position] & 0x80) != 0 && guard++ < 8) {
                    position++;
                }
                position++;
            }
            if (position >= to) {
                return true; // truncated: not ours to judge
            }
            int first = data[position++] & 0xFF;
            int length;
            if (first < 0x80) {
                length = first;
            } else if (first == 0x80) {
                length = -1;
            } else {
                int bytes = first & 0x7F;
                if (bytes > 4 || position + bytes > to) {
                    return true; // a length no parser will accept: the JDK refuses it itself
                }
                long value = 0;
                for (int i = 0; i < bytes; i++) {
                    value = (value << 8) | (data[position++] & 0xFF);
                }
                if (value > to - position) {
                    return true;
                }
                length = (int) value;
            }
            boolean constructed = (tag & 0x20) != 0;
            if (constructed) {
                if (depth + open + 1 > MAX_DEPTH) {
                    return false;
                }
                ends[open++] = length < 0 ? -1 : position + length;
                continue;
            }
            if (length < 0) {
                return true; // a primitive element cannot have an indefinite length: malformed, not deep
            }
            int tagNumber = tag & 0x1F;
            if ((tag & 0xC0) == 0 && (tagNumber == OCTET_STRING || tagNumber == BIT_STRING) && length > 2) {
                int start = tagNumber == BIT_STRING ? position + 1 : position;
                if ((data[start] & 0x20) != 0 && !walk(data, start, position + length, depth + open + 1)) {
                    return false; // encapsulated DER, parsed again by the JDK
                }
            }
            position += length;
        }
        return true;
    }
}
