package dev.apns.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on a terminal, redrawn in place with a carriage return:
 * {@code [##########..........]  50%  5,000/10,000  12,345/s  ETA 0:01}. Without a known total it shows the
 * count and the rate. {@link #none()} draws nothing, for output that is not a terminal. Not thread-safe: the
 * sending thread draws it.
 */
class Progress {
    private static final int BAR_WIDTH = 24;

    private final PrintStream err;
    private final long total;
    private final LongSupplier nanoTime;
    private final long start;
    private int lastWidth;

    /**
     * @param err where to draw (standard error)
     * @param total how many items there are, or -1 when unknown
     * @param nanoTime the clock, {@link System#nanoTime()} outside tests
     */
    Progress(PrintStream err, long total, LongSupplier nanoTime) {
        this.err = err;
        this.total = total;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    /** A progress bar that draws nothing. */
    static Progress none() {
        return new Progress(null, -1, () -> 0) {
            @Override
            void update(long done) {
            }

            @Override
            void finish() {
            }
        };
    }

    /** Redraws the line for {@code done} items. */
    void update(long done) {
        String line = line(done, nanoTime.getAsLong() - start);
        int pad = Math.max(0, lastWidth - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastWidth = line.length();
    }

    /** Ends the line, leaving the last state visible. */
    void finish() {
        if (lastWidth > 0) {
            err.println();
            err.flush();
        }
    }

    /** The text of the line after {@code elapsedNanos} with {@code done} items. */
    String line(long done, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        long rate = seconds > 0 ? Math.round(done / seconds) : 0;
        StringBuilder text = new StringBuilder();
        if (total > 0) {
            int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
            text.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
            text.append(String.format(Locale.ROOT, "%3d%%  ", Math.min(100, done * 100 / total)));
            text.append(String.format(Locale.ROOT, "%,d/%,d", done, total));
        } else {
            text.append(String.format(Locale.ROOT, "%,d sent", done));
        }
        text.append(String.format(Locale.ROOT, "  %,d/s", rate));
        if (total > 0 && done < total && rate > 0) {
            text.append("  ETA ").append(clock(Duration.ofSeconds((total - done + rate - 1) / rate)));
        } else if (total > 0 && done >= total) {
            text.append("  in ").append(clock(Duration.ofNanos(elapsedNanos)));
        }
        return text.toString();
    }

    private static String clock(Duration duration) {
        long seconds = duration.toSeconds();
        long hours = seconds / 3600;
        return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
