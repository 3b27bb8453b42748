package dev.apns.internal.binary;

import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Notification;
import dev.apns.Payload;
import dev.apns.Status;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.Identifiers;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The adaptive sentinel spacing alone, and as the engine consults and teaches it. */
class SentinelSpacingTest {
    private static final BinaryFates<Integer> IGNORED = new BinaryFates<>() {
        @Override
        public void accepted(List<Integer> items) {
        }

        @Override
        public void rejected(Integer item, Status status) {
        }

        @Override
        public void resend(List<Integer> items, boolean fateUnknown) {
        }

        @Override
        public void handedBack(List<Integer> items, dev.apns.DeliveryError error) {
        }
    };

    @Test
    void withoutSilentDeathsTheSpacingStaysAsConfigured() {
        SentinelSpacing spacing = SentinelSpacing.adaptive(100_000);
        for (int i = 0; i < 10; i++) {
            spacing.confirmed(100_000);
        }
        assertThat(spacing.current()).isEqualTo(100_000);
        spacing.silentDeath(0);
        assertThat(spacing.current()).as("a death with nothing unconfirmed duplicates nothing").isEqualTo(100_000);
        assertThat(spacing.silentDeaths()).isZero();
    }

    @Test
    void eachSilentDeathHalvesTheSpacingOrTheSmallerWindowLostDownToTheFloor() {
        SentinelSpacing spacing = SentinelSpacing.adaptive(100_000);

        spacing.silentDeath(100_000);
        assertThat(spacing.current()).isEqualTo(50_000);
        spacing.silentDeath(20_000);
        assertThat(spacing.current()).as("the death came after 20,000 of a spacing of 50,000").isEqualTo(10_000);
        for (int i = 0; i < 20; i++) {
            spacing.silentDeath(1);
        }
        assertThat(spacing.current()).isEqualTo(SentinelSpacing.MIN_ADAPTED).isEqualTo(spacing.floor());
        assertThat(spacing.silentDeaths()).isEqualTo(22);
        spacing.silentDeath(1);
        assertThat(spacing.current()).isEqualTo(SentinelSpacing.MIN_ADAPTED);
    }

    @Test
    void aRunOfCleanWindowsAndTwiceTheDeathIntervalDoublesItBackTowardsTheConfiguredSpacing() {
        SentinelSpacing spacing = SentinelSpacing.adaptive(100_000);
        spacing.silentDeath(100_000);
        spacing.silentDeath(100_000);
        assertThat(spacing.current()).isEqualTo(25_000);

        spacing.confirmed(2 * 100_000 - 1);
        assertThat(spacing.current()).as("one short of twice the interval between the deaths").isEqualTo(25_000);
        spacing.confirmed(1);
        assertThat(spacing.current()).isEqualTo(50_000);
        spacing.confirmed(50_000 * SentinelSpacing.GROW_AFTER_WINDOWS);
        assertThat(spacing.current()).isEqualTo(100_000);
        spacing.confirmed(1_000_000);
        assertThat(spacing.current()).as("never above the configured spacing").isEqualTo(100_000);
    }

    @Test
    void aDeathInTheRunStartsItAgain() {
        SentinelSpacing spacing = SentinelSpacing.adaptive(8_000);
        spacing.silentDeath(8_000);
        assertThat(spacing.current()).isEqualTo(4_000);
        spacing.confirmed(4_000 * SentinelSpacing.GROW_AFTER_WINDOWS - 1);
        spacing.silentDeath(1);
        assertThat(spacing.current()).isEqualTo(2_000);
        spacing.confirmed(2_000 * SentinelSpacing.GROW_AFTER_WINDOWS - 1);
        assertThat(spacing.current()).isEqualTo(2_000);
    }

    @Test
    void aSingleDeathAfterALongCleanRunChangesLittle() {
        SentinelSpacing spacing = SentinelSpacing.adaptive(100_000);
        spacing.confirmed(10_000_000);

        spacing.silentDeath(100_000);

        assertThat(spacing.current()).as("an eighth of 10 million is above the configured spacing").isEqualTo(100_000);
        assertThat(spacing.silentDeaths()).isEqualTo(1);
    }

