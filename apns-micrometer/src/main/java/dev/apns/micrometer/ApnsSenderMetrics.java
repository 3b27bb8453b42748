package dev.apns.micrometer;

import dev.apns.ApnsSender;
import dev.apns.SenderMetrics;
import dev.apns.Http2Reason;
import dev.apns.Status;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes an {@link ApnsSender}'s {@link SenderMetrics} as Micrometer meters, read from the sender
 * whenever the registry asks (nothing is counted twice, nothing runs in the background):
 *
 * <ul>
 *   <li>counters {@code apns.sender.submitted}, {@code .written}, {@code .accepted}, {@code .unsent},
 *       {@code .resent}, {@code .duplicates.possible}, {@code .reconnects};</li>
 *   <li>counter {@code apns.sender.retried}: notifications put aside for a retry after an HTTP/2 server error;</li>
 *   <li>counter {@code apns.sender.rejected} with a {@code reason} tag per documented binary status and HTTP/2
 *       reason ({@code invalid_token}, {@code unregistered}, {@code bad_device_token}, ...; {@code unknown} for
 *       undocumented ones);</li>
 *   <li>gauges {@code apns.sender.pending}, {@code .in.flight}, {@code .connections.open}, and
 *       {@code .round.trip.seconds} (HTTP/2 PING round trip).</li>
 * </ul>
 *
 * <pre>{@code
 * new ApnsSenderMetrics(sender, Tags.of("app", "com.example.shop")).bindTo(registry);
 * }</pre>
 *
 * The meters hold the sender weakly, as Micrometer's function meters do: a sender that is shut down and
 * dropped stops being reported rather than being kept alive by the registry.
 */
public final class ApnsSenderMetrics implements MeterBinder {
    private final ApnsSender sender;
    private final Tags tags;

    /** Meters for {@code sender}, each with {@code tags} (for example the app or certificate it sends for). */
    public ApnsSenderMetrics(ApnsSender sender, Iterable<Tag> tags) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /** Meters for {@code sender} without extra tags. */
    public ApnsSenderMetrics(ApnsSender sender) {
        this(sender, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "apns.sender.submitted", "Notifications submitted to the sender", SenderMetrics::submitted);
        counter(registry, "apns.sender.written", "Notification writes, resends included", SenderMetrics::written);
        counter(registry, "apns.sender.accepted", "Notifications that ended accepted", SenderMetrics::accepted);
        counter(registry, "apns.sender.unsent", "Notifications that ended unsent (handed back)", SenderMetrics::unsent);
        counter(registry, "apns.sender.resent", "Notifications written again", SenderMetrics::resent);
        counter(registry, "apns.sender.duplicates.possible",
                "Notifications resent without knowing whether the server had them", SenderMetrics::duplicatesPossible);
        counter(registry, "apns.sender.reconnects", "Connections opened after the first of each worker",
                SenderMetrics::reconnects);
        counter(registry, "apns.sender.retried", "Retries after a server error (HTTP/2 5xx, TooManyRequests)",
                SenderMetrics::retried);
        Set<String> reasons = new LinkedHashSet<>();
        for (Status.Reason reason : Status.Reason.values()) {
            reasons.add(reason.name().toLowerCase(Locale.ROOT));
        }
        for (Http2Reason.Code code : Http2Reason.Code.values()) {
            reasons.add(code.name().toLowerCase(Locale.ROOT));
        }
        for (String reason : reasons) {
            FunctionCounter.builder("apns.sender.rejected", sender, s -> rejected(s.metrics(), reason))
                    .description("Notifications the server rejected, by reason")
                    .tags(tags).tag("reason", reason)
                    .register(registry);
        }
        gauge(registry, "apns.sender.pending", "Notifications queued or in flight", SenderMetrics::pending);
        gauge(registry, "apns.sender.in.flight", "Notifications written and not yet confirmed", SenderMetrics::inFlight);
        gauge(registry, "apns.sender.connections.open", "Connections open", SenderMetrics::connectionsOpen);
        gauge(registry, "apns.sender.round.trip.seconds", "Slowest connection's last PING round trip (HTTP/2); NaN before one",
                m -> m.roundTripNanos() < 0 ? Double.NaN : m.roundTripNanos() / 1e9);
    }

    /**
     * Rejections whose reason has this tag: a binary status's or an HTTP/2 reason's constant name in lower case
     * ({@code unknown}: every undocumented one).
     */
    static double rejected(SenderMetrics metrics, String tag) {
        long count = 0;
        for (Map.Entry<String, Long> entry : metrics.rejected().entrySet()) {
            if (tagOf(entry.getKey()).equals(tag)) {
                count += entry.getValue();
            }
        }
        return count;
    }

    /** The tag of a key of {@link SenderMetrics#rejected()}: a decimal status code, or an HTTP/2 reason string. */
    static String tagOf(String key) {
        if (!key.isEmpty() && key.length() <= 3 && key.chars().allMatch(Character::isDigit)) {
            int code = Integer.parseInt(key);
            return code <= 255 ? Status.of(code).reason().name().toLowerCase(Locale.ROOT) : "unknown";
        }
        return Http2Reason.of(400, key).code().name().toLowerCase(Locale.ROOT);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<SenderMetrics> value) {
        FunctionCounter.builder(name, sender, s -> value.applyAsDouble(s.metrics()))
                .description(description).tags(tags).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<SenderMetrics> value) {
        Gauge.builder(name, sender, s -> value.applyAsDouble(s.metrics()))
                .description(description).tags(tags).register(registry);
    }
}
