package dev.apns.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apns.gateway.app.AppSpec;
import dev.apns.gateway.app.Apps;
import dev.apns.gateway.callback.ResultCallbacks;
import dev.apns.gateway.delivery.Dispatcher;
import dev.apns.gateway.http.RestApi;
import dev.apns.gateway.http.StatusEndpoints;
import dev.apns.gateway.store.AppRecord;
import dev.apns.gateway.store.Database;
import dev.apns.gateway.store.Dialect;
import dev.apns.gateway.store.JdbcStore;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running push gateway: the REST interface, the durable queue in its database, one streaming sender per
 * provisioned app, and the dispatcher between them. {@link #start} brings it up; {@link #close()} stops it
 * gracefully (posts are refused with 503, what is in flight finishes within the shutdown deadline, the rest stays
 * queued for the next start or for another instance).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Database database;
    private final JdbcStore store;
    private final Apps apps;
    private final Dispatcher dispatcher;
    private final RestApi api;
    private final ScheduledExecutorService housekeeping;
    private final ScheduledExecutorService callbackThread;
    private final ResultCallbacks callbacks;
    /**
     * The heartbeat (and the reaper) on a thread of its own: the housekeeping thread can be held for up to the
     * shutdown deadline (a sender replaced after another instance re-provisioned its app drains there, and purging
     * a large table takes a while), and a heartbeat held that long would make the other instances count this one
     * dead and send what it has in flight again.
     */
    private final ScheduledExecutorService liveness;
    private final PrometheusMeterRegistry registry;
    private Javalin server;

    private Gateway(GatewayConfig config, Database database) {
        this.config = config;
        this.database = database;
        this.store = new JdbcStore(database);
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.apps = new Apps(store, config.clock(), config.backend(),
                Math.min(config.delivery().maxInFlight(), 50_000), config.shutdownDeadline(), registry,
                this::connectionEnded);
        this.dispatcher = new Dispatcher(store, apps, config.instanceId(), config.clock(), config.delivery(), registry);
        this.api = new RestApi(store, apps, config.apiKeys(), config.maxQueued(), config.maxPerRequest(),
                config.clock(), dispatcher::wake);
        this.housekeeping = daemonScheduler("apns-gateway-housekeeping");
        this.liveness = daemonScheduler("apns-gateway-heartbeat");
        this.callbackThread = daemonScheduler("apns-gateway-callbacks");
        this.callbacks = new ResultCallbacks(store, config.instanceId(), config.clock(), config.deadAfter());
    }

    /**
     * Starts a gateway: opens and migrates the database, provisions the configured apps, gives back what a
     * previous run of this instance left claimed, and starts delivering and listening.
     *
     * @throws InvalidFieldException naming {@code api_keys} when it would listen beyond loopback without API keys
     * @throws dev.apns.gateway.store.StoreException when the database cannot be opened
     * @throws InvalidFieldException when a configured app is wrong
     */
    public static Gateway start(GatewayConfig config) {
        if (config.apiKeys().isEmpty() && !isLoopback(config.host())) {
            throw new InvalidFieldException("api_keys", "the gateway would listen on " + config.host() + " with no API"
                    + " key, open to anyone who can reach it; configure API keys or listen on 127.0.0.1");
        }
        Database database = config.databaseUrl()
                .map(url -> Database.connect(url, config.databaseUser(), config.databasePassword()))
                .orElseGet(() -> Database.embedded(config.dataDirectory()));
        Gateway gateway = new Gateway(config, database);
        try {
            gateway.startUp();
            return gateway;
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    private void startUp() {
        long now = config.clock().millis();
        for (var entry : config.apps().entrySet()) {
            provisionFromConfig(entry.getKey(), entry.getValue());
        }
        apps.refresh();
        if (database.dialect() == Dialect.SQLITE) {
            // One process holds the embedded database: whatever is still marked sending was left by a previous run
            // that did not stop cleanly. It may have reached APNs, so it goes again, marked as possibly sent.
            int released = store.releaseAbandoned(Long.MAX_VALUE);
            if (released > 0) {
                LOG.warn("{} notifications were being sent when the gateway last stopped without finishing; they are"
                        + " queued again (at-least-once: some may reach devices twice)", released);
            }
        } else {
            // A shared database: another instance frees what a dead one held once its heartbeats stop, but an instance
            // restarted with the same id is alive again at once, so it takes back what its previous run left itself.
            int released = store.releaseLeftBy(config.instanceId());
            if (released > 0) {
                LOG.warn("{} notifications were being sent by an earlier run of instance {} that did not stop cleanly;"
                        + " they are queued again (at-least-once: some may reach devices twice). Give every running"
                        + " instance its own id.", released, config.instanceId());
            }
        }
        store.heartbeat(config.instanceId(), now);
        Gauge.builder("apns.gateway.queue.depth", api, RestApi::queueDepth)
                .description("notifications queued or being sent, all instances (as last read)").register(registry);
        long heartbeat = config.heartbeat().toMillis();
        liveness.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::refreshApps, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::purge, 1, 60, TimeUnit.MINUTES);
        callbackThread.scheduleWithFixedDelay(this::postCallbacks, 500, 500, TimeUnit.MILLISECONDS);
        dispatcher.start();
        StatusEndpoints status = new StatusEndpoints(store, apps, api, registry, config.instanceId(),
                dispatcher::inFlight, config.clock(), config.deadAfter().toMillis());
        server = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.http.maxRequestSize = config.maxRequestBytes();
            javalin.jetty.host = config.host();
            javalin.jetty.port = config.port();
            config.tls().ifPresent(tls -> javalin.jetty.addConnector((jetty, http) -> tlsConnector(jetty, http, tls)));
            api.register(javalin);
            status.register(javalin);
        });
        // Javalin adds its plain HTTP connector only when no other connector was added: with TLS, the TLS connector
        // is the only listener, on the configured host and port.
        server.start();
        LOG.info("apns-gateway {} listening on {} ({}; {})", config.instanceId(), String.join(", ", listeners()),
                database, api.isOpen() ? "no API keys: open to local clients" : config.apiKeys().size() + " API keys");
    }

    private org.eclipse.jetty.server.Connector tlsConnector(org.eclipse.jetty.server.Server jetty,
                                                            HttpConfiguration http, GatewayConfig.Tls tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keyStore().toAbsolutePath().toString());
        ssl.setKeyStorePassword(tls.password());
        ssl.setKeyStoreType("PKCS12");
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost(config.host());
        connector.setPort(config.port());
        return connector;
    }

    private void provisionFromConfig(AppKey key, JsonNode document) {
        AppSpec spec;
        try {
            spec = AppSpec.parse(document);
        } catch (InvalidFieldException e) {
            throw e.within("apps." + key);
        }
        Optional<AppRecord> stored = store.app(key);
        if (stored.isPresent() && AppSpec.fromStored(stored.get().spec()).equals(spec)) {
            return;
        }
        apps.provision(key, spec);
    }

    private void connectionEnded(AppKey app, dev.apns.ConnectionEnded ended) {
        dispatcher.connectionEnded(app, ended);
    }

    private void heartbeat() {
        try {
            long now = config.clock().millis();
            store.heartbeat(config.instanceId(), now);
            int released = store.releaseAbandoned(now - config.deadAfter().toMillis());
            if (released > 0) {
                LOG.warn("{} notifications claimed by an instance that stopped sending heartbeats are queued again"
                        + " (at-least-once: some may reach devices twice)", released);
                dispatcher.wake();
            }
        } catch (RuntimeException e) {
            LOG.error("Could not record this instance's heartbeat: {}", e.getMessage());
        }
    }

    private void refreshApps() {
        try {
            apps.refresh();
        } catch (RuntimeException e) {
            LOG.error("Could not refresh the apps from the database: {}", e.getMessage());
        }
    }

    private void postCallbacks() {
        try {
            callbacks.run();
        } catch (RuntimeException e) {
            LOG.error("Could not post result callbacks: {}", e.getMessage());
        }
    }

    private void purge() {
        try {
            int purged = store.purgeFinished(config.clock().millis() - config.retention().toMillis());
            if (purged > 0) {
                LOG.info("Deleted {} notifications finished more than {} ago", purged, config.retention());
            }
        } catch (RuntimeException e) {
            LOG.error("Could not delete old notifications: {}", e.getMessage());
        }
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The port the REST interface listens on. */
    public int port() {
        return server.port();
    }

    /** Every listener of the REST interface, as {@code http://host:port} or {@code https://host:port}. */
    List<String> listeners() {
        List<String> listeners = new ArrayList<>();
        for (org.eclipse.jetty.server.Connector connector : server.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector listener) {
                boolean tls = listener.getDefaultProtocol().startsWith("SSL");
                listeners.add((tls ? "https://" : "http://") + listener.getHost() + ":" + listener.getLocalPort());
            }
        }
        return listeners;
    }

    /** This instance's id. */
    public String instanceId() {
        return config.instanceId();
    }

    /** The metrics registry (Prometheus), for embedding applications. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops gracefully: see the class description. Idempotent enough: a second call does nothing new. */
    @Override
    public synchronized void close() {
        api.stopAccepting();
        housekeeping.shutdownNow();
        callbackThread.shutdownNow();
        try {
            // The heartbeat goes on while what is in flight drains: stopped first, it would let the other instances
            // take this one's notifications and send them again while it is still finishing them.
            dispatcher.close(config.shutdownDeadline());
        } catch (RuntimeException e) {
            LOG.error("Stopping the dispatcher failed: {}", e.getMessage());
        } finally {
            liveness.shutdownNow();
        }
        if (server != null) {
            server.stop();
            server = null;
        }
        database.close();
        LOG.info("apns-gateway {} stopped", config.instanceId());
    }
}
