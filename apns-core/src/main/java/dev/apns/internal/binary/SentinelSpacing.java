package dev.apns.internal.binary;

/**
 * How many notifications a binary connection writes between two sentinels, adapted to the silent deaths seen.
 * A connection that dies without an error response takes its unconfirmed window with it, and all of it is
 * resent: the duplicates of a silent death are the window, up to the spacing. So:
 *
 * <ul>
 *   <li>after each silent death the spacing becomes half the smaller of itself and the window lost (a death
 *       that came before the spacing was reached shows the spacing is too large to help), but not below an
 *       eighth of the interval since the death
 *       before (or the start: notifications confirmed in between plus the window lost), nor below
 *       {@link #floor()}, so a death after a long clean run changes little; a
 *       connection dying every {@code D} notifications settles at about {@code D/8}, losing at most that
 *       much to each death for about eight reconnects per death;</li>
 *   <li>after a clean run (sentinel answers, or notifications accepted before an error response) of
 *       {@value #GROW_AFTER_WINDOWS} windows and twice that interval, it doubles back towards the configured
 *       spacing, so that deaths at a steady rate do not pull it up again just before the next one.</li>
 * </ul>
 * With no deaths the spacing stays at the configured value.
 *
 * <p>One per sender worker (it outlives the worker's connections), used on the worker's thread only.
 */
public final class SentinelSpacing {
    /** The smallest spacing the adaptation goes to, when the configured one is larger: each sentinel costs a reconnect. */
    public static final int MIN_ADAPTED = 1_000;
    /** Clean windows in a row (at the current spacing) before the spacing doubles. */
    static final int GROW_AFTER_WINDOWS = 4;
    /** The spacing does not shrink below the interval between deaths divided by this. */
    static final int WINDOWS_PER_DEATH = 8;

    private final int configured;
    private final int floor;
    private int current;
    private long cleanSinceChange;
    /** Notifications confirmed since the last silent death. */
    private long sinceDeath;
    /** Notifications before the last silent death since the one before (or the start): confirmed, plus the window lost. */
    private long interval = -1;
    private long silentDeaths;

    private SentinelSpacing(int configured, int floor) {
        if (configured < 1) {
            throw new IllegalArgumentException("A sentinel spacing is at least 1; was " + configured + ".");
        }
        this.configured = configured;
        this.floor = floor;
        this.current = configured;
    }

    /** Starts at {@code configured} and adapts between {@link #MIN_ADAPTED} (or {@code configured}, if less) and it. */
    public static SentinelSpacing adaptive(int configured) {
        return new SentinelSpacing(configured, Math.min(configured, MIN_ADAPTED));
    }

    /** Always {@code spacing}, whatever happens. */
    public static SentinelSpacing fixed(int spacing) {
        return new SentinelSpacing(spacing, spacing);
    }

    /** The spacing now. */
    public int current() {
        return current;
    }

    /** The smallest spacing it may adapt to. */
    public int floor() {
        return floor;
    }

    /** Silent deaths seen with an unconfirmed window. */
    public long silentDeaths() {
        return silentDeaths;
    }

    /** A connection ended without an error response while {@code unconfirmed} notifications were in its window. */
    public void silentDeath(int unconfirmed) {
        if (unconfirmed <= 0) {
            return;
        }
        interval = sinceDeath + unconfirmed;
        long lower = Math.max(floor, interval / WINDOWS_PER_DEATH);
        silentDeaths++;
        sinceDeath = 0;
        current = (int) Math.min(current, Math.max(lower, Math.min(current, unconfirmed) / 2));
        cleanSinceChange = 0;
    }

    /** The server confirmed {@code count} notifications (a sentinel's answer, or those before an error response). */
    public void confirmed(int count) {
        if (count <= 0) {
            return;
        }
        sinceDeath += count;
        if (current >= configured) {
            return;
        }
        cleanSinceChange += count;
        if (cleanSinceChange >= Math.max((long) GROW_AFTER_WINDOWS * current, 2 * interval)) {
            current = (int) Math.min(configured, 2L * current);
            cleanSinceChange = 0;
        }
    }

    @Override
    public String toString() {
        return "SentinelSpacing[" + current + " of " + configured + ", floor " + floor + ", silent deaths "
                + silentDeaths + ", interval " + interval + "]";
    }
}
