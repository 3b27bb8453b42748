package dev.apns.gateway.callback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.gateway.AppKey;
import dev.apns.gateway.app.AppSpec;
import dev.apns.gateway.http.NotificationJson;
import dev.apns.gateway.store.AppRecord;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.gateway.store.StoredNotification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts final results to the callback URL of apps that have one: batches of up to {@value #BATCH} results as
 * {@code {"type": "results", "app_id": ..., "environment": ..., "results": [...]}} (each result as a client
 * reading it would see it), oldest first. A result counts as delivered once the URL answered 2xx; until then it
 * is posted again, after a wait that doubles from 1 s to 5 minutes per app (at-least-once: a receiver dedupes
 * by {@code id}). Of several instances sharing a database, one posts (the live instance with the smallest id),
 * so that results are not posted by each.
 */
public final class ResultCallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(ResultCallbacks.class);
    static final int BATCH = 500;
    private static final int MAX_BATCHES_PER_ROUND = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcStore store;
    private final String instanceId;
    private final Clock clock;
    private final Duration deadAfter;
    private final HttpClient client;
    private final Map<AppKey, Backoff> backoff = new HashMap<>();

    private record Backoff(long notBefore, long delay) {
    }

    private record Target(long version, Optional<URI> url) {
    }

    private final Map<AppKey, Target> targets = new HashMap<>();

    /** Callbacks for instance {@code instanceId}, which posts when it is the leader among live instances. */
    public ResultCallbacks(JdbcStore store, String instanceId, Clock clock, Duration deadAfter) {
        this.store = store;
        this.instanceId = instanceId;
        this.clock = clock;
        this.deadAfter = deadAfter;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** One round: posts what is pending for every app with a callback URL (called periodically, one thread). */
    public void run() {
        long now = clock.millis();
        List<String> live = store.liveInstances(now - deadAfter.toMillis());
        if (!live.isEmpty() && !live.stream().sorted().findFirst().get().equals(instanceId)) {
            return;
        }
        for (AppRecord record : store.apps()) {
            Target target = targets.get(record.key());
            if (target == null || target.version() != record.version()) {
                target = new Target(record.version(), AppSpec.fromStored(record.spec()).callbackUrl());
                targets.put(record.key(), target);
            }
            Optional<URI> url = target.url();
            Backoff wait = backoff.get(record.key());
            if (url.isEmpty() || wait != null && wait.notBefore() > now) {
                continue;
            }
            for (int round = 0; round < MAX_BATCHES_PER_ROUND; round++) {
                List<StoredNotification> pending = store.pendingCallbacks(record.key(), BATCH);
                if (pending.isEmpty() || !post(record.key(), url.get(), pending)) {
                    break;
                }
                if (pending.size() < BATCH) {
                    break;
                }
            }
        }
    }

    private boolean post(AppKey app, URI url, List<StoredNotification> pending) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "results");
        body.put("app_id", app.appId());
        body.put("environment", app.environment());
        ArrayNode results = body.putArray("results");
        List<String> ids = new ArrayList<>(pending.size());
        for (StoredNotification stored : pending) {
            results.add(NotificationJson.of(stored));
            ids.add(stored.notification().apnsId());
        }
        String problem;
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                store.callbacksDone(ids);
                if (backoff.remove(app) != null) {
                    LOG.info("Callbacks of {} are delivered again", app);
                }
                return true;
            }
            problem = "answered HTTP " + response.statusCode();
        } catch (IOException e) {
            problem = "could not be reached (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        Backoff previous = backoff.get(app);
        long delay = previous == null ? 1_000 : Math.min(previous.delay() * 2, 300_000);
        backoff.put(app, new Backoff(clock.millis() + delay, delay));
        if (previous == null) {
            LOG.warn("The callback URL of {} {}; its {} results are kept and posted again (next in {} ms)", app,
                    problem, pending.size(), delay);
        }
        return false;
    }
}
