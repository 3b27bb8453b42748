package dev.apns.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Protocol;
import dev.apns.gateway.AppKey;
import dev.apns.gateway.InvalidFieldException;
import dev.apns.gateway.app.AppSender;
import dev.apns.gateway.app.AppSpec;
import dev.apns.gateway.app.Apps;
import dev.apns.gateway.store.AppRecord;
import dev.apns.gateway.store.DeadToken;
import dev.apns.gateway.store.Disconnection;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.gateway.store.NewNotification;
import dev.apns.gateway.store.StoredNotification;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's REST interface, pyapns-compatible under {@code /apps}: list apps, read and provision one, post
 * notifications, read a notification's result, the feedback (dead tokens) and the disconnection log. Every
 * answer is in pyapns's envelope; every refusal names what was wrong.
 */
public final class RestApi {
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    private static final String APP = "/apps/{app}/{environment}";
    private static final int MAX_LIST = 1_000;

    private final JdbcStore store;
    private final Apps apps;
    private final Access access;
    private final QueueLimit queue;
    private final Clock clock;
    private final int maxPerRequest;
    private final Runnable onEnqueued;
    private volatile boolean accepting = true;

    /**
     * @param keys          the API keys (none: open, on loopback only)
     * @param maxQueued     how many notifications may wait across all instances before posts are refused
     * @param maxPerRequest how many notifications one post may carry
     * @param onEnqueued    told after notifications were stored (wakes the dispatcher)
     */
    public RestApi(JdbcStore store, Apps apps, List<ApiKey> keys, long maxQueued, int maxPerRequest, Clock clock,
                   Runnable onEnqueued) {
        this.store = store;
        this.apps = apps;
        this.access = new Access(keys);
        this.queue = new QueueLimit(store, maxQueued);
        this.clock = clock;
        this.maxPerRequest = maxPerRequest;
        this.onEnqueued = onEnqueued;
    }

    /** Whether no API key is configured (allowed on loopback only). */
    public boolean isOpen() {
        return access.isOpen();
    }

    /** Stops taking notifications: posts are answered 503 with Retry-After from now on. */
    public void stopAccepting() {
        accepting = false;
    }

    /** The queue depth as last seen by this instance. */
    public long queueDepth() {
        return queue.depth();
    }

