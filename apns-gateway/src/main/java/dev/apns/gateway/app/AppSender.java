package dev.apns.gateway.app;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.ConnectionEnded;
import dev.apns.Notification;
import dev.apns.SenderOptions;
import dev.apns.gateway.AppKey;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One provisioned app, live: its spec at one version, and the SDK session and streaming sender made from it.
 * Re-provisioning makes a new one and shuts the old one down.
 */
public final class AppSender implements AutoCloseable {
    private final AppKey key;
    private final AppSpec spec;
    private final long version;
    private final ApnsSession session;
    private final ApnsSender sender;

    private AppSender(AppKey key, AppSpec spec, long version, ApnsSession session, ApnsSender sender) {
        this.key = key;
        this.spec = spec;
        this.version = version;
        this.session = session;
        this.sender = sender;
    }

    /**
     * Opens the app's session and sender (no connection is made until the first notification).
     *
     * @param backend    the SDK backend's name, or null for the best available
     * @param maxPending how many notifications the sender may hold queued and in flight
     * @param ended      told of every connection the server ended or that broke
     */
    public static AppSender open(AppKey key, AppSpec spec, long version, String backend, int maxPending,
                                 Consumer<ConnectionEnded> ended) {
        ApnsSession.Builder builder = ApnsSession.builder()
                .protocol(spec.protocol())
                .environment(key.sdkEnvironment())
                .connectTimeout(spec.timeout());
        if (backend != null) {
            builder.backend(backend);
        }
        if (spec.usesToken()) {
            builder.signingKey(spec.signingKey());
        } else {
            builder.credentials(spec.credentials());
        }
        spec.endpoint().ifPresent(builder::gateway);
        spec.feedback().ifPresent(builder::feedback);
        spec.trust().ifPresent(builder::trust);
        ApnsSession session = builder.build();
        try {
            SenderOptions.Builder options = SenderOptions.builder()
                    .connections(spec.connections())
                    .maxPending(maxPending)
                    .submitTimeout(Duration.ofSeconds(5))
                    .onConnectionEnded(ended);
            spec.topic().ifPresent(options::topic);
            return new AppSender(key, spec, version, session, session.sender(options.build()));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The app. */
    public AppKey key() {
        return key;
    }

    /** How it sends. */
    public AppSpec spec() {
        return spec;
    }

    /** The provisioning version this sender was made from. */
    public long version() {
        return version;
    }

    /** The streaming sender. */
    public ApnsSender sender() {
        return sender;
    }

    /** The session (for the binary protocol's feedback service). */
    public ApnsSession session() {
        return session;
    }

    /**
     * Stops the sender, letting what is in flight finish within {@code deadline}; what did not finish gets its
     * UNSENT outcome (and goes back to the gateway's queue through the dispatcher's listener).
     */
    public List<Notification> shutdown(Duration deadline) {
        try {
            return sender.shutdown(deadline);
        } finally {
            session.close();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return "AppSender[" + key + " v" + version + "]";
    }
}
