package dev.apns.gateway.app;

import dev.apns.ConnectionEnded;
import dev.apns.gateway.AppKey;
import dev.apns.gateway.store.AppRecord;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.micrometer.ApnsSenderMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioned apps of this gateway instance: provisioning writes an app to the store and opens its sender;
 * {@link #refresh()} brings the live senders in line with the store, which is how an app provisioned through
 * another instance sharing the database reaches this one. An app whose sender cannot be opened stays listed with
 * the reason.
 */
public final class Apps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Apps.class);

    private final JdbcStore store;
    private final Clock clock;
    private final String backend;
    private final int maxPendingPerApp;
    private final Duration shutdownDeadline;
    private final Map<AppKey, AppSender> live = new ConcurrentHashMap<>();
    private final Map<AppKey, String> problems = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final BiConsumer<AppKey, ConnectionEnded> connectionsEnded;

    /**
     * @param backend          the SDK backend's name, or null for the best available
     * @param maxPendingPerApp how many notifications each app's sender may hold
     * @param shutdownDeadline how long a replaced or closed sender may take to finish what is in flight
     * @param registry         where each app's sender publishes its meters (tagged {@code app} and
     *                         {@code environment})
     * @param connectionsEnded told of every connection of an app's sender that the server ended or that broke
     */
    public Apps(JdbcStore store, Clock clock, String backend, int maxPendingPerApp, Duration shutdownDeadline,
                MeterRegistry registry, BiConsumer<AppKey, ConnectionEnded> connectionsEnded) {
        this.registry = registry;
        this.connectionsEnded = connectionsEnded;
        this.store = store;
        this.clock = clock;
        this.backend = backend;
        this.maxPendingPerApp = maxPendingPerApp;
        this.shutdownDeadline = shutdownDeadline;
    }

    /** Stores the app (a new version when it exists) and opens its sender, replacing the old one. */
    public synchronized AppRecord provision(AppKey key, AppSpec spec) {
        AppRecord record = store.saveApp(key, spec.toStored(), spec.fingerprint(), spec.expiresAt(), clock.millis());
        open(record, spec);
        return record;
    }

    /** Opens, replaces and keeps senders so that they match the store's apps. */
    public synchronized void refresh() {
        for (AppRecord record : store.apps()) {
            AppSender current = live.get(record.key());
            boolean failedBefore = problems.containsKey(record.key());
            if (current == null && !failedBefore || current != null && current.version() != record.version()) {
                open(record, AppSpec.fromStored(record.spec()));
            }
        }
    }

    private void open(AppRecord record, AppSpec spec) {
        AppSender opened;
        try {
            opened = AppSender.open(record.key(), spec, record.version(), backend, maxPendingPerApp,
                    ended -> connectionsEnded.accept(record.key(), ended));
        } catch (RuntimeException e) {
            problems.put(record.key(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            LOG.error("App {} (version {}) cannot send: {}", record.key(), record.version(), e.getMessage());
            return;
        }
        problems.remove(record.key());
        AppSender old = live.put(record.key(), opened);
        Tags tags = Tags.of("app", record.key().appId(), "environment", record.key().environment());
        // The replaced sender's meters go first: meters with the same name and tags would otherwise stay bound
        // to it.
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (id.getName().startsWith("apns.sender.") && record.key().appId().equals(id.getTag("app"))
                    && record.key().environment().equals(id.getTag("environment"))) {
                registry.remove(meter);
            }
        }
        new ApnsSenderMetrics(opened.sender(), tags).bindTo(registry);
        LOG.info("App {} provisioned (version {}, {}, fingerprint {})", record.key(), record.version(),
                spec.protocol(), spec.fingerprint());
        if (old != null) {
            old.shutdown(shutdownDeadline);
        }
    }

    /** The live sender of an app, if it has one. */
    public Optional<AppSender> sender(AppKey key) {
        return Optional.ofNullable(live.get(key));
    }

    /** Why an app has no live sender, if it failed to open. */
    public Optional<String> problem(AppKey key) {
        return Optional.ofNullable(problems.get(key));
    }

    /** The live senders now. */
    public List<AppSender> senders() {
        return new ArrayList<>(live.values());
    }

    /**
     * Shuts every sender down within the shutdown deadline (together, not one after the other), waiting at most
     * two seconds beyond it: a sender that overruns is left to finish in the background.
     */
    @Override
    public synchronized void close() {
        List<Thread> stopping = new ArrayList<>();
        for (AppSender sender : live.values()) {
            Thread thread = new Thread(() -> sender.shutdown(shutdownDeadline), "apns-gateway-stop-" + sender.key());
            thread.start();
            stopping.add(thread);
        }
        long until = System.nanoTime() + shutdownDeadline.toNanos() + 2_000_000_000L;
        for (Thread thread : stopping) {
            try {
                thread.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        live.clear();
    }
}
