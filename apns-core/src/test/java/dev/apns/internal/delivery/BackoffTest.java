package dev.apns.internal.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Reconnect waits: exponential with jitter, started again by progress, and none after one silent death that carried notifications. */
class BackoffTest {
    private static final long FIRST = Duration.ofMillis(100).toNanos();

    private static Backoff backoff() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));
    }

    @Test
    void waitsDoubleWithJitterUpToTheMaximum() {
        Backoff backoff = backoff();
        for (int i = 0; i < 20; i++) {
            long step = backoff.stepNanos();
            long wait = backoff.nextWaitNanos();
            assertThat(wait).isBetween(step / 2, step);
        }
        assertThat(backoff.stepNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
    }

    @Test
    void aSilentDeathThatCarriedNotificationsReconnectsAtOnceAndStartsTheBackoffAgain() {
        Backoff backoff = backoff();
        for (int i = 0; i < 6; i++) {
            backoff.nextWaitNanos();
        }
        assertThat(backoff.afterUnansweredEnd(true)).isZero();
        assertThat(backoff.stepNanos()).isEqualTo(FIRST);
    }

    @Test
    void aSecondSilentDeathInARowWaitsAndTheWaitsGrowAsBefore() {
        Backoff backoff = backoff();
        assertThat(backoff.afterUnansweredEnd(true)).isZero();
        long second = backoff.afterUnansweredEnd(true);
        assertThat(second).isBetween(FIRST / 2, FIRST);
        long third = backoff.afterUnansweredEnd(true);
        assertThat(third).isBetween(FIRST, 2 * FIRST);
    }

    @Test
    void progressAllowsTheNextSilentDeathItsImmediateReconnect() {
        Backoff backoff = backoff();
        backoff.afterUnansweredEnd(true);
        assertThat(backoff.afterUnansweredEnd(true)).isPositive();
        backoff.reset();
        assertThat(backoff.afterUnansweredEnd(true)).isZero();
    }

    @Test
    void aConnectionThatCarriedNothingAlwaysWaits() {
        Backoff backoff = backoff();
        assertThat(backoff.afterUnansweredEnd(false)).isBetween(FIRST / 2, FIRST);
    }
}
