package dev.apns.protocol.binary;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifiersTest {
    @Test
    void identifiersStartAtOneAndWrapToOneNeverZero() {
        assertThat(Identifiers.FIRST).isEqualTo(1);
        assertThat(Identifiers.next(1)).isEqualTo(2);
        assertThat(Identifiers.next(0xFFFFFFFEL)).isEqualTo(0xFFFFFFFFL);
        assertThat(Identifiers.next(0xFFFFFFFFL)).isEqualTo(1);
    }

    @Test
    void distanceCountsStepsAcrossTheWrap() {
        assertThat(Identifiers.distance(5, 5)).isZero();
        assertThat(Identifiers.distance(5, 9)).isEqualTo(4);
        assertThat(Identifiers.distance(0xFFFFFFFEL, 2)).isEqualTo(3);
        long id = 0xFFFFFFFDL;
        for (int i = 0; i < 6; i++) {
            assertThat(Identifiers.distance(0xFFFFFFFDL, id)).isEqualTo(i);
            id = Identifiers.next(id);
        }
    }

    @Test
    void zeroIsNeverAValidIdentifier() {
        assertThat(Identifiers.isValid(0)).isFalse();
        assertThat(Identifiers.isValid(1)).isTrue();
        assertThat(Identifiers.isValid(0xFFFFFFFFL)).isTrue();
        assertThat(Identifiers.isValid(0x100000000L)).isFalse();
    }
}
