package dev.apns.internal.h2;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's two hand-made containers against the JDK's: the stream table and the output buffer. */
class StreamTableAndWriterTest {

    @Test
    void streamTableAgreesWithAHashMapUnderRandomPutsAndRemoves() {
        SplittableRandom random = new SplittableRandom(7);
        StreamTable table = new StreamTable();
        Map<Integer, Http2Stream> expected = new HashMap<>();
        int nextId = 1;
        for (int step = 0; step < 50_000; step++) {
            if (random.nextInt(100) < 52 || expected.isEmpty()) {
                Http2Stream s = new Http2Stream(nextId, null, ByteBuffer.allocate(0), 1, 1);
                table.put(s);
                expected.put(nextId, s);
                nextId += 2;
            } else {
                // Remove an old or a recent stream, or one that is not there.
                int id = 1 + 2 * random.nextInt((nextId + 1) / 2);
                table.remove(id);
                expected.remove(id);
            }
            if (step % 2500 == 0) {
                for (int id = 1; id < nextId; id += 2) {
                    if (table.get(id) != expected.get(id)) {
                        throw new AssertionError("stream " + id + " differs at step " + step);
                    }
                }
            }
            if (table.size() != expected.size()) {
                throw new AssertionError("size " + table.size() + " instead of " + expected.size() + " at step " + step);
            }
        }
        List<Http2Stream> sorted = table.sorted();
        assertThat(sorted).extracting(s -> s.id).isSorted().hasSize(expected.size());
        table.clear();
        assertThat(table.size()).isZero();
        assertThat(table.get(1)).isNull();
    }

    @Test
    void writerKeepsTheByteStreamWhateverTheDrainPattern() {
        SplittableRandom random = new SplittableRandom(11);
        FrameWriter writer = new FrameWriter();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteArrayOutputStream produced = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(70_000);
        for (int step = 0; step < 2_000; step++) {
            int length = random.nextInt(4) == 0 ? random.nextInt(20_000) : random.nextInt(100);
            byte[] data = new byte[length];
            random.nextBytes(data);
            writer.data(step, ByteBuffer.wrap(data), 0, length, false);
            expected.write(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, 0, 0,
                    (byte) (step >>> 24), (byte) (step >>> 16), (byte) (step >>> 8), (byte) step}, 0, 9);
            expected.write(data, 0, length);
            chunk.clear().limit(random.nextInt(chunk.capacity()));
            writer.produce(chunk);
            produced.write(chunk.array(), 0, chunk.position());
        }
        while (writer.size() > 0) {
            chunk.clear();
            writer.produce(chunk);
            produced.write(chunk.array(), 0, chunk.position());
        }
        assertThat(produced.toByteArray()).isEqualTo(expected.toByteArray());
    }
}
