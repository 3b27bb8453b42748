package dev.apns.internal.h2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The open streams by id: an open-addressing hash table with linear probing, so lookups by {@code int} id neither box
 * nor allocate. Grows at half load; removal shifts later entries back (no tombstones). Not thread-safe.
 */
final class StreamTable {

    private int[] ids = new int[64];
    private Http2Stream[] streams = new Http2Stream[64];
    private int size;

    /** The number of streams. */
    int size() {
        return size;
    }

    /** The stream with this id, or {@code null}. */
    Http2Stream get(int id) {
        int mask = ids.length - 1;
        for (int i = slot(id, mask); ; i = (i + 1) & mask) {
            int at = ids[i];
            if (at == id) {
                return streams[i];
            }
            if (at == 0) {
                return null;
            }
        }
    }

    /** Adds a stream whose id (positive) is not in the table. */
    void put(Http2Stream stream) {
        if ((size + 1) * 2 > ids.length) {
            grow();
        }
        insert(stream);
        size++;
    }

    /** Removes the stream with this id, if present. */
    void remove(int id) {
        int mask = ids.length - 1;
        int i = slot(id, mask);
        while (ids[i] != id) {
            if (ids[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: move each following entry of the run into the gap if its home allows it.
        int gap = i;
        for (int j = (gap + 1) & mask; ids[j] != 0; j = (j + 1) & mask) {
            int home = slot(ids[j], mask);
            boolean movable = gap <= j ? home <= gap || home > j : home <= gap && home > j;
            if (movable) {
                ids[gap] = ids[j];
                streams[gap] = streams[j];
                gap = j;
            }
        }
        ids[gap] = 0;
        streams[gap] = null;
        size--;
    }

    /** The streams in increasing id order (a new list). */
    List<Http2Stream> sorted() {
        List<Http2Stream> all = new ArrayList<>(size);
        for (Http2Stream s : streams) {
            if (s != null) {
                all.add(s);
            }
        }
        all.sort((a, b) -> Integer.compare(a.id, b.id));
        return all;
    }

    /** Removes every stream. */
    void clear() {
        Arrays.fill(ids, 0);
        Arrays.fill(streams, null);
        size = 0;
    }

    private void insert(Http2Stream stream) {
        int mask = ids.length - 1;
        int i = slot(stream.id, mask);
        while (ids[i] != 0) {
            i = (i + 1) & mask;
        }
        ids[i] = stream.id;
        streams[i] = stream;
    }

    private void grow() {
        Http2Stream[] old = streams;
        ids = new int[ids.length * 2];
        streams = new Http2Stream[ids.length];
        for (Http2Stream s : old) {
            if (s != null) {
                insert(s);
            }
        }
    }

    private static int slot(int id, int mask) {
        // Client stream ids are odd and consecutive: drop the constant low bit, then mix.
        int h = (id >>> 1) * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