    @Test
    void deathsAtASteadyRateSettleTheSpacingNearAnEighthOfTheirIntervalAndItRecoversWhenTheyStop() {
        int deathEvery = 20_000;
        SentinelSpacing spacing = SentinelSpacing.adaptive(100_000);
        for (int death = 0; death < 30; death++) {
            long clean = 0;
            for (int window = 0; window < 1_000 && clean + spacing.current() < deathEvery; window++) {
                clean += spacing.current();
                spacing.confirmed(spacing.current());
            }
            spacing.silentDeath(spacing.current());
        }
        assertThat(spacing.current()).isBetween(deathEvery / 16, deathEvery / 4);

        long confirmed = 0;
        for (int window = 0; window < 10_000 && spacing.current() < 100_000; window++) {
            confirmed += spacing.current();
            spacing.confirmed(spacing.current());
        }
        assertThat(spacing.current()).isEqualTo(100_000);
        assertThat(confirmed).as("clean notifications to recover").isLessThan(2_000_000);
    }

    @Test
    void aSmallConfiguredSpacingIsItsOwnFloorAndAFixedOneNeverMoves() {
        SentinelSpacing small = SentinelSpacing.adaptive(300);
        small.silentDeath(300);
        assertThat(small.current()).isEqualTo(300);

        SentinelSpacing fixed = SentinelSpacing.fixed(50_000);
        fixed.silentDeath(50_000);
        fixed.confirmed(1_000_000);
        assertThat(fixed.current()).isEqualTo(50_000);
        assertThatThrownBy(() -> SentinelSpacing.fixed(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEngineWritesItsSentinelAtTheCurrentSpacingAndTeachesItHowConnectionsEnded() throws IOException {
        SentinelSpacing spacing = SentinelSpacing.adaptive(4_000);
        BinaryEngine<Integer> first = engine(spacing);
        assertThat(writeUntilSentinelDue(first, 10_000)).isEqualTo(4_000);
        first.end(new IOException("reset"), List.of(), IGNORED);
        assertThat(spacing.current()).as("a silent death with 4,000 unconfirmed").isEqualTo(2_000);

        BinaryEngine<Integer> second = engine(spacing);
        assertThat(writeUntilSentinelDue(second, 10_000)).isEqualTo(2_000);
        long sentinel = second.nextIdentifier();
        second.writeSentinel();
        second.flushTo(bytes -> bytes.position(bytes.limit()));
        second.receive(ByteBuffer.wrap(new ErrorResponse(Status.of(2), sentinel).toBytes()));
        second.end(null, List.of(), IGNORED);
        assertThat(spacing.silentDeaths()).isEqualTo(1);

        for (int i = 0; i < SentinelSpacing.GROW_AFTER_WINDOWS - 1; i++) {
            BinaryEngine<Integer> next = engine(spacing);
            writeUntilSentinelDue(next, 10_000);
            long id = next.nextIdentifier();
            next.writeSentinel();
            next.receive(ByteBuffer.wrap(new ErrorResponse(Status.of(2), id).toBytes()));
            next.end(null, List.of(), IGNORED);
        }
        assertThat(spacing.current()).as("after four clean windows").isEqualTo(4_000);
    }

    private static BinaryEngine<Integer> engine(SentinelSpacing spacing) {
        return new BinaryEngine<>("gateway.test:2195", Identifiers.FIRST,
                new BinaryEngine.Settings(Confirmation.sentinel(Duration.ofSeconds(1)), 1_000_000, 1 << 20), spacing);
    }

    /** Offers notifications (flushing as needed) until a sentinel is due; returns how many, at most {@code limit}. */
    private static int writeUntilSentinelDue(BinaryEngine<Integer> engine, int limit) throws IOException {
        Notification notification = Notification.of(DeviceToken.fromHex("ab".repeat(32)), Payload.ofJson("{}"));
        for (int n = 0; n < limit; n++) {
            if (engine.sentinelDue(0, true)) {
                return n;
            }
            if (!engine.offer(n, notification, 0)) {
                engine.flushTo(bytes -> bytes.position(bytes.limit()));
                engine.offer(n, notification, 0);
            }
        }
        return limit;
    }
}
