package dev.apns.protocol.binary;

import dev.apns.DeviceToken;
import dev.apns.FeedbackEntry;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FeedbackDecoderTest {
    private static final String TOKEN = "aa".repeat(32);

    @Test
    void decodesATupleWithAnUnsignedTime() {
        List<FeedbackEntry> entries = new ArrayList<>();
        new FeedbackDecoder(entries::add).decode(ByteBuffer.wrap(HexFormat.of().parseHex("f0000000" + "0020" + TOKEN)));
        assertThat(entries).containsExactly(new FeedbackEntry(DeviceToken.fromHex(TOKEN), Instant.ofEpochSecond(0xF0000000L)));
    }

    @Test
    void reassemblesTuplesSplitAtEveryByte() {
        ByteBuffer stream = ByteBuffer.allocate(3 * 38);
        for (int i = 0; i < 3; i++) {
            FeedbackEncoder.writeTuple(stream, 1_700_000_000L + i, DeviceToken.fromHex(String.format("%064x", i)).toBytes());
        }
        byte[] bytes = stream.array();
        List<FeedbackEntry> entries = new ArrayList<>();
        FeedbackDecoder decoder = new FeedbackDecoder(entries::add);
        for (byte b : bytes) {
            decoder.decode(ByteBuffer.wrap(new byte[] {b}));
        }
        assertThat(entries).hasSize(3);
        assertThat(entries.get(2).time()).isEqualTo(Instant.ofEpochSecond(1_700_000_002L));
        assertThat(entries.get(1).token().toHex()).isEqualTo(String.format("%064x", 1));
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void countsThePartialTupleLeftAtTheEnd() {
        List<FeedbackEntry> entries = new ArrayList<>();
        FeedbackDecoder decoder = new FeedbackDecoder(entries::add);
        decoder.decode(ByteBuffer.wrap(HexFormat.of().parseHex("00000001" + "0020" + TOKEN + "0000000200")));
        assertThat(entries).hasSize(1);
        assertThat(decoder.pendingBytes()).isEqualTo(5);
    }

    @Test
    void aZeroLengthTokenIsReportedAndDecodingGoesOn() {
        List<FeedbackEntry> entries = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        FeedbackDecoder decoder = new FeedbackDecoder(new FeedbackDecoder.Listener() {
            @Override
            public void onEntry(FeedbackEntry entry) {
                entries.add(entry);
            }

            @Override
            public void onMalformed(String description) {
                malformed.add(description);
            }
        });
        decoder.decode(ByteBuffer.wrap(HexFormat.of().parseHex("000000010000" + "00000002" + "0020" + TOKEN)));
        assertThat(malformed).hasSize(1);
        assertThat(entries).hasSize(1);
    }
}
