package dev.apns.mock.binary;

import dev.apns.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A list of faults for one {@link MockApnsServer} run, for chaos tests: rejections of the k-th notification
 * with a token status, silent closes and shutdowns after the k-th, reading pauses (stalls), slow reads and
 * delayed error responses. {@link #random(long, long)} draws one from a seed, deterministically (the same
 * seed gives the same faults on every JVM), and {@link #toString()} prints the seed and how to replay it,
 * so that a failing run can be reproduced:
 *
 * <pre>{@code
 * FaultSchedule schedule = FaultSchedule.random(seed, 2_000);
 * server.reset();
 * schedule.applyTo(server);
 * Result result = session.send(message);
 * assertThat(...).as("%s", schedule)...;   // the message names the seed
 * }</pre>
 *
 * Notifications are numbered as the server processes them, counting every one (accepted, rejected,
 * resent, a sentinel) from 1 since the server's last {@link MockApnsServer#reset() reset}; see
 * {@link MockApnsServer#rejectNotification(long, Status)}. Immutable and thread-safe.
 */
public final class FaultSchedule {
    /** The token statuses a random rejection uses: missing token (2), invalid token size (5), invalid token (8). */
    private static final List<Status> TOKEN_STATUSES = List.of(Status.of(2), Status.of(5), Status.of(8));

    private final OptionalLong seed;
    private final long notifications;
    private final List<Fault> faults;

    private FaultSchedule(OptionalLong seed, long notifications, List<Fault> faults) {
        this.seed = seed;
        this.notifications = notifications;
        this.faults = List.copyOf(faults);
    }

    /** One fault, which knows how to script itself on a server. Immutable. */
    public sealed interface Fault permits Rejection, SilentClose, Shutdown, ReadingPause, SlowReads,
            DelayedErrorResponses {
        /** Scripts this fault on {@code server}. */
        void applyTo(MockApnsServer server);
    }

    /** Rejects the {@code notification}-th notification with {@code status}, naming its own identifier. */
    public record Rejection(long notification, Status status) implements Fault {
        public Rejection {
            requireNumber(notification);
            Objects.requireNonNull(status, "status");
        }

        @Override
        public void applyTo(MockApnsServer server) {
            server.rejectNotification(notification, status);
        }

        @Override
        public String toString() {
            return "reject #" + notification + " with " + status.description();
        }
    }

    /** Closes the connection without an error response once the {@code notification}-th is accepted. */
    public record SilentClose(long notification) implements Fault {
        public SilentClose {
            requireNumber(notification);
        }

        @Override
        public void applyTo(MockApnsServer server) {
            server.closeSilentlyAfterNotification(notification);
        }

        @Override
        public String toString() {
            return "close silently after #" + notification;
        }
    }

    /** Answers status 10 (shutdown) and closes once the {@code notification}-th is accepted. */
    public record Shutdown(long notification) implements Fault {
        public Shutdown {
            requireNumber(notification);
        }

        @Override
        public void applyTo(MockApnsServer server) {
            server.shutdownAfterNotification(notification);
        }

        @Override
        public String toString() {
            return "shut down after #" + notification;
        }
    }

    /** Stops reading for {@code pause} once the {@code notification}-th is accepted. */
    public record ReadingPause(long notification, Duration pause) implements Fault {
        public ReadingPause {
            requireNumber(notification);
            Objects.requireNonNull(pause, "pause");
            if (pause.isNegative() || pause.isZero()) {
                throw new IllegalArgumentException("A reading pause must be positive; was " + pause + ".");
            }
        }

        @Override
        public void applyTo(MockApnsServer server) {
            server.pauseReadingAfterNotification(notification, pause);
        }

        @Override
        public String toString() {
            return "stop reading for " + pause.toMillis() + " ms after #" + notification;
        }
    }

    /** Reads every gateway connection at no more than {@code bytesPerSecond} for the whole run. */
    public record SlowReads(int bytesPerSecond) implements Fault {
        public SlowReads {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("Slow reads need a positive rate; was " + bytesPerSecond + ".");
            }
        }

        @Override
        public void applyTo(MockApnsServer server) {
            server.readSlowly(bytesPerSecond);
        }

        @Override
        public String toString() {
            return "read at " + bytesPerSecond + " bytes/s";
        }
    }

    /** Waits {@code delay} before every error response of the run. */
    public record DelayedErrorResponses(Duration delay) implements Fault {
        public DelayedErrorResponses {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("An error response delay must be positive; was " + delay + ".");
            }
        }

        @Override
        public void applyTo(MockApnsServer server) {
            server.delayErrorResponses(delay);
        }

        @Override
        public String toString() {
            return "delay error responses by " + delay.toMillis() + " ms";
        }
    }

    /**
     * A schedule drawn from {@code seed} for a run of about {@code notifications} notifications: up to three
     * rejections with a token status (2, 5 or 8), up to two silent closes, at most one shutdown and one
     * reading pause (10 to 80 ms), each after a notification numbered from 1 to {@code notifications}, no two
     * on the same notification; sometimes slow reads (2 to 8 MB/s) and delayed error responses (1 to 20 ms).
     * Every fault is one a client can recover from, so a correct client ends with each notification
     * accepted or rejected.
     */
    public static FaultSchedule random(long seed, long notifications) {
        if (notifications < 1) {
            throw new IllegalArgumentException("A fault schedule needs a run of at least 1 notification; was "
                    + notifications + ".");
        }
        Random random = new Random(seed);
        Set<Long> taken = new HashSet<>();
        List<Fault> faults = new ArrayList<>();
        int rejections = random.nextInt(4);
        for (int i = 0; i < rejections; i++) {
            long k = freeNumber(random, notifications, taken);
            Status status = TOKEN_STATUSES.get(random.nextInt(TOKEN_STATUSES.size()));
            if (k > 0) {
                faults.add(new Rejection(k, status));
            }
        }
        int silentCloses = random.nextInt(3);
        for (int i = 0; i < silentCloses; i++) {
            long k = freeNumber(random, notifications, taken);
            if (k > 0) {
                faults.add(new SilentClose(k));
            }
        }
        if (random.nextBoolean()) {
            long k = freeNumber(random, notifications, taken);
            if (k > 0) {
                faults.add(new Shutdown(k));
            }
        }
        if (random.nextInt(3) == 0) {
            long k = freeNumber(random, notifications, taken);
            Duration pause = Duration.ofMillis(10 + random.nextInt(71));
            if (k > 0) {
                faults.add(new ReadingPause(k, pause));
            }
        }
        if (random.nextInt(5) == 0) {
            faults.add(new SlowReads((2 + random.nextInt(7)) * 1_000_000));
        }
        if (random.nextInt(4) == 0) {
            faults.add(new DelayedErrorResponses(Duration.ofMillis(1 + random.nextInt(20))));
        }
        faults.sort(Comparator.comparingLong(FaultSchedule::orderOf));
        return new FaultSchedule(OptionalLong.of(seed), notifications, faults);
    }

    /** A hand-written schedule, for a regression test of one exact case. */
    public static FaultSchedule of(Fault... faults) {
        Objects.requireNonNull(faults, "faults");
        List<Fault> list = List.of(faults); // rejects null elements
        return new FaultSchedule(OptionalLong.empty(), 0, list);
    }

    /** The seed a random schedule was drawn from; empty for {@link #of(Fault...)}. */
    public OptionalLong seed() {
        return seed;
    }

    /** The faults, those tied to a notification in the order of their numbers, then the run-wide ones. */
    public List<Fault> faults() {
        return faults;
    }

    /**
     * Scripts every fault on {@code server}, on top of what is scripted already. Call it right after
     * {@link MockApnsServer#reset()}, since notification numbers count from the last reset.
     */
    public void applyTo(MockApnsServer server) {
        Objects.requireNonNull(server, "server");
        for (Fault fault : faults) {
            fault.applyTo(server);
        }
    }

    /** The seed and how to replay it, then the faults; for assertion messages. */
    @Override
    public String toString() {
        String list = faults.isEmpty() ? "no faults"
                : faults.stream().map(Fault::toString).collect(Collectors.joining("; "));
        if (seed.isPresent()) {
            return "FaultSchedule[seed=" + seed.getAsLong() + " (replay: FaultSchedule.random(" + seed.getAsLong()
                    + "L, " + notifications + ")): " + list + "]";
        }
        return "FaultSchedule[" + list + "]";
    }

    /** A notification number from 1 to {@code notifications} not taken yet, or 0 when none was found quickly. */
    private static long freeNumber(Random random, long notifications, Set<Long> taken) {
        for (int attempt = 0; attempt < 32; attempt++) {
            long k = 1 + (long) (random.nextDouble() * notifications);
            if (k <= notifications && taken.add(k)) {
                return k;
            }
        }
        return 0;
    }

    private static long orderOf(Fault fault) {
        if (fault instanceof Rejection rejection) {
            return rejection.notification();
        }
        if (fault instanceof SilentClose close) {
            return close.notification();
        }
        if (fault instanceof Shutdown shutdown) {
            return shutdown.notification();
        }
        if (fault instanceof ReadingPause pause) {
            return pause.notification();
        }
        return Long.MAX_VALUE;
    }

    private static void requireNumber(long notification) {
        if (notification < 1) {
            throw new IllegalArgumentException("Notifications are numbered from 1; was " + notification + ".");
        }
    }
}
