package dev.apns.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-line progress bar: bar, percentage, counts, rate and ETA, redrawn in place. */
class ProgressTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aKnownTotalShowsTheBarRateAndEta() {
        Progress progress = new Progress(new PrintStream(new ByteArrayOutputStream()), 10_000, () -> 0);

        assertThat(progress.line(2_500, 2 * SECOND))
                .isEqualTo("[######..................]  25%  2,500/10,000  1,250/s  ETA 0:06");
        assertThat(progress.line(10_000, 65 * SECOND))
                .isEqualTo("[########################] 100%  10,000/10,000  154/s  in 1:05");
    }

    @Test
    void anUnknownTotalShowsTheCountAndRate() {
        Progress progress = new Progress(new PrintStream(new ByteArrayOutputStream()), -1, () -> 0);

        assertThat(progress.line(30_000, 3 * SECOND)).isEqualTo("30,000 sent  10,000/s");
    }

    @Test
    void updatesRedrawTheSameLineAndFinishEndsIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), -1, clock::get);

        clock.set(SECOND);
        progress.update(100_000);
        clock.set(2 * SECOND);
        progress.update(100_001);
        progress.finish();

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("\r100,000 sent  100,000/s\r100,001 sent  50,001/s " + System.lineSeparator());
    }
}
