package dev.apns.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apns.gateway.delivery.DeliverySettings;
import dev.apns.gateway.http.ApiKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything a gateway is started with; build with {@link #builder()}. The defaults run a single gateway on
 * 127.0.0.1:8088 with its queue in SQLite under {@code ./apns-gateway-data}, open to local clients (no API
 * keys), as pyapns did. {@link #toString()} shows no secret.
 */
public final class GatewayConfig {
    /** The TLS settings of the REST listener: a PKCS#12 key store with the server's key and certificate. */
    public record Tls(Path keyStore, String password) {
        /** Checks the parts. */
        public Tls {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Tls[" + keyStore + "]";
        }
    }

    private final String host;
    private final int port;
    private final Path dataDirectory;
    private final String databaseUrl;
    private final String databaseUser;
    private final String databasePassword;
    private final List<ApiKey> apiKeys;
    private final Map<AppKey, JsonNode> apps;
    private final Tls tls;
    private final long maxQueued;
    private final int maxPerRequest;
    private final long maxRequestBytes;
    private final DeliverySettings delivery;
    private final String backend;
    private final String instanceId;
    private final Duration heartbeat;
    private final Duration deadAfter;
    private final Duration shutdownDeadline;
    private final Duration retention;
    private final Clock clock;

    private GatewayConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.dataDirectory = b.dataDirectory;
        this.databaseUrl = b.databaseUrl;
        this.databaseUser = b.databaseUser;
        this.databasePassword = b.databasePassword;
        this.apiKeys = List.copyOf(b.apiKeys);
        this.apps = Map.copyOf(b.apps);
        this.tls = b.tls;
        this.maxQueued = b.maxQueued;
        this.maxPerRequest = b.maxPerRequest;
        this.maxRequestBytes = b.maxRequestBytes;
        this.delivery = b.delivery;
        this.backend = b.backend;
        this.instanceId = b.instanceId != null ? b.instanceId : "gw-" + UUID.randomUUID().toString().substring(0, 8);
        this.heartbeat = b.heartbeat;
        this.deadAfter = b.deadAfter;
        this.shutdownDeadline = b.shutdownDeadline;
        this.retention = b.retention;
        this.clock = b.clock;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The address the REST interface listens on. */
    public String host() {
        return host;
    }

    /** The port (0: any free one). */
    public int port() {
        return port;
    }

    /** Where the embedded database lives (when no database URL is given). */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The PostgreSQL JDBC URL, when the queue is there instead of the embedded database. */
    public Optional<String> databaseUrl() {
        return Optional.ofNullable(databaseUrl);
    }

    /** The database user, or null. */
    public String databaseUser() {
        return databaseUser;
    }

    /** The database password, or null. */
    public String databasePassword() {
        return databasePassword;
    }

    /** The API keys (none: open, on loopback only). */
    public List<ApiKey> apiKeys() {
        return apiKeys;
    }

    /** Apps to provision at start-up, each as a provisioning document. */
    public Map<AppKey, JsonNode> apps() {
        return apps;
    }

    /** TLS for the REST listener, if on. */
    public Optional<Tls> tls() {
        return Optional.ofNullable(tls);
    }

    /** How many notifications may wait, over all instances, before posts are refused with 429. */
    public long maxQueued() {
        return maxQueued;
    }

    /** How many notifications one post may carry. */
    public int maxPerRequest() {
        return maxPerRequest;
    }

    /** The largest request body taken. */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    /** How the queue is worked. */
    public DeliverySettings delivery() {
        return delivery;
    }

    /** The SDK backend to send with, or null for the best available. */
    public String backend() {
        return backend;
    }

    /** This instance's id in the shared queue. */
    public String instanceId() {
        return instanceId;
    }

    /** How often this instance tells the database it is alive. */
    public Duration heartbeat() {
        return heartbeat;
    }

    /** After how long without a heartbeat an instance's claimed notifications go back to the queue. */
    public Duration deadAfter() {
        return deadAfter;
    }

    /** How long a graceful stop may take to finish what is in flight. */
    public Duration shutdownDeadline() {
        return shutdownDeadline;
    }

    /** How long finished notifications (and idempotency keys) are kept. */
    public Duration retention() {
        return retention;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "GatewayConfig[" + host + ":" + port + ", " + (databaseUrl != null ? "PostgreSQL"
                : "SQLite in " + dataDirectory) + ", " + apiKeys.size() + " API keys, " + apps.size()
                + " apps from configuration, instance " + instanceId + "]";
    }

    /** Builds a {@link GatewayConfig}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8088;
        private Path dataDirectory = Path.of("apns-gateway-data");
        private String databaseUrl;
        private String databaseUser;
        private String databasePassword;
        private final List<ApiKey> apiKeys = new ArrayList<>();
        private final Map<AppKey, JsonNode> apps = new LinkedHashMap<>();
        private Tls tls;
        private long maxQueued = 1_000_000;
        private int maxPerRequest = 10_000;
        private long maxRequestBytes = 16L << 20;
        private DeliverySettings delivery = DeliverySettings.defaults();
        private String backend;
        private String instanceId;
        private Duration heartbeat = Duration.ofSeconds(2);
        private Duration deadAfter = Duration.ofSeconds(10);
        private Duration shutdownDeadline = Duration.ofSeconds(10);
        private Duration retention = Duration.ofDays(7);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The address to listen on (127.0.0.1 by default). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (8088 by default, pyapns's; 0 for any free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Where the embedded database lives. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Keeps the queue in PostgreSQL instead ({@code jdbc:postgresql://host:port/database}). */
        public Builder database(String jdbcUrl, String user, String password) {
            this.databaseUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            this.databaseUser = user;
            this.databasePassword = password;
            return this;
        }

        /** Adds an API key. */
        public Builder apiKey(ApiKey key) {
            this.apiKeys.add(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** Provisions an app at start-up (unless it is stored with the same document already). */
        public Builder app(AppKey key, JsonNode provisioning) {
            this.apps.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(provisioning, "provisioning"));
            return this;
        }

        /** Serves the REST interface over TLS. */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        /** How many notifications may wait before posts are refused (1,000,000 by default). */
        public Builder maxQueued(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxQueued must be at least 1");
            }
            this.maxQueued = max;
            return this;
        }

        /** How many notifications one post may carry (10,000 by default). */
        public Builder maxPerRequest(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPerRequest must be at least 1");
            }
            this.maxPerRequest = max;
            return this;
        }

        /** The largest request body taken (16 MiB by default). */
        public Builder maxRequestBytes(long max) {
            if (max < 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be at least 1024");
            }
            this.maxRequestBytes = max;
            return this;
        }

        /** How the queue is worked. */
        public Builder delivery(DeliverySettings delivery) {
            this.delivery = Objects.requireNonNull(delivery, "delivery");
            return this;
        }

        /** The SDK backend to send with ({@code blocking}, {@code netty}, ...). */
        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        /**
         * This instance's id (a random one by default). Every instance running on one database needs its own: an
         * instance that starts takes back, as possibly sent, whatever is still claimed under its id.
         */
        public Builder instanceId(String id) {
            this.instanceId = Objects.requireNonNull(id, "id");
            return this;
        }

        /** The heartbeat interval and after how long without one an instance counts as dead (2 s and 10 s). */
        public Builder liveness(Duration heartbeat, Duration deadAfter) {
            if (deadAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("deadAfter must be at least twice the heartbeat interval");
            }
            this.heartbeat = heartbeat;
            this.deadAfter = deadAfter;
            return this;
        }

        /** How long a graceful stop may take (10 s by default). */
        public Builder shutdownDeadline(Duration deadline) {
            this.shutdownDeadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /** How long finished notifications are kept (7 days by default). */
        public Builder retention(Duration retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /** The clock (for tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The configuration. */
        public GatewayConfig build() {
            return new GatewayConfig(this);
        }
    }
}
