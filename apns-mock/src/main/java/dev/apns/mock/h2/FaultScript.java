package dev.apns.mock.h2;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults scripted on a server, read by every connection for every request. Each check costs a volatile read
 * or two when nothing is scripted, so that a benchmark pays almost nothing for them. Thread-safe.
 */
final class FaultScript {
    /** What happens to a request with a given number instead of (or after) the ordinary answer. */
    record NumberedFault(Kind kind, long errorCode, String debugReason) {
        enum Kind { RESET_STREAM, GO_AWAY, DROP_CONNECTION }
    }

    private record TokenFault(String reason, long timestampMillis) {
    }

    private final Map<String, TokenFault> tokens = new ConcurrentHashMap<>();
    private volatile boolean anyTokenFault;
    private final Map<Long, NumberedFault> numbered = new ConcurrentHashMap<>();
    private volatile boolean anyNumberedFault;
    private final AtomicLong tooManyRequests = new AtomicLong();
    private final AtomicLong serviceUnavailable = new AtomicLong();
    private volatile long delayNanos;
    private volatile boolean answering = true;
    private volatile boolean refuseHandshakes;

    void rejectToken(String token, String reason, long timestampMillis) {
        tokens.put(token, new TokenFault(reason, timestampMillis));
        anyTokenFault = true;
    }

    /** Whether any token has a scripted answer (one volatile read). */
    boolean anyTokenFault() {
        return anyTokenFault;
    }

    /** The scripted answer for a request to {@code token} (lower case), or null. */
    Outcome tokenOutcome(String token, String apnsId) {
        if (!anyTokenFault) {
            return null;
        }
        TokenFault fault = tokens.get(token);
        return fault == null ? null
                : Outcome.rejected(Reasons.statusOf(fault.reason()), fault.reason(), fault.timestampMillis(), apnsId, true);
    }

    void schedule(long requestNumber, NumberedFault fault) {
        numbered.put(requestNumber, fault);
        anyNumberedFault = true;
    }

    /** The fault scheduled for the request with this number, removed; or null. */
    NumberedFault takeNumbered(long requestNumber) {
        return anyNumberedFault ? numbered.remove(requestNumber) : null;
    }

    void tooManyRequests(long count) {
        tooManyRequests.set(count);
    }

    void serviceUnavailable(long count) {
        serviceUnavailable.set(count);
    }

    boolean takeTooManyRequests() {
        return take(tooManyRequests);
    }

    boolean takeServiceUnavailable() {
        return take(serviceUnavailable);
    }

    private static boolean take(AtomicLong countdown) {
        long left;
        do {
            left = countdown.get();
            if (left <= 0) {
                return false;
            }
        } while (!countdown.compareAndSet(left, left - 1));
        return true;
    }

    void delayNanos(long nanos) {
        delayNanos = nanos;
    }

    long delayNanos() {
        return delayNanos;
    }

    void answering(boolean answering) {
        this.answering = answering;
    }

    boolean answering() {
        return answering;
    }

    void refuseHandshakes(boolean refuse) {
        refuseHandshakes = refuse;
    }

    boolean refuseHandshakes() {
        return refuseHandshakes;
    }

    /** Forgets every fault. */
    void clear() {
        tokens.clear();
        anyTokenFault = false;
        numbered.clear();
        anyNumberedFault = false;
        tooManyRequests.set(0);
        serviceUnavailable.set(0);
        delayNanos = 0;
        answering = true;
        refuseHandshakes = false;
    }
}
