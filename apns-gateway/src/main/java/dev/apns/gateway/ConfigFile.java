package dev.apns.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apns.gateway.delivery.DeliverySettings;
import dev.apns.gateway.http.ApiKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * The gateway's configuration file, JSON: the listener, the database, API keys and apps to provision at start-up.
 * Every key is optional; command-line options given as well win.
 *
 * <pre>{@code
 * {
 *   "host": "127.0.0.1", "port": 8088, "data_dir": "/var/lib/apns-gateway",
 *   "database_url": "jdbc:postgresql://db/apns", "database_user": "apns", "database_password_env": "DB_PASSWORD",
 *   "tls": {"keystore": "/etc/apns-gateway/server.p12", "password_env": "TLS_PASSWORD"},
 *   "max_queued": 1000000,
 *   "heartbeat_ms": 2000, "dead_after_ms": 10000,
 *   "delivery": {"max_in_flight": 20000, "claim_batch": 1000},
 *   "api_keys": [{"name": "ops", "key_env": "OPS_KEY", "admin": true},
 *                {"name": "shop", "key": "…", "apps": ["com.example.shop"]}],
 *   "apps": [{"app_id": "com.example.shop", "environment": "production",
 *             "key": "/etc/apns-gateway/AuthKey_ABC123DEFG.p8", "key_id": "ABC123DEFG", "team_id": "DEF123GHIJ",
 *             "topic": "com.example.shop"}]
 * }
 * }</pre>
 * Secrets can be named by environment variable ({@code *_env}) instead of written in the file.
 */
