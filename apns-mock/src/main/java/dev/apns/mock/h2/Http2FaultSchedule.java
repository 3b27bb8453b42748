package dev.apns.mock.h2;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A list of HTTP/2 faults for chaos tests, drawn from a seed (the same on every JVM) or written by hand: streams
 * refused with RST_STREAM(REFUSED_STREAM), a GOAWAY, a dropped connection and slow answers, each of which a correct
 * client recovers from (refused and unprocessed streams are safe to send again; a dropped connection's open streams
 * are the only ones whose fate is unknown). {@link #applyTo(MockApnsHttp2Server)} scripts them; {@link #toString()}
 * names the seed and how to replay it. Immutable.
 */
public final class Http2FaultSchedule {
    /** HTTP/2's REFUSED_STREAM error code. */
    public static final long REFUSED_STREAM = 7;

    /** One fault, due at a request number. */
    public record Fault(Kind kind, long requestNumber, Duration delay) {
        /** The kinds of fault. */
        public enum Kind {
            /** RST_STREAM(REFUSED_STREAM) instead of an answer. */
            REFUSE_STREAM,
            /** GOAWAY(NO_ERROR) after answering, with reason Shutdown. */
            GO_AWAY,
            /** A TCP reset of the connection, the request unanswered. */
            DROP_CONNECTION,
            /** Every answer delayed from the start (the request number is 0). */
            DELAY
        }

        /** Checks the fault. */
        public Fault {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(delay, "delay");
            if (kind != Kind.DELAY && requestNumber < 1) {
                throw new IllegalArgumentException("Requests are numbered from 1; was " + requestNumber + ".");
            }
        }

        @Override
        public String toString() {
            return switch (kind) {
                case REFUSE_STREAM -> "refuse #" + requestNumber;
                case GO_AWAY -> "GOAWAY after #" + requestNumber;
                case DROP_CONNECTION -> "drop the connection at #" + requestNumber;
                case DELAY -> "delay answers by " + delay.toMillis() + " ms";
            };
        }
    }

    private final Long seed;
    private final int requests;
    private final List<Fault> faults;

    private Http2FaultSchedule(Long seed, int requests, List<Fault> faults) {
        this.seed = seed;
        this.requests = requests;
        this.faults = List.copyOf(faults);
    }

    /**
     * Draws faults for a run of {@code requests} requests from {@code seed}: up to five refused streams, up to one
     * GOAWAY, up to one dropped connection (each at a distinct request number) and perhaps a delay of up to 20 ms.
     */
    public static Http2FaultSchedule random(long seed, int requests) {
        if (requests < 10) {
            throw new IllegalArgumentException("A random schedule needs at least 10 requests; was " + requests + ".");
        }
        SplittableRandom random = new SplittableRandom(seed);
        TreeMap<Long, Fault> byNumber = new TreeMap<>();
        int refusals = random.nextInt(6);
        for (int i = 0; i < refusals; i++) {
            long at = 1 + random.nextInt(requests);
            byNumber.putIfAbsent(at, new Fault(Fault.Kind.REFUSE_STREAM, at, Duration.ZERO));
        }
        if (random.nextBoolean()) {
            long at = 1 + random.nextInt(requests);
            byNumber.putIfAbsent(at, new Fault(Fault.Kind.GO_AWAY, at, Duration.ZERO));
        }
        if (random.nextBoolean()) {
            long at = 1 + random.nextInt(requests);
            byNumber.putIfAbsent(at, new Fault(Fault.Kind.DROP_CONNECTION, at, Duration.ZERO));
        }
        List<Fault> faults = new ArrayList<>(byNumber.values());
        if (random.nextInt(3) == 0) {
            faults.add(new Fault(Fault.Kind.DELAY, 0, Duration.ofMillis(1 + random.nextInt(20))));
        }
        return new Http2FaultSchedule(seed, requests, faults);
    }

    /** A hand-written schedule, for a regression test of one exact case. */
    public static Http2FaultSchedule of(Fault... faults) {
        return new Http2FaultSchedule(null, 0, List.of(faults));
    }

    /** The faults, in the order they were drawn or given. */
    public List<Fault> faults() {
        return faults;
    }

    /** Scripts every fault on {@code server}; request numbers count from its start or last reset. */
    public void applyTo(MockApnsHttp2Server server) {
        for (Fault fault : faults) {
            switch (fault.kind()) {
                case REFUSE_STREAM -> server.resetStream(fault.requestNumber(), REFUSED_STREAM);
                case GO_AWAY -> server.goAwayAtRequest(fault.requestNumber(), 0, "Shutdown");
                case DROP_CONNECTION -> server.dropConnectionAtRequest(fault.requestNumber());
                case DELAY -> server.delayResponses(fault.delay());
            }
        }
    }

    @Override
    public String toString() {
        String list = faults.isEmpty() ? "no faults" : faults.stream().map(Fault::toString).collect(Collectors.joining("; "));
        return seed == null ? "Http2FaultSchedule[" + list + "]"
                : "Http2FaultSchedule[seed=" + seed + " (replay: Http2FaultSchedule.random(" + seed + "L, " + requests
                + ")): " + list + "]";
    }
}
