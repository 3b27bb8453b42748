package dev.apns.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.gateway.AppKey;
import dev.apns.gateway.NotificationState;
import dev.apns.gateway.app.AppSpec;
import dev.apns.gateway.app.Apps;
import dev.apns.gateway.store.AppRecord;
import dev.apns.gateway.store.Disconnection;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.gateway.store.StoredNotification;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What operators read: {@code /health} (200 while the database answers, 503 otherwise; no key needed),
 * {@code /metrics} (Prometheus; with API keys configured, an admin key, as the scraper's bearer token), and the status page {@code /status} with its data {@code /status.json} (apps,
 * queue depth, counts from which the page computes rates, recent rejections and disconnections). With API keys
 * configured, the data needs an admin key; the page asks for it and keeps it in the browser tab only.
 */
public final class StatusEndpoints {
    private static final int RECENT = 20;

    private final JdbcStore store;
    private final Apps apps;
    private final RestApi api;
    private final PrometheusMeterRegistry registry;
    private final String instanceId;
    private final LongSupplier inFlight;
    private final Clock clock;
    private final long startedAt;
    private final long deadAfterMillis;
    private final String page;

    /** Endpoints for this instance. */
    public StatusEndpoints(JdbcStore store, Apps apps, RestApi api, PrometheusMeterRegistry registry, String instanceId,
                           LongSupplier inFlight, Clock clock, long deadAfterMillis) {
        this.store = store;
        this.apps = apps;
        this.api = api;
        this.registry = registry;
        this.instanceId = instanceId;
        this.inFlight = inFlight;
        this.clock = clock;
        this.startedAt = clock.millis();
        this.deadAfterMillis = deadAfterMillis;
        this.page = resource("/dev/apns/gateway/status.html");
    }

    private static String resource(String name) {
        try (InputStream in = StatusEndpoints.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the gateway's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers the routes. */
    public void register(JavalinConfig config) {
        config.routes.get("/health", this::health);
        config.routes.get("/metrics", ctx -> {
            api.access().requireAdmin(ctx);
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
        });
        config.routes.get("/status", ctx -> ctx.contentType("text/html; charset=utf-8")
                .header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self';"
                        + " style-src 'unsafe-inline'")
                .result(page));
        config.routes.get("/status.json", this::status);
    }

    private void health(Context ctx) {
        ObjectNode body = Envelope.JSON.createObjectNode();
        body.put("instance", instanceId);
        try {
            store.depth();
            body.put("status", "up");
            body.put("database", "up");
            ctx.status(200);
        } catch (RuntimeException e) {
            body.put("status", "down");
            body.put("database", "down");
            body.put("error", e.getMessage());
            ctx.status(503);
        }
        ctx.contentType("application/json").result(body.toString());
    }

    private void status(Context ctx) {
        api.access().requireAdmin(ctx);
        ObjectNode body = Envelope.JSON.createObjectNode();
        long now = clock.millis();
        body.put("instance", instanceId);
        body.put("started", Instant.ofEpochMilli(startedAt).toString());
        body.put("now", now);
        ArrayNode instances = body.putArray("instances");
        store.liveInstances(now - deadAfterMillis).forEach(instances::add);
        ObjectNode queue = body.putObject("queue");
        queue.put("depth", store.depth());
        queue.put("in_flight_here", inFlight.getAsLong());
        Map<AppKey, Map<NotificationState, Long>> counts = store.countsByApp();
        ArrayNode list = body.putArray("apps");
        for (AppRecord record : store.apps()) {
            ObjectNode app = list.addObject();
            app.put("app_id", record.key().appId());
            app.put("environment", record.key().environment());
            AppSpec spec = AppSpec.fromStored(record.spec());
            app.put("protocol", spec.protocol().name().toLowerCase(java.util.Locale.ROOT));
            app.put("fingerprint", record.fingerprint());
            if (record.expiresAt() > 0) {
                app.put("expires", Instant.ofEpochMilli(record.expiresAt()).toString());
            }
            apps.problem(record.key()).ifPresent(problem -> app.put("problem", problem));
            ObjectNode appCounts = app.putObject("counts");
            for (NotificationState state : NotificationState.values()) {
                appCounts.put(state.wireName(), counts.getOrDefault(record.key(), Map.of()).getOrDefault(state, 0L));
            }
            ArrayNode disconnections = app.putArray("disconnections");
            for (Disconnection entry : store.disconnections(record.key(), 5)) {
                ObjectNode node = disconnections.addObject();
                node.put("timestamp", Instant.ofEpochMilli(entry.at()).toString());
                node.put("reason", entry.reason());
                if (entry.token() != null) {
                    node.put("token", entry.token());
                }
                if (entry.detail() != null) {
                    node.put("detail", entry.detail());
                }
            }
        }
        ArrayNode rejections = body.putArray("recent_rejections");
        for (StoredNotification stored : store.recentRejections(RECENT)) {
            ObjectNode node = NotificationJson.of(stored);
            node.put("app_id", stored.notification().app().appId());
            node.put("environment", stored.notification().app().environment());
            rejections.add(node);
        }
        ctx.contentType("application/json").result(body.toString());
    }
}