public final class ConfigFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KNOWN = Set.of("host", "port", "data_dir", "database_url", "database_user",
            "database_password", "database_password_env", "tls", "max_queued", "max_per_request", "backend",
            "api_keys", "apps", "instance_id", "heartbeat_ms", "dead_after_ms", "delivery");
    private static final Set<String> KNOWN_TLS = Set.of("keystore", "password", "password_env");
    private static final Set<String> KNOWN_API_KEY = Set.of("name", "key", "key_env", "apps", "admin");
    private static final Set<String> DELIVERY = Set.of("max_in_flight", "claim_batch", "max_attempts");

    private ConfigFile() {
    }

    /**
     * Reads {@code file} into {@code builder}.
     *
     * @throws InvalidFieldException naming the first key that is wrong, or the file when it is not JSON
     */
    public static GatewayConfig.Builder read(Path file, GatewayConfig.Builder builder) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new InvalidFieldException(file.toString(), "cannot be read as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidFieldException(file.toString(), "must hold a JSON object");
        }
        refuseUnknown(root, "", KNOWN);
        text(root, "host").ifPresent(builder::host);
        if (root.has("port")) {
            builder.port((int) integer(root, "port"));
        }
        text(root, "data_dir").map(Path::of).ifPresent(builder::dataDirectory);
        text(root, "database_url").ifPresent(url -> builder.database(url, text(root, "database_user").orElse(null),
                secret(root, "", "database_password").orElse(null)));
        text(root, "backend").ifPresent(builder::backend);
        text(root, "instance_id").ifPresent(builder::instanceId);
        if (root.has("max_queued")) {
            builder.maxQueued(integer(root, "max_queued"));
        }
        if (root.has("max_per_request")) {
            builder.maxPerRequest((int) integer(root, "max_per_request"));
        }
        if (root.has("heartbeat_ms") || root.has("dead_after_ms")) {
            GatewayConfig defaults = GatewayConfig.builder().build();
            long heartbeat = root.has("heartbeat_ms") ? integer(root, "heartbeat_ms") : defaults.heartbeat().toMillis();
            long deadAfter = root.has("dead_after_ms") ? integer(root, "dead_after_ms")
                    : defaults.deadAfter().toMillis();
            if (heartbeat < 1) {
                throw new InvalidFieldException("heartbeat_ms", "must be at least 1");
            }
            try {
                builder.liveness(Duration.ofMillis(heartbeat), Duration.ofMillis(deadAfter));
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("dead_after_ms", e.getMessage(), e);
            }
        }
        JsonNode delivery = root.get("delivery");
        if (delivery != null) {
            builder.delivery(delivery(delivery));
        }
        JsonNode tls = root.get("tls");
        if (tls != null) {
            refuseUnknown(tls, "tls.", KNOWN_TLS);
            builder.tls(new GatewayConfig.Tls(Path.of(text(tls, "keystore").orElseThrow(
                    () -> new InvalidFieldException("tls.keystore", "is required"))),
                    secret(tls, "tls.", "password").orElseThrow(() -> new InvalidFieldException("tls.password",
                            "is required (or tls.password_env)"))));
        }
        JsonNode keys = root.get("api_keys");
        if (keys != null) {
            for (int i = 0; i < keys.size(); i++) {
                JsonNode key = keys.get(i);
                String field = "api_keys[" + i + "]";
                refuseUnknown(key, field + ".", KNOWN_API_KEY);
                String name = text(key, "name").orElse("key-" + i);
                String secret = secret(key, field + ".", "key").orElseThrow(() -> new InvalidFieldException(field + ".key",
                        "is required (or " + field + ".key_env)"));
                Set<String> apps = new HashSet<>();
                JsonNode list = key.get("apps");
                if (list != null) {
                    list.forEach(app -> apps.add(app.asText()));
                }
                try {
                    builder.apiKey(ApiKey.of(name, secret, apps, key.path("admin").asBoolean(false)));
                } catch (IllegalArgumentException e) {
                    throw new InvalidFieldException(field + ".key", e.getMessage(), e);
                }
            }
        }
        JsonNode apps = root.get("apps");
        if (apps != null) {
            for (int i = 0; i < apps.size(); i++) {
                JsonNode app = apps.get(i);
                String field = "apps[" + i + "]";
                AppKey key;
                try {
                    key = new AppKey(text(app, "app_id").orElse(""), text(app, "environment").orElse(""));
                } catch (IllegalArgumentException e) {
                    throw new InvalidFieldException(field, e.getMessage(), e);
                }
                com.fasterxml.jackson.databind.node.ObjectNode document = app.deepCopy();
                document.remove("app_id");
                document.remove("environment");
                builder.app(key, document);
            }
        }
        return builder;
    }

    private static DeliverySettings delivery(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidFieldException("delivery", "must be an object");
        }
        refuseUnknown(node, "delivery.", DELIVERY);
        DeliverySettings defaults = DeliverySettings.defaults();
        int maxInFlight = positive(node, "max_in_flight", defaults.maxInFlight());
        int claimBatch = positive(node, "claim_batch", defaults.claimBatch());
        int maxAttempts = positive(node, "max_attempts", defaults.maxAttempts());
        return new DeliverySettings(maxInFlight, claimBatch, maxAttempts, defaults.retryFirst(), defaults.retryMax(),
                defaults.idlePoll());
    }

    private static int positive(JsonNode node, String field, int otherwise) {
        if (!node.has(field)) {
            return otherwise;
        }
        JsonNode given = node.get(field);
        long value = given.isIntegralNumber() ? given.asLong() : 0;
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new InvalidFieldException("delivery." + field, "must be a whole number from 1 to " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    private static java.util.Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? java.util.Optional.empty() : java.util.Optional.of(value.asText());
    }

    private static long integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isIntegralNumber()) {
            throw new InvalidFieldException(field, "must be a whole number");
        }
        return value.asLong();
    }

    private static void refuseUnknown(JsonNode node, String prefix, Set<String> known) {
        if (!node.isObject()) {
            throw new InvalidFieldException(prefix.isEmpty() ? "(file)" : prefix.substring(0, prefix.length() - 1),
                    "must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidFieldException(prefix + name, "is not a configuration key (known here: "
                        + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    /**
     * A secret given in the file, or named by {@code field_env}; a named variable that is not set is an error naming
     * the field ({@code prefix} + {@code field_env}) and the variable, never a value.
     */
    private static java.util.Optional<String> secret(JsonNode node, String prefix, String field) {
        java.util.Optional<String> variable = text(node, field + "_env");
        if (variable.isPresent()) {
            String value = System.getenv(variable.get());
            if (value == null || value.isEmpty()) {
                throw new InvalidFieldException(prefix + field + "_env", "names the environment variable "
                        + variable.get() + ", which is not set");
            }
            return java.util.Optional.of(value);
        }
        return text(node, field);
    }
}
