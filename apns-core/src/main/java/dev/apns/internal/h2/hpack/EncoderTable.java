package dev.apns.internal.h2.hpack;

import java.util.Arrays;

/**
 * The encoder's dynamic table (RFC 7541 §2.3.2, §4): a ring of at most {@link #MAX_ENTRIES} entries with size
 * accounting and eviction, and two hash indexes (by name and value, and by name) so that finding an entry does
 * not scan the table or allocate.
 *
 * <p>Entries are numbered by insertion: entry {@code seq} lives in slot {@code seq % MAX_ENTRIES}, and its
 * HPACK index is {@code 61 + inserted - seq}. Hash chains link slots newest first, so the oldest entry, the one
 * eviction removes, is last in its chains.
 */
final class EncoderTable {
    /** The encoder never uses more than 4096 bytes, and every entry takes at least 32. */
    static final int MAX_SIZE = 4096;
    static final int MAX_ENTRIES = MAX_SIZE / 32;
    private static final int BUCKETS = 256;
    private static final int NONE = -1;

    private final String[] names = new String[MAX_ENTRIES];
    private final String[] values = new String[MAX_ENTRIES];
    private final int[] nextByPair = new int[MAX_ENTRIES];
    private final int[] nextByName = new int[MAX_ENTRIES];
    private final int[] pairHeads = new int[BUCKETS];
    private final int[] nameHeads = new int[BUCKETS];
    private long inserted;
    private int count;
    private int size;
    private int capacity;

    EncoderTable(int capacity) {
        Arrays.fill(pairHeads, NONE);
        Arrays.fill(nameHeads, NONE);
        this.capacity = capacity;
    }

    /** The sum of the entries' sizes. */
    int size() {
        return size;
    }

    /** The largest size the table may reach. */
    int capacity() {
        return capacity;
    }

    /** Changes the capacity (at most {@link #MAX_SIZE}), evicting the oldest entries until they fit. */
    void setCapacity(int capacity) {
        this.capacity = capacity;
        evictUntil(capacity);
    }

    /** The HPACK index of the newest entry {@code name: value}, or 0 if there is none. */
    int indexOf(String name, String value) {
        for (int slot = pairHeads[pairBucket(name, value)]; slot != NONE; slot = nextByPair[slot]) {
            if (names[slot].equals(name) && values[slot].equals(value)) {
                return indexOfSlot(slot);
            }
        }
        return 0;
    }

    /** The HPACK index of the newest entry named {@code name}, or 0 if there is none. */
    int indexOfName(String name) {
        for (int slot = nameHeads[nameBucket(name)]; slot != NONE; slot = nextByName[slot]) {
            if (names[slot].equals(name)) {
                return indexOfSlot(slot);
            }
        }
        return 0;
    }

    /**
     * Adds {@code name: value} as the newest entry, evicting old ones to make room (§4.4). An entry larger than
     * the capacity empties the table and is not added.
     */
    void add(String name, String value) {
        int entrySize = name.length() + value.length() + 32;
        if (entrySize > capacity) {
            evictUntil(0);
            return;
        }
        evictUntil(capacity - entrySize);
        int slot = (int) (inserted % MAX_ENTRIES);
        inserted++;
        count++;
        size += entrySize;
        names[slot] = name;
        values[slot] = value;
        int pairBucket = pairBucket(name, value);
        nextByPair[slot] = pairHeads[pairBucket];
        pairHeads[pairBucket] = slot;
        int nameBucket = nameBucket(name);
        nextByName[slot] = nameHeads[nameBucket];
        nameHeads[nameBucket] = slot;
    }

    private int indexOfSlot(int slot) {
        int newest = (int) ((inserted - 1) % MAX_ENTRIES);
        int age = Math.floorMod(newest - slot, MAX_ENTRIES);
        return StaticTable.LENGTH + 1 + age;
    }

    private void evictUntil(int maxSize) {
        while (size > maxSize) {
            int slot = (int) ((inserted - count) % MAX_ENTRIES);
            String name = names[slot];
            String value = values[slot];
            pairHeads[pairBucket(name, value)] = unlink(pairHeads[pairBucket(name, value)], slot, nextByPair);
            nameHeads[nameBucket(name)] = unlink(nameHeads[nameBucket(name)], slot, nextByName);
            size -= name.length() + value.length() + 32;
            names[slot] = null;
            values[slot] = null;
            count--;
        }
    }

    /** Removes {@code slot} from the chain starting at {@code head}; returns the chain's new head. */
    private static int unlink(int head, int slot, int[] next) {
        if (head == slot) {
            return next[slot];
        }
        for (int s = head; s != NONE; s = next[s]) {
            if (next[s] == slot) {
                next[s] = next[slot];
                break;
            }
        }
        return head;
    }

    private static int pairBucket(String name, String value) {
        int h = name.hashCode() * 31 + value.hashCode();
        return (h ^ (h >>> 16)) & (BUCKETS - 1);
    }

    private static int nameBucket(String name) {
        int h = name.hashCode();
        return (h ^ (h >>> 16)) & (BUCKETS - 1);
    }
}
