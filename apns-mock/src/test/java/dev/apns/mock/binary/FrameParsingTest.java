package dev.apns.mock.binary;

import org.junit.jupiter.api.Test;

import static dev.apns.mock.binary.TestFrames.concat;
import static dev.apns.mock.binary.TestFrames.enhanced;
import static dev.apns.mock.binary.TestFrames.frame;
import static dev.apns.mock.binary.TestFrames.item;
import static dev.apns.mock.binary.TestFrames.notification;
import static dev.apns.mock.binary.TestFrames.simple;
import static dev.apns.mock.binary.TestFrames.token;
import static dev.apns.mock.binary.TestFrames.u32;
import static dev.apns.mock.binary.TestFrames.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class FrameParsingTest {
    private static final byte[] MIXED = concat(
            simple(token(1), "{\"a\":1}"),
            enhanced(2, 3, token(2), "{\"b\":2}"),
            notification(3, token(3), utf8("{\"c\":3}")),
            frame(item(2, utf8("{}")), item(1, token(4))),
            simple(new byte[0], ""),
            frame());

    @Test
    void parserNeedsTheWholeNotificationBeforeItReportsOne() {
        FrameParser parser = new FrameParser();
        byte[] one = notification(7, token(1), utf8("{\"x\":1}"));
        for (int length = 0; length < one.length; length++) {
            assertThat(parser.parse(one, 0, length)).as("with %d bytes", length).isEqualTo(FrameParser.NEED_MORE);
        }
        assertThat(parser.parse(one, 0, one.length)).isEqualTo(one.length);
        assertThat(parser.status).isZero();
        assertThat(parser.identifier).isEqualTo(7);
        assertThat(parser.payloadLength).isEqualTo(7);
    }

    @Test
    void parserReadsEachCommandOfAMixedStream() {
        FrameParser parser = new FrameParser();
        int at = 0;
        int[] commands = new int[6];
        int[] statuses = new int[6];
        for (int i = 0; i < 6; i++) {
            int size = parser.parse(MIXED, at, MIXED.length);
            assertThat(size).isPositive();
            commands[i] = parser.command;
            statuses[i] = parser.status;
            at += size;
        }
        assertThat(at).isEqualTo(MIXED.length);
        assertThat(commands).containsExactly(0, 1, 2, 2, 0, 2);
        assertThat(statuses).containsExactly(0, 0, 0, 0, 2, 2);
    }

    @Test
    void parserRejectsFramesLargerThanAnyValidOneWithoutWaitingForThem() {
        FrameParser parser = new FrameParser();
        byte[] header = concat(new byte[] {2}, u32(FrameParser.MAX_FRAME_LENGTH + 1));
        assertThat(parser.parse(header, 0, header.length)).isEqualTo(FrameParser.OVERSIZED);
        assertThat(parser.status).isEqualTo(128);
    }

    @Test
    void counterCountsWholeNotificationsWhateverTheChunking() {
        for (int chunk = 1; chunk <= MIXED.length; chunk++) {
            FrameCounter counter = new FrameCounter();
            for (int at = 0; at < MIXED.length; at += chunk) {
                counter.feed(MIXED, at, Math.min(chunk, MIXED.length - at));
            }
            assertThat(counter.count()).as("in chunks of %d", chunk).isEqualTo(6);
        }
    }

    @Test
    void counterDoesNotCountAPartialNotification() {
        FrameCounter counter = new FrameCounter();
        counter.feed(MIXED, 0, MIXED.length - 1);
        assertThat(counter.count()).isEqualTo(5);
    }

    @Test
    void counterStopsAtAnUnknownCommand() {
        byte[] bytes = concat(simple(token(1), "{}"), new byte[] {7}, simple(token(1), "{}"));
        FrameCounter counter = new FrameCounter();
        counter.feed(bytes, 0, bytes.length);
        assertThat(counter.count()).isEqualTo(1);
    }

    @Test
    void counterSkipsTheRestOfAFrameAlreadyHandledWithoutCountingIt() {
        byte[] next = simple(token(1), "{}");
        FrameCounter counter = new FrameCounter();
        counter.skipPartialFrame(10);
        counter.feed(concat(new byte[10], next), 0, 10 + next.length);
        assertThat(counter.count()).isEqualTo(1);
    }
}