    /** Registers the routes and the error handling on a Javalin configuration. */
    public void register(JavalinConfig config) {
        config.routes.get("/apps", this::listApps);
        config.routes.get(APP, this::readApp);
        config.routes.post(APP, this::provision);
        config.routes.post(APP + "/notifications", this::postNotifications);
        config.routes.get(APP + "/notifications/{id}", this::readNotification);
        config.routes.get(APP + "/feedback", this::feedback);
        config.routes.get(APP + "/disconnections", this::disconnections);
        config.routes.exception(RestException.class, (e, ctx) -> {
            if (e.retryAfterSeconds() > 0) {
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            Envelope.error(ctx, e.status(), e.getMessage(), e.field());
        });
        config.routes.exception(InvalidFieldException.class,
                (e, ctx) -> Envelope.error(ctx, 400, e.getMessage(), e.field()));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            Envelope.error(ctx, 500, "the gateway failed to answer (" + e.getClass().getSimpleName()
                    + "); see its log", null);
        });
        config.routes.error(404, ctx -> {
            if (ctx.result() == null) {
                Envelope.error(ctx, 404, "no such resource: " + ctx.method() + " " + ctx.path(), null);
            }
        });
        config.routes.error(405, ctx -> Envelope.error(ctx, 405, "method not allowed: " + ctx.method() + " "
                + ctx.path(), null));
        config.routes.error(413, ctx -> Envelope.error(ctx, 413, "the request body is too large", "body"));
    }

    Access access() {
        return access;
    }

    private void listApps(Context ctx) {
        Optional<ApiKey> key = access.isOpen() ? Optional.empty() : Optional.of(requireKey(ctx));
        ArrayNode list = Envelope.JSON.createArrayNode();
        for (AppRecord record : store.apps()) {
            if (key.isEmpty() || key.get().permits(record.key())) {
                list.add(appView(record));
            }
        }
        Envelope.ok(ctx, 200, list);
    }

    private ApiKey requireKey(Context ctx) {
        return access.keyOf(ctx).orElseThrow(() -> new RestException(401,
                ctx.header("Authorization") == null ? "an API key is required: send \"Authorization: Bearer <key>\""
                        : "the API key is not valid", null));
    }

    private void readApp(Context ctx) {
        AppKey key = appKey(ctx);
        access.requireApp(ctx, key);
        AppRecord record = store.app(key).orElseThrow(() -> notProvisioned(key));
        Envelope.ok(ctx, 200, appView(record));
    }

    private void provision(Context ctx) {
        AppKey key = appKey(ctx);
        access.requireAdmin(ctx);
        AppSpec spec = AppSpec.parse(Envelope.parse(ctx));
        AppRecord record = apps.provision(key, spec);
        LOG.info("Provisioned {} (version {})", key, record.version());
        Envelope.ok(ctx, 201, appView(record));
    }

    private ObjectNode appView(AppRecord record) {
        ObjectNode node = Envelope.JSON.createObjectNode();
        node.put("type", "app");
        node.put("app_id", record.key().appId());
        node.put("environment", record.key().environment());
        node.setAll(AppSpec.fromStored(record.spec()).publicView());
        node.put("version", record.version());
        apps.problem(record.key()).ifPresent(problem -> node.put("problem", problem));
        return node;
    }

    private void postNotifications(Context ctx) {
        AppKey key = appKey(ctx);
        access.requireApp(ctx, key);
        if (!accepting) {
            throw new RestException(503, "the gateway is stopping; send to another instance or try again", null, 5);
        }
        AppRecord app = store.app(key).orElseThrow(() -> notProvisioned(key));
        boolean callback = apps.sender(key).map(AppSender::spec).orElseGet(() -> AppSpec.fromStored(app.spec()))
                .callbackUrl().isPresent();
        JsonNode body = Envelope.parse(ctx);
        List<NewNotification> notifications = NotificationRequests.parse(key, body, maxPerRequest);
        String idempotencyKey = ctx.header("Idempotency-Key");
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw new RestException(400, "Idempotency-Key must have 1 to 255 characters", "Idempotency-Key");
        }
        ArrayNode views = Envelope.JSON.createArrayNode();
        for (NewNotification notification : notifications) {
            ObjectNode view = Envelope.JSON.createObjectNode();
            view.put("type", "notification");
            view.put("id", notification.apnsId());
            if (notification.identifier() != null) {
                view.put("identifier", notification.identifier());
            }
            view.put("token", notification.token());
            view.put("status", "queued");
            views.add(view);
        }
        String response = Envelope.okText(202, body.isArray() ? views : views.get(0));
        long now = clock.millis();
        queue.reserve(notifications.size(), now);
        Optional<String> earlier = store.enqueue(key, idempotencyKey, notifications, response, callback, now);
        if (earlier.isPresent()) {
            ctx.header("Idempotent-Replayed", "true");
            Envelope.send(ctx, 202, earlier.get());
            return;
        }
        onEnqueued.run();
        Envelope.send(ctx, 202, response);
    }

    private void readNotification(Context ctx) {
        AppKey key = appKey(ctx);
        access.requireApp(ctx, key);
        String id = ctx.pathParam("id");
        StoredNotification stored = store.notification(key, id).orElseThrow(() -> new RestException(404,
                "no notification " + id + " for app " + key, "id"));
        Envelope.ok(ctx, 200, NotificationJson.of(stored));
    }

    private void feedback(Context ctx) {
        AppKey key = appKey(ctx);
        access.requireApp(ctx, key);
        if (store.app(key).isEmpty()) {
            throw notProvisioned(key);
        }
        long since = longParam(ctx, "since", 0);
        Optional<AppSender> sender = apps.sender(key);
        if (sender.isPresent() && sender.get().spec().protocol() == Protocol.BINARY) {
            readFeedbackService(key, sender.get());
        }
        ArrayNode list = Envelope.JSON.createArrayNode();
        for (DeadToken token : store.deadTokens(key, since, MAX_LIST)) {
            ObjectNode node = list.addObject();
            node.put("type", "feedback");
            node.put("token", token.token());
            node.put("reason", token.reason());
            node.put("timestamp", Instant.ofEpochMilli(token.since()).toString());
            node.put("source", token.source());
        }
        Envelope.ok(ctx, 200, list);
    }

    private void readFeedbackService(AppKey key, AppSender sender) {
        List<DeadToken> tokens = new ArrayList<>();
        try (Feedback feedback = sender.session().feedback()) {
            for (FeedbackEntry entry : feedback.readAll()) {
                tokens.add(new DeadToken(entry.token().toHex(), "Feedback", entry.time().toEpochMilli(), "feedback"));
            }
            // What was read is kept even when the read ended early; the reason goes to the log.
            feedback.failure().ifPresent(failure -> LOG.warn("The feedback read for {} ended early after {} entries:"
                    + " {}", key, tokens.size(), failure.getMessage()));
        } finally {
            store.addDeadTokens(key, tokens, clock.millis());
        }
    }

    private void disconnections(Context ctx) {
        AppKey key = appKey(ctx);
        access.requireApp(ctx, key);
        if (store.app(key).isEmpty()) {
            throw notProvisioned(key);
        }
        ArrayNode list = Envelope.JSON.createArrayNode();
        for (Disconnection entry : store.disconnections(key, (int) Math.min(longParam(ctx, "limit", 100), MAX_LIST))) {
            ObjectNode node = list.addObject();
            node.put("type", "disconnection");
            node.put("timestamp", Instant.ofEpochMilli(entry.at()).toString());
            putIfPresent(node, "token", entry.token());
            putIfPresent(node, "id", entry.apnsId());
            putIfPresent(node, "identifier", entry.identifier());
            node.put("reason", entry.reason());
            putIfPresent(node, "detail", entry.detail());
        }
        Envelope.ok(ctx, 200, list);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static long longParam(Context ctx, String name, long otherwise) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return otherwise;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new RestException(400, name + " must be a whole number of at least 0", name);
        }
    }

    private static AppKey appKey(Context ctx) {
        try {
            return new AppKey(ctx.pathParam("app"), ctx.pathParam("environment"));
        } catch (IllegalArgumentException e) {
            throw new RestException(400, e.getMessage(), "path");
        }
    }

    private static RestException notProvisioned(AppKey key) {
        return new RestException(404, "app " + key + " is not provisioned; POST /apps/" + key + " first", "path");
    }
}
