package dev.apns.gateway.delivery;

import dev.apns.ConnectionEnded;
import dev.apns.Http2Reason;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Protocol;
import dev.apns.RejectionReason;
import dev.apns.SenderFullException;
import dev.apns.Status;
import dev.apns.gateway.AppKey;
import dev.apns.gateway.NotificationState;
import dev.apns.gateway.app.AppSender;
import dev.apns.gateway.app.Apps;
import dev.apns.gateway.store.ClaimedNotification;
import dev.apns.gateway.store.DeadToken;
import dev.apns.gateway.store.Disconnection;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.gateway.store.NewNotification;
import dev.apns.gateway.store.NotificationUpdate;
import dev.apns.gateway.store.Result;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works the queue for one gateway instance: claims due notifications from the store, hands each to its app's
 * streaming sender, and has the {@link Recorder} write what became of it. At most
 * {@link DeliverySettings#maxInFlight()} notifications are claimed and not yet recorded at once.
 *
 * <p>Every claimed notification ends in one recorded update: accepted; rejected (with APNs's reason; a dead
 * token is added to the app's list, and with the binary protocol, whose rejections close the connection, an
 * entry to the disconnection log); or, when the sender could not deliver it or APNs answered with an error that
 * Apple says to retry, back to the queue after a growing wait, until the attempts run out or it expires.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final long APP_MISSING_RETRY_MILLIS = 1_000;
    private static final long DISCONNECTION_LOG_INTERVAL_MILLIS = 5_000;

    private final JdbcStore store;
    private final Apps apps;
    private final String instanceId;
    private final Clock clock;
    private final DeliverySettings settings;
    private final Semaphore room;
    private final Recorder recorder;
    private final Thread thread;
    private final Object signal = new Object();
    private final Map<AppKey, Long> lastUnsentLogged = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Counter retried;
    private final Counter failed;
    /** The counter of each final result and reason seen, by "result/reason". */
    private final Map<String, Counter> finished = new ConcurrentHashMap<>();
    private final Timer latency;
    private final AtomicLong claimedTotal = new AtomicLong();
    private volatile boolean woken;
    private volatile boolean stopping;

    /** A dispatcher for instance {@code instanceId}; {@link #start()} starts it. */
    public Dispatcher(JdbcStore store, Apps apps, String instanceId, Clock clock, DeliverySettings settings,
                      MeterRegistry registry) {
        this.store = store;
        this.apps = apps;
        this.instanceId = instanceId;
        this.clock = clock;
        this.settings = settings;
        this.room = new Semaphore(settings.maxInFlight());
        this.registry = registry;
        this.recorder = new Recorder(store, instanceId, clock, written -> {
            room.release(written);
            wake();
        });
        this.thread = new Thread(this::run, "apns-gateway-dispatcher");
        this.thread.setDaemon(true);
        this.retried = Counter.builder("apns.gateway.retries").description("attempts that will be made again")
                .register(registry);
        this.failed = Counter.builder("apns.gateway.notifications").tag("result", "failed")
                .description("notifications by final result").register(registry);
        this.latency = Timer.builder("apns.gateway.latency")
                .description("from the POST that stored a notification to its final result").register(registry);
        registry.gauge("apns.gateway.in.flight", room, r -> settings.maxInFlight() - r.availablePermits());
    }

    /** Starts claiming and recording. */
    public void start() {
        recorder.start();
        thread.start();
    }

    /** Tells the dispatcher that new notifications are due (a POST stored some). */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** How many notifications this instance holds claimed now. */
    public int inFlight() {
        return settings.maxInFlight() - room.availablePermits();
    }

    /** How many notifications this instance has claimed since it started. */
    public long claimedTotal() {
        return claimedTotal.get();
    }

    private void run() {
        while (!stopping) {
            try {
                int wanted = Math.min(settings.claimBatch(), room.availablePermits());
                if (wanted < Math.min(settings.claimBatch(), settings.maxInFlight()) / 4 || wanted == 0) {
                    await(settings.idlePoll().toMillis());
                    continue;
                }
                room.acquire(wanted);
                List<ClaimedNotification> claimed;
                try {
                    claimed = store.claim(instanceId, wanted, clock.millis());
                } catch (RuntimeException e) {
                    room.release(wanted);
                    throw e;
                }
                room.release(wanted - claimed.size());
                claimedTotal.addAndGet(claimed.size());
                for (ClaimedNotification notification : claimed) {
                    if (stopping) {
                        // Not handed to a sender: straight back to the queue, as it was.
                        requeue(notification, Result.failure(0, "NotSent", "the gateway stopped before sending it",
                                0), false, 0);
                        continue;
                    }
                    send(notification);
                }
                if (claimed.isEmpty()) {
                    await(settings.idlePoll().toMillis());
                }
            } catch (InterruptedException e) {
                if (!stopping) {
                    LOG.warn("The gateway's dispatcher was interrupted; it goes on until stopped");
                }
            } catch (RuntimeException e) {
                LOG.error("Could not claim notifications (trying again in 1 s): {}", e.getMessage());
                await(1_000);
            }
        }
    }

    private void await(long millis) {
        synchronized (signal) {
            if (!woken && !stopping) {
                try {
                    signal.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            woken = false;
        }
    }

    private void send(ClaimedNotification claimed) {
        NewNotification stored = claimed.notification();
        long now = clock.millis();
        if (stored.expiry() != null && stored.expiry() > 0 && stored.expiry() * 1000 < now) {
            finish(claimed, NotificationState.FAILED, Result.failure(0, "Expired",
                    "its expiry passed before it could be sent", 0), false, null, null);
            return;
        }
        AppSender app = apps.sender(stored.app()).orElse(null);
        if (app == null) {
            String why = apps.problem(stored.app()).orElse("the app is not provisioned on this instance yet");
            requeue(claimed, Result.failure(0, "AppUnavailable", why, 0), false, APP_MISSING_RETRY_MILLIS);
            return;
        }
        Notification notification;
        try {
            notification = SdkNotifications.toSdk(stored);
        } catch (IllegalArgumentException e) {
            finish(claimed, NotificationState.REJECTED, Result.failure(0, "InvalidNotification", e.getMessage(), 0),
                    false, null, null);
            return;
        }
        try {
            app.sender().submit(notification, outcome -> onOutcome(claimed, app, outcome));
        } catch (SenderFullException | IllegalStateException e) {
            // Full, or shut down because the app was re-provisioned: the notification was not sent; try again soon.
            requeue(claimed, Result.failure(0, "NotSent", e.getMessage(), 0), false, APP_MISSING_RETRY_MILLIS);
        } catch (IllegalArgumentException e) {
            finish(claimed, NotificationState.REJECTED, Result.failure(0, "InvalidNotification", e.getMessage(), 0),
                    false, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requeue(claimed, Result.failure(0, "NotSent", "the gateway is stopping", 0), false, 0);
        }
    }

    private void onOutcome(ClaimedNotification claimed, AppSender app, Outcome outcome) {
        NewNotification stored = claimed.notification();
        switch (outcome.kind()) {
            case ACCEPTED -> finish(claimed, NotificationState.ACCEPTED, Result.accepted(
                    app.spec().protocol() == Protocol.HTTP2 ? 200 : 0, outcome.uniqueId().orElse(null)), false,
                    null, null);
            case REJECTED -> {
                RejectionReason reason = outcome.reason().orElseThrow();
                Result result = result(reason);
                if (reason instanceof Http2Reason http2 && http2.isRetryable()) {
                    retry(claimed, result, false);
                    return;
                }
                DeadToken dead = reason.tokenIsInvalid() ? new DeadToken(stored.token(), result.reason(),
                        reason.tokenInvalidSince().map(i -> i.toEpochMilli()).orElse(clock.millis()), "rejection")
                        : null;
                Disconnection disconnection = app.spec().protocol() == Protocol.BINARY
                        ? new Disconnection(clock.millis(), stored.token(), stored.apnsId(), stored.identifier(),
                                result.reason(), "APNs closed the connection after rejecting this notification: "
                                + reason.description())
                        : null;
                finish(claimed, NotificationState.REJECTED, result, false, dead, disconnection);
            }
            case UNSENT -> {
                String cause = outcome.cause().map(Dispatcher::describe).orElse("not delivered");
                retry(claimed, Result.failure(0, "NotDelivered", cause, 0), outcome.possiblyDelivered());
                logUnsent(app.key(), stored, cause);
            }
        }
    }

    private static Result result(RejectionReason reason) {
        if (reason instanceof Http2Reason http2) {
            return Result.failure(http2.status(), http2.reason(), http2.description(),
                    http2.tokenInvalidSince().map(i -> i.toEpochMilli()).orElse(0L));
        }
        Status status = (Status) reason;
        return Result.failure(0, camel(status.reason().name()), status.description(), 0);
    }

    private void retry(ClaimedNotification claimed, Result result, boolean possiblySent) {
        if (claimed.attempts() >= settings.maxAttempts()) {
            finish(claimed, NotificationState.FAILED, Result.failure(result.httpStatus(), "AttemptsExhausted",
                    "gave up after " + claimed.attempts() + " attempts; the last: " + result.reason()
                            + (result.detail() == null ? "" : " (" + result.detail() + ")"), 0),
                    possiblySent, null, null);
            return;
        }
        retried.increment();
        requeue(claimed, result, possiblySent, settings.retryDelayMillis(claimed.attempts()));
    }

    private void requeue(ClaimedNotification claimed, Result result, boolean possiblySent, long delayMillis) {
        recorder.add(new Recorder.Entry(claimed.notification().app(), new NotificationUpdate(claimed.id(),
                NotificationState.QUEUED, result, clock.millis() + delayMillis, possiblySent), null, null));
    }

    private void finish(ClaimedNotification claimed, NotificationState state, Result result, boolean possiblySent,
                        DeadToken dead, Disconnection disconnection) {
        latency.record(Math.max(0, clock.millis() - claimed.createdAt()), TimeUnit.MILLISECONDS);
        if (state == NotificationState.FAILED) {
            failed.increment();
        } else {
            String reason = result.reason() == null ? "none" : result.reason();
            // One lookup in a map of our own per notification, not a registration with the registry.
            finished.computeIfAbsent(state.wireName() + '/' + reason, key -> Counter.builder("apns.gateway.notifications")
                    .tag("result", state.wireName()).tag("reason", reason)
                    .description("notifications by final result").register(registry)).increment();
        }
        recorder.add(new Recorder.Entry(claimed.notification().app(), new NotificationUpdate(claimed.id(), state,
                result, 0, possiblySent), dead, disconnection));
    }

    /**
     * Logs a connection of an app's sender that ended, in the app's disconnection log. A binary rejection that
     * ended a connection is logged from the notification's outcome instead, with its identifier.
     */
    public void connectionEnded(AppKey app, ConnectionEnded ended) {
        if (ended.notification().isPresent()) {
            return;
        }
        recorder.add(new Recorder.Entry(app, null, null, new Disconnection(ended.at().toEpochMilli(), null, null, null,
                ended.reason(), ended.detail() + (ended.unanswered() > 0 ? " " + ended.unanswered()
                        + " notifications were unanswered and go again." : ""))));
    }

    private void logUnsent(AppKey app, NewNotification stored, String cause) {
        long now = clock.millis();
        Long last = lastUnsentLogged.get(app);
        if (last != null && now - last < DISCONNECTION_LOG_INTERVAL_MILLIS) {
            return;
        }
        lastUnsentLogged.put(app, now);
        recorder.add(new Recorder.Entry(app, null, null, new Disconnection(now, stored.token(), stored.apnsId(),
                stored.identifier(), "NotDelivered", cause)));
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    private static String camel(String constant) {
        StringBuilder out = new StringBuilder();
        for (String part : constant.toLowerCase(Locale.ROOT).split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    /**
     * Stops claiming, lets the senders finish what is in flight within {@code deadline} (what does not finish goes
     * back to the queue), writes every result, and gives back anything still claimed.
     */
    public void close(Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos() + 3_000_000_000L;
        stopping = true;
        wake();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        apps.close();
        while (inFlight() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        recorder.close(Math.max(500, (until - System.nanoTime()) / 1_000_000));
        int released = store.release(instanceId);
        if (released > 0) {
            LOG.info("Gave {} notifications back to the queue on stopping", released);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
