package dev.apns.internal.h2.hpack;

/**
 * The decoder's dynamic table (RFC 7541 §2.3.2, §4): a growable ring of entries with size accounting and
 * eviction. An entry keeps its name and value, and the {@link Header} handed out for it, or null when the name is
 * malformed for HTTP/2 (the entry still counts, so that indices stay in step with the peer).
 */
final class DecoderTable {
    private String[] names = new String[8];
    private String[] values = new String[8];
    private Header[] headers = new Header[8];
    /** Slot of the oldest entry. */
    private int first;
    private int count;
    private int size;
    private int capacity;

    DecoderTable(int capacity) {
        this.capacity = capacity;
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    int length() {
        return count;
    }

    /** Changes the capacity, evicting the oldest entries until they fit. */
    void setCapacity(int capacity) {
        this.capacity = capacity;
        evictUntil(capacity);
    }

    /** The name of the entry with dynamic index {@code index} (1 is the newest), which must be in {@code 1..length()}. */
    String name(int index) {
        return names[slot(index)];
    }

    /** The value of the entry with dynamic index {@code index}. */
    String value(int index) {
        return values[slot(index)];
    }

    /** The header of the entry with dynamic index {@code index}, or null if its name is malformed. */
    Header header(int index) {
        return headers[slot(index)];
    }

    /**
     * Adds an entry as the newest, evicting old ones to make room (§4.4); an entry larger than the capacity
     * empties the table and is not added.
     */
    void add(String name, String value, Header header) {
        int entrySize = name.length() + value.length() + 32;
        if (entrySize > capacity) {
            evictUntil(0);
            return;
        }
        evictUntil(capacity - entrySize);
        if (count == names.length) {
            grow();
        }
        int slot = (first + count) % names.length;
        names[slot] = name;
        values[slot] = value;
        headers[slot] = header;
        count++;
        size += entrySize;
    }

    private int slot(int index) {
        return (first + count - index) % names.length;
    }

    private void evictUntil(int maxSize) {
        while (size > maxSize) {
            size -= names[first].length() + values[first].length() + 32;
            names[first] = null;
            values[first] = null;
            headers[first] = null;
            first = (first + 1) % names.length;
            count--;
        }
    }

    /** Doubles the ring; the capacity bounds it at capacity / 32 entries. */
    private void grow() {
        int length = names.length;
        String[] newNames = new String[length * 2];
        String[] newValues = new String[length * 2];
        Header[] newHeaders = new Header[length * 2];
        for (int i = 0; i < count; i++) {
            int from = (first + i) % length;
            newNames[i] = names[from];
            newValues[i] = values[from];
            newHeaders[i] = headers[from];
        }
        names = newNames;
        values = newValues;
        headers = newHeaders;
        first = 0;
    }
}
