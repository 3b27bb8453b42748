package dev.apns.internal.h2.hpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the decoder: random bytes, and mutations of valid blocks decoded on a table that holds the
 * entries the block refers to. Fails on any exception other than {@link HpackException}, on an exception whose
 * offset is outside the block, on a result that breaks the limits, and on a decode that takes more than 100 ms
 * three times in a row. Bounded in count and in time.
 */
class HpackDecoderFuzzTest {
    private static final int INPUTS = 10_000;
    private static final long TIME_BOUND_NANOS = 8_000_000_000L;
    private static final long SLOW_NANOS = 100_000_000L;
    private static final int MAX_LIST = 4000;

    @Test
    void randomBytesOnlyEverCauseHpackException() {
        SplittableRandom random = new SplittableRandom(0x5eed_0001L);
        long deadline = System.nanoTime() + TIME_BOUND_NANOS;
        HpackDecoder decoder = new HpackDecoder(4096, MAX_LIST);
        for (int i = 0; i < INPUTS && System.nanoTime() < deadline; i++) {
            int length = random.nextInt(20) == 0 ? random.nextInt(1000, 70_000) : random.nextInt(0, 200);
            byte[] input = new byte[length];
            random.nextBytes(input);
            if (length > 0 && random.nextBoolean()) {
                // Steer towards literal representations with short strings, which random bytes rarely form.
                input[0] = (byte) (random.nextBoolean() ? 0x40 : 0x00);
                if (length > 1) {
                    input[1] = (byte) random.nextInt(0, 24);
                }
            }
            if (!check(decoder, input, "random input " + i)) {
                decoder = random.nextInt(4) == 0 ? new HpackDecoder(random.nextInt(0, 8192), random.nextInt(0, 9000))
                        : new HpackDecoder(4096, MAX_LIST);
            }
        }
    }

    @Test
    void mutatedValidBlocksOnlyEverCauseHpackException() {
        SplittableRandom random = new SplittableRandom(0x5eed_0002L);
        RandomHeaders headers = new RandomHeaders(0x5eed_0003L);
        long deadline = System.nanoTime() + TIME_BOUND_NANOS;
        int inputs = 0;
        while (inputs < INPUTS && System.nanoTime() < deadline) {
            // A short connection: valid blocks from our encoder, each also decoded in mutated forms.
            HpackEncoder encoder = new HpackEncoder((name, value) -> Indexing.values()[random.nextInt(3)]);
            List<byte[]> blocks = new ArrayList<>();
            int length = random.nextInt(1, 8);
            for (int b = 0; b < length; b++) {
                if (random.nextInt(6) == 0) {
                    encoder.setMaxTableSize(RandomHeaders.TABLE_SIZES[random.nextInt(RandomHeaders.TABLE_SIZES.length)]);
                }
                ByteSink sink = new ByteSink();
                encoder.encode(headers.next(true), sink);
                blocks.add(sink.toByteArray());
            }
            for (int m = 0; m < 8 && inputs < INPUTS; m++, inputs++) {
                int target = random.nextInt(blocks.size());
                HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
                for (int b = 0; b < target; b++) {
                    check(decoder, blocks.get(b), "valid block " + b);
                }
                byte[] mutated = mutate(random, blocks.get(target));
                check(decoder, mutated, "mutation " + inputs + " of block " + target);
            }
        }
    }

    private static byte[] mutate(SplittableRandom random, byte[] block) {
        byte[] out = block.clone();
        int mutations = random.nextInt(1, 5);
        for (int i = 0; i < mutations; i++) {
            if (out.length == 0) {
                out = new byte[] {(byte) random.nextInt(256)};
                continue;
            }
            int at = random.nextInt(out.length);
            switch (random.nextInt(7)) {
                case 0:
                    out[at] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 1:
                    out[at] = (byte) random.nextInt(256);
                    break;
                case 2:
                    out = Arrays.copyOf(out, at);
                    break;
                case 3: {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                    break;
                }
                case 4: {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                    break;
                }
                case 5:
                    out[at] = (byte) new int[] {0x00, 0x0f, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xff}[random.nextInt(10)];
                    break;
                default: {
                    int from = random.nextInt(out.length);
                    int count = Math.min(random.nextInt(1, 64), out.length - from);
                    byte[] repeated = new byte[out.length + count];
                    System.arraycopy(out, 0, repeated, 0, at);
                    System.arraycopy(out, from, repeated, at, count);
                    System.arraycopy(out, at, repeated, at + count, out.length - at);
                    out = repeated;
                    break;
                }
            }
        }
        return out;
    }

    /** Decodes {@code input}; returns false if it was rejected with a connection error (the decoder is spent). */
    private static boolean check(HpackDecoder decoder, byte[] input, String what) {
        for (int attempt = 0; ; attempt++) {
            long start = System.nanoTime();
            boolean usable;
            try {
                List<Header> headers = decoder.decode(ByteBuffer.wrap(input));
                long size = 0;
                for (Header header : headers) {
                    size += header.size();
                    assertThat(header.name()).as(what).doesNotContainPattern("[A-Z\\x00-\\x20\\x7f-\\xff]");
                }
                assertThat(size).as(what).isLessThanOrEqualTo(decoderLimit(decoder));
                assertThat(decoder.tableSize()).as(what).isLessThanOrEqualTo(decoder.maxTableSize());
                usable = true;
            } catch (HpackException e) {
                assertThat(e.offset()).as(what + ": " + e.getMessage()).isBetween(0, Math.max(0, input.length));
                usable = e.isStreamError();
            } catch (RuntimeException | Error e) {
                throw new AssertionError(what + " (" + Hex.of(input.length > 256 ? Arrays.copyOf(input, 256) : input)
                        + ") caused " + e, e);
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed <= SLOW_NANOS) {
                return usable;
            }
            if (attempt == 2) {
                fail(what + " took " + elapsed / 1_000_000 + " ms to decode, three times in a row");
            }
            // A pause (GC, a busy machine) is not the decoder's fault: try once more; a stateful retry is
            // only sound on a decoder whose table the first attempt did not change, so start a fresh one.
            decoder = new HpackDecoder(decoder.maxTableSize(), decoderLimit(decoder));
        }
    }

    private static int decoderLimit(HpackDecoder decoder) {
        return decoder.maxHeaderListSize();
    }
}
