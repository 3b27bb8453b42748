package dev.apns.gateway.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway's dispatcher works the queue.
 *
 * @param maxInFlight  how many notifications this instance holds claimed at once (bounded memory)
 * @param claimBatch   how many it claims per database round trip
 * @param maxAttempts  how many attempts a notification gets before it fails for good
 * @param retryFirst   the wait before the second attempt; it doubles per attempt
 * @param retryMax     the longest wait between attempts
 * @param idlePoll     how often an idle instance looks for due notifications (posts wake it at once)
 */
public record DeliverySettings(int maxInFlight, int claimBatch, int maxAttempts, Duration retryFirst,
                               Duration retryMax, Duration idlePoll) {
    /** Checks the ranges. */
    public DeliverySettings {
        if (maxInFlight < 1 || claimBatch < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("maxInFlight, claimBatch and maxAttempts must be at least 1");
        }
        Objects.requireNonNull(retryFirst, "retryFirst");
        Objects.requireNonNull(retryMax, "retryMax");
        Objects.requireNonNull(idlePoll, "idlePoll");
    }

    /** 20,000 in flight, claims of 1,000, 12 attempts, 1 s doubling to 5 minutes, an idle poll every 250 ms. */
    public static DeliverySettings defaults() {
        return new DeliverySettings(20_000, 1_000, 12, Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofMillis(250));
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} attempts. */
    public long retryDelayMillis(int attempt) {
        long delay = retryFirst.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        return Math.min(delay, retryMax.toMillis());
    }
}
