package dev.apns.mock.binary;

import dev.apns.mock.credentials.TestCertificates;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.FeedbackEntry;
import dev.apns.Status;
import dev.apns.protocol.binary.ErrorResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * A mock APNs gateway and feedback service over real TLS on 127.0.0.1, in the spirit of OkHttp's
 * MockWebServer: it speaks the binary provider protocol (commands 0, 1 and 2, error responses, feedback
 * tuples) with its own parser, checks client certificates against a {@link TestCertificates} authority,
 * records every notification it accepts and can be scripted to fail in the ways the real service does.
 *
 * <pre>{@code
 * try (MockApnsServer server = MockApnsServer.builder(certificates).start()) {
 *     server.rejectNotification(3, Status.of(8));
 *     // ... point a client at server.gateway(), trusting server.authorityPem() ...
 *     assertThat(server.awaitAccepted(2, Duration.ofSeconds(1))).isTrue();
 * }
 * }</pre>
 *
 * <p>Validation follows the real gateway: a missing or empty token is status 2, a token that is not 32
 * bytes status 5, a missing or empty payload status 4, a payload over 2048 bytes status 7, and anything
 * that cannot be parsed (unknown command or item, an item of the wrong length, a repeated item, a frame
 * length that does not match its items) status 128, naming the notification's identifier when it could
 * be read and 0 otherwise. After an error response the server shuts its output down, drains what the
 * client still writes for at most a second (counting those notifications as {@linkplain #discardedCount()
 * discarded}) and closes. Command 0 never gets an error response; the connection is just closed.
 *
 * <p>Thread-safe: scripting and observing methods may be called from any thread, before or while clients
 * are connected. Each listener has a daemon acceptor thread and each connection a daemon thread, all
 * named {@code mock-apns-*}; {@link #close()} ends them all.
 */
public final class MockApnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MockApnsServer.class);
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final long JOIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final TestCertificates certificates;
    private final boolean requireClientCertificate;
    private final boolean recordAccepted;
    private final SSLSocketFactory socketFactory;
    private final String[] protocols;
    private final ServerSocket gatewayListener;
    private final ServerSocket feedbackListener;
    private final Endpoint gateway;
    private final Endpoint feedback;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the script changes, on reset, disconnectAll and close: wakes connection threads that wait. */
    private final Condition scriptChanged = lock.newCondition();
    /** Signalled when an observation changes: wakes {@link #awaitUntil} callers. */
    private final Condition observationChanged = lock.newCondition();

    /** The connections and their threads, under the same lock. */
    private final ConnectionLifecycle lifecycle;

    // Everything below is guarded by lock.
    private int observers;
    /** Notifications were accepted since observers were last woken. */
    private boolean acceptancePending;

    // The script.
    private final Map<DeviceToken, Status> rejectedTokens = new HashMap<>();
    private final Map<Long, ScriptedRejection> rejectedIndexes = new HashMap<>();
    private final Map<Long, IndexedFault> indexedFaults = new HashMap<>();
    private long shutdownCountdown = -1;
    private long silentCloseCountdown = -1;
    private long byteBudget = -1;
    private boolean readingStopped;
    private boolean readingPaused;
    private long readingPausedUntilNanos;
    private int bytesPerSecond;
    private long throttleGeneration;
    private long errorResponseDelayNanos;
    private final List<FeedbackEntry> feedbackEntries = new ArrayList<>();
    private int feedbackChunkBytes;
    private int feedbackFailAfter = -1;

    // Observations.
    private long processed;
    private long acceptedCount;
    private final List<ReceivedNotification> accepted = new ArrayList<>();
    private final List<ErrorResponse> errorResponses = new ArrayList<>();
    private long discarded;

    private record ScriptedRejection(Status status, long reportedIdentifier) {
    }

    /** A fault due once the notification with a given processing number was accepted. */
    private record IndexedFault(IndexedFault.Kind kind, long pauseNanos) {
        enum Kind { SHUTDOWN, CLOSE, PAUSE }
    }

    private MockApnsServer(Builder builder) {
        this.certificates = builder.certificates;
        this.requireClientCertificate = builder.requireClientCertificate;
        this.recordAccepted = builder.recordAccepted;
        this.lifecycle = new ConnectionLifecycle(this, lock, scriptChanged, this::observed);
        SSLContext context = certificates.server().sslContext(certificates.authority().certificate());
        this.socketFactory = context.getSocketFactory();
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        this.protocols = PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new);
        this.gatewayListener = MockSockets.bind(builder.port, "gateway");
        try {
            this.feedbackListener = MockSockets.bind(builder.feedbackPort, "feedback");
        } catch (RuntimeException e) {
            MockSockets.closeListener(gatewayListener);
            throw e;
        }
        this.gateway = new Endpoint("127.0.0.1", gatewayListener.getLocalPort());
        this.feedback = new Endpoint("127.0.0.1", feedbackListener.getLocalPort());
        lock.lock();
        try {
            lifecycle.startThread(() -> MockSockets.acceptLoop(gatewayListener, true, lifecycle),
                    "mock-apns-gateway-acceptor-" + gateway.port());
            lifecycle.startThread(() -> MockSockets.acceptLoop(feedbackListener, false, lifecycle),
                    "mock-apns-feedback-acceptor-" + feedback.port());
        } finally {
            lock.unlock();
        }
        log.debug("Mock APNs server listening: gateway {}, feedback {}, protocols {}, client certificate {}",
                gateway, feedback, Arrays.toString(protocols), requireClientCertificate ? "required" : "not requested");
    }

    /** A builder for a server presenting {@code certificates.server()} and trusting {@code certificates.authority()}. */
    public static Builder builder(TestCertificates certificates) {
        return new Builder(certificates);
    }

    /**
     * Configures and starts a {@link MockApnsServer}. Not thread-safe; use it from one thread, then share the
     * server.
     */
    public static final class Builder {
        private final TestCertificates certificates;
        private int port;
        private int feedbackPort;
        private boolean requireClientCertificate = true;
        private boolean recordAccepted = true;

        private Builder(TestCertificates certificates) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
        }

        /** The gateway port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port, "gateway");
            return this;
        }

        /** The feedback port; 0 (the default) picks a free one. */
        public Builder feedbackPort(int port) {
            this.feedbackPort = checkPort(port, "feedback");
            return this;
        }

        /**
         * Whether clients must present a certificate issued by the authority (default true). When false, no
         * certificate is requested at all.
         */
        public Builder requireClientCertificate(boolean require) {
            this.requireClientCertificate = require;
            return this;
        }

        /**
         * Whether accepted notifications are kept for {@link MockApnsServer#accepted()} (default true). Turn it
         * off for benchmarks that send millions; counts are kept either way.
         */
        public Builder recordAccepted(boolean record) {
            this.recordAccepted = record;
            return this;
        }

        /**
         * Binds both listeners on 127.0.0.1 and starts accepting.
         *
         * @throws UncheckedIOException when a port cannot be bound
         */
        public MockApnsServer start() {
            return new MockApnsServer(this);
        }

        private static int checkPort(int port, String which) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("The " + which + " port must be between 0 (any free port) and 65535; was "
                        + port + ".");
            }
            return port;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Where clients connect.

    /** The gateway's address, {@code 127.0.0.1} and its port. */
    public Endpoint gateway() {
        return gateway;
    }

    /** The feedback service's address. */
    public Endpoint feedback() {
        return feedback;
    }

    /** The PEM of the authority clients must trust to accept the server's certificate. */
    public String authorityPem() {
        return certificates.authorityPem();
    }

    /** The certificates the server was built with. */
    public TestCertificates certificates() {
        return certificates;
    }

    // ------------------------------------------------------------------------------------------------
    // Scripting.

    /** Rejects every notification to {@code token} with {@code status} (after the usual validation passes). */
    public void rejectToken(DeviceToken token, Status status) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(status, "status");
        script(() -> rejectedTokens.put(token, status));
    }

    /**
     * Rejects the {@code k}-th notification the server processes (counted from 1 across all connections since
     * start or reset, rejected ones included) with {@code status}, naming its own identifier. Once.
     */
    public void rejectNotification(long k, Status status) {
        scheduleRejection(k, status, -1);
    }

    /** Like {@link #rejectNotification(long, Status)}, but the error response names {@code reportedIdentifier}. */
    public void rejectNotification(long k, Status status, long reportedIdentifier) {
        if (reportedIdentifier < 0 || reportedIdentifier > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("A reported identifier is an unsigned 32-bit value; was "
                    + reportedIdentifier + ".");
        }
        scheduleRejection(k, status, reportedIdentifier);
    }

    private void scheduleRejection(long k, Status status, long reportedIdentifier) {
        Objects.requireNonNull(status, "status");
        if (k < 1) {
            throw new IllegalArgumentException("Notifications are counted from 1; cannot reject notification " + k + ".");
        }
        script(() -> rejectedIndexes.put(k, new ScriptedRejection(status, reportedIdentifier)));
    }

    /**
     * After {@code n} more accepted notifications (on any connection, counted from this call), answers on the
     * connection that accepted the last of them with status 10 naming that notification's identifier (0 for
     * command 0), then closes it like any error response. Once.
     */
    public void shutdownAfter(long n) {
        requirePositive(n, "shutdownAfter");
        script(() -> shutdownCountdown = n);
    }

    /**
     * After {@code n} more accepted notifications, closes the connection that accepted the last of them without
     * an error response (a TLS close_notify; whatever the client sends later meets a closed socket). Once.
     */
    public void closeSilentlyAfter(long n) {
        requirePositive(n, "closeSilentlyAfter");
        script(() -> silentCloseCountdown = n);
    }

    /**
     * After reading {@code n} more bytes (on any connection, counted from this call), processes the whole
     * notifications among them and closes that connection abruptly: a TCP reset, no close_notify, no error
     * response. With 0 the next connection to read anything is reset. Once.
     */
    public void closeSilentlyAfterBytes(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("closeSilentlyAfterBytes needs a byte count of 0 or more; was " + n + ".");
        }
        script(() -> byteBudget = n);
    }

    /**
     * When the {@code k}-th notification the server processes (numbered as in {@link #rejectNotification(long,
     * Status)}) is accepted, answers it with status 10 naming its identifier and closes that connection, like
     * {@link #shutdownAfter(long)}. Unlike that countdown, any number of these can be scheduled at once, so that
     * a run can meet several shutdowns. When the {@code k}-th notification is rejected instead, nothing happens.
     * A later call for the same {@code k} replaces this one (as do the other faults scheduled by number); a
     * countdown ({@link #shutdownAfter}, {@link #closeSilentlyAfter}) that falls due on the same notification
     * wins. Once.
     */
    public void shutdownAfterNotification(long k) {
        scheduleIndexedFault(k, new IndexedFault(IndexedFault.Kind.SHUTDOWN, 0));
    }

    /**
     * When the {@code k}-th notification the server processes is accepted, closes that connection without an
     * error response, like {@link #closeSilentlyAfter(long)}; any number can be scheduled. Otherwise as
     * {@link #shutdownAfterNotification(long)}. Once.
     */
    public void closeSilentlyAfterNotification(long k) {
        scheduleIndexedFault(k, new IndexedFault(IndexedFault.Kind.CLOSE, 0));
    }

    /**
     * When the {@code k}-th notification the server processes is accepted, stops reading on every gateway
     * connection for {@code pause} (a stall: clients meet backpressure if they write enough meanwhile), then
     * reads on. The connection finishes the notifications it has already read first. {@link #resumeReading()}
     * ends the pause early. Otherwise as {@link #shutdownAfterNotification(long)}. Once.
     */
    public void pauseReadingAfterNotification(long k, Duration pause) {
        Objects.requireNonNull(pause, "pause");
        if (pause.isNegative() || pause.isZero()) {
            throw new IllegalArgumentException("A reading pause must be positive; was " + pause + ".");
        }
        scheduleIndexedFault(k, new IndexedFault(IndexedFault.Kind.PAUSE, saturatedNanos(pause)));
    }

    private void scheduleIndexedFault(long k, IndexedFault fault) {
        if (k < 1) {
            throw new IllegalArgumentException("Notifications are counted from 1; cannot schedule a fault after "
                    + "notification " + k + ".");
        }
        script(() -> indexedFaults.put(k, fault));
    }

    /**
     * Stops reading on every gateway connection (after any read already in progress), so that clients meet
     * backpressure once the socket buffers fill.
     */
    public void stopReading() {
        script(() -> readingStopped = true);
    }

    /** Resumes reading after {@link #stopReading()}, and ends a pause of {@link #pauseReadingAfterNotification}. */
    public void resumeReading() {
        script(() -> {
            readingStopped = false;
            readingPaused = false;
        });
    }

    /** Reads each gateway connection at no more than {@code bytesPerSecond}; 0 or negative turns it off. */
    public void readSlowly(int bytesPerSecond) {
        script(() -> {
            this.bytesPerSecond = Math.max(0, bytesPerSecond);
            throttleGeneration++;
        });
    }

    /** Waits {@code delay} before sending each error response; zero turns it off. */
    public void delayErrorResponses(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("An error response delay cannot be negative; was " + delay + ".");
        }
        script(() -> errorResponseDelayNanos = saturatedNanos(delay));
    }

    /**
     * While true, every new connection (gateway and feedback) is closed right after the TCP accept, before any
     * TLS, so the client's handshake fails.
     */
    public void refuseHandshakes(boolean refuse) {
        script(() -> lifecycle.refuseHandshakes(refuse));
    }

    /**
     * Refuses the next {@code count} new connections as {@link #refuseHandshakes(boolean)} does, then accepts
     * again: a server that is briefly unreachable, whenever the client happens to reconnect.
     */
    public void refuseNextHandshakes(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        script(() -> lifecycle.refuseNextHandshakes(count));
    }

    /**
     * While true, new connections are accepted but their ClientHello is never read or answered. Turning it off
     * lets stalled connections continue their handshake; {@link #reset()} and {@link #close()} close them.
     */
    public void stallHandshakes(boolean stall) {
        script(() -> lifecycle.stallHandshakes(stall));
    }

    /**
     * Queues feedback entries; the next feedback connection receives everything queued, after which the
     * queue is empty. Times are sent in whole seconds and must fit an unsigned 32-bit value.
     */
    public void addFeedback(FeedbackEntry... entries) {
        Objects.requireNonNull(entries, "entries");
        for (FeedbackEntry entry : entries) {
            Objects.requireNonNull(entry, "entry");
            long seconds = entry.time().getEpochSecond();
            if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("A feedback time is sent as unsigned 32-bit seconds; "
                        + entry.time() + " is out of that range.");
            }
        }
        List<FeedbackEntry> copy = List.of(entries);
        script(() -> feedbackEntries.addAll(copy));
    }

    /** Writes feedback in chunks of {@code chunkBytes} with a flush after each; 0 or negative turns it off. */
    public void feedbackSplitWrites(int chunkBytes) {
        script(() -> feedbackChunkBytes = Math.max(0, chunkBytes));
    }

    /**
     * Aborts each feedback connection (TCP reset) after sending {@code entries} entries, or all of them when
     * fewer are queued; negative turns it off. The entries not sent are dropped, like the rest.
     */
    public void feedbackFailAfter(int entries) {
        script(() -> feedbackFailAfter = Math.max(-1, entries));
    }

    /**
     * Clears the script, the counters and the recordings; processing indexes start again from 1. Connections
     * that are open stay open and go on being served under the new (empty) script, and connection numbers go
     * on counting; stalled handshakes are closed. Use {@link #disconnectAll()} as well to start without any
     * connection.
     */
    public void reset() {
        lock.lock();
        try {
            rejectedTokens.clear();
            rejectedIndexes.clear();
            indexedFaults.clear();
            shutdownCountdown = -1;
            silentCloseCountdown = -1;
            byteBudget = -1;
            readingStopped = false;
            readingPaused = false;
            bytesPerSecond = 0;
            throttleGeneration++;
            errorResponseDelayNanos = 0;
            feedbackEntries.clear();
            feedbackChunkBytes = 0;
            feedbackFailAfter = -1;

            processed = 0;
            acceptedCount = 0;
            accepted.clear();
            errorResponses.clear();
            discarded = 0;
            lifecycle.reset();
            scriptChanged.signalAll(); // also ends stalled handshakes, which see the generation change
            observationChanged.signalAll();
        } finally {
            lock.unlock();
        }
        log.debug("Mock APNs server reset");
    }

    /**
     * Closes every connection (open, in its handshake or stalled) at once, without an error response or a TLS
     * close_notify, as a server restart would. Nothing more is read or recorded from them.
     */
    public void disconnectAll() {
        lock.lock();
        try {
            lifecycle.disconnectAll();
            scriptChanged.signalAll();
        } finally {
            lock.unlock();
        }
        log.debug("Mock APNs server closed all connections");
    }

    // ------------------------------------------------------------------------------------------------
    // Observing.

    /** Every accepted notification, in processing order (empty when recording is off). */
    public List<ReceivedNotification> accepted() {
        return read(() -> List.copyOf(accepted));
    }

    /** How many notifications were accepted. */
    public long acceptedCount() {
        return read(() -> acceptedCount);
    }

    /** How many notifications were processed, accepted or rejected. */
    public long processedCount() {
        return read(() -> processed);
    }

    /** Waits until at least {@code count} notifications were accepted; false when {@code timeout} passed first. */
    public boolean awaitAccepted(long count, Duration timeout) {
        return awaitUntil(server -> server.acceptedCount >= count, timeout);
    }

    /**
     * Waits until no gateway or feedback connection is open or in its handshake, so that counts such as
     * {@link #discardedCount()} are final; false when {@code timeout} passed first.
     */
    public boolean awaitIdle(Duration timeout) {
        return awaitUntil(server -> server.lifecycle.isIdle(), timeout);
    }

    /**
     * Waits until {@code condition} holds, re-testing it each time something observable changes (no polling);
     * false when {@code timeout} passed first. The condition runs under the server's lock and may call its
     * observing methods.
     */
    public boolean awaitUntil(Predicate<MockApnsServer> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        long remaining = saturatedNanos(Objects.requireNonNull(timeout, "timeout"));
        lock.lock();
        observers++;
        try {
            while (!condition.test(this)) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = observationChanged.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            observers--;
            lock.unlock();
        }
    }

    /** Every error response sent, in order; recorded just before it is written. */
    public List<ErrorResponse> errorResponsesSent() {
        return read(() -> List.copyOf(errorResponses));
    }

    /**
     * Notifications the server read after a rejection, shutdown or close on the same connection and dropped:
     * whole notifications already buffered, and those drained before the close.
     */
    public long discardedCount() {
        return read(() -> discarded);
    }

    /** Gateway connections whose TLS handshake completed. */
    public int connectionsAccepted() {
        return read(lifecycle::connectionsAccepted);
    }

    /** Feedback connections whose TLS handshake completed. */
    public int feedbackConnectionsAccepted() {
        return read(lifecycle::feedbackConnectionsAccepted);
    }

    /** Gateway connections open now. */
    public int openConnections() {
        return read(lifecycle::openConnections);
    }

    /**
     * The subject (RFC 2253, as {@code X500Principal.getName()} gives it) of each gateway client's certificate,
     * one per completed connection in connection-number order; connections without a client certificate are
     * not listed.
     */
    public List<String> clientSubjects() {
        return read(lifecycle::clientSubjects);
    }

    /** TLS handshakes that failed, on either listener (a client without or with an untrusted certificate, ...). */
    public int handshakeFailures() {
        return read(lifecycle::handshakeFailures);
    }

    /** Connections closed before TLS because of {@link #refuseHandshakes(boolean)}. */
    public int refusedConnections() {
        return read(lifecycle::refusedConnections);
    }

    /**
     * Stops listening, closes every connection and waits (boundedly) for the server's threads to end.
     * Idempotent.
     */
    @Override
    public void close() {
        List<Thread> running;
        lock.lock();
        try {
            if (lifecycle.isClosed()) {
                return;
            }
            running = lifecycle.close();
            MockSockets.closeListener(gatewayListener);
            MockSockets.closeListener(feedbackListener);
            scriptChanged.signalAll();
            observationChanged.signalAll();
        } finally {
            lock.unlock();
        }
        MockSockets.joinAll(running, JOIN_LIMIT_NANOS);
        log.debug("Mock APNs server closed");
    }

    @Override
    public String toString() {
        return "MockApnsServer[gateway=" + gateway + ", feedback=" + feedback + "]";
    }

    // ------------------------------------------------------------------------------------------------
    // For the connections (package-private).

    SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    String[] protocols() {
        return protocols.clone();
    }

    boolean requiresClientCertificate() {
        return requireClientCertificate;
    }

    /** The connections' lifecycle, which shares this server's lock. */
    ConnectionLifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * Blocks while reading is stopped or throttled; returns how many bytes the connection may read now
     * (at most {@code free}), or -1 when it is to stop.
     */
    int readPermission(GatewayConnection connection, int free) {
        lock.lock();
        try {
            if (acceptancePending) {
                observed();
            }
            while (true) {
                if (lifecycle.isEnded(connection)) {
                    return -1;
                }
                if (readingStopped) {
                    scriptChanged.await();
                    continue;
                }
                if (readingPaused) {
                    long pauseNanos = readingPausedUntilNanos - System.nanoTime();
                    if (pauseNanos > 0) {
                        scriptChanged.awaitNanos(pauseNanos);
                        continue;
                    }
                    readingPaused = false;
                }
                if (bytesPerSecond <= 0) {
                    return free;
                }
                if (connection.throttleGeneration != throttleGeneration) {
                    connection.throttleGeneration = throttleGeneration;
                    connection.throttleStartNanos = System.nanoTime();
                    connection.throttleBytes = 0;
                }
                long dueNanos = connection.throttleStartNanos
                        + (long) (connection.throttleBytes * (1_000_000_000.0 / bytesPerSecond));
                long waitNanos = dueNanos - System.nanoTime();
                if (waitNanos > 0) {
                    scriptChanged.awaitNanos(waitNanos);
                    continue;
                }
                return Math.max(1, Math.min(free, bytesPerSecond / 10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /** How many of {@code read} freshly read bytes the connection may process; may arrange an abort. */
    int claimBytes(GatewayConnection connection, int read) {
        lock.lock();
        try {
            if (byteBudget < 0 || connection.forced) {
                return read;
            }
            int take = (int) Math.min(read, byteBudget);
            byteBudget -= take;
            if (byteBudget == 0) {
                byteBudget = -1;
                connection.abortAfterProcessing = true;
            }
            return take;
        } finally {
            lock.unlock();
        }
    }

    /** Holds the server's lock across many {@link #decide} calls (it is reentrant); pair with {@link #releaseLock}. */
    void holdLock() {
        lock.lock();
    }

    void releaseLock() {
        lock.unlock();
    }

    /** Decides about the notification the parser just read: validation, then the script, then acceptance. */
    GatewayConnection.Decision decide(GatewayConnection connection, FrameParser frame, byte[] buffer) {
        lock.lock();
        try {
            if (lifecycle.isEnded(connection)) {
                return GatewayConnection.Decision.DROP;
            }
            long index = ++processed;
            IndexedFault indexed = indexedFaults.isEmpty() ? null : indexedFaults.remove(index);
            DeviceToken token = null;
            if (frame.status == FrameParser.STATUS_OK && (recordAccepted || !rejectedTokens.isEmpty())) {
                System.arraycopy(buffer, frame.tokenOffset, connection.tokenScratch, 0, FrameParser.TOKEN_LENGTH);
                token = DeviceToken.fromBytes(connection.tokenScratch);
            }
            Status status = null;
            long reported = frame.identifier;
            if (frame.status != FrameParser.STATUS_OK) {
                status = Status.of(frame.status);
            } else {
                ScriptedRejection scripted = rejectedIndexes.isEmpty() ? null : rejectedIndexes.remove(index);
                if (scripted != null) {
                    status = scripted.status();
                    if (scripted.reportedIdentifier() >= 0) {
                        reported = scripted.reportedIdentifier();
                    }
                } else if (!rejectedTokens.isEmpty()) {
                    status = rejectedTokens.get(token);
                }
            }
            if (status != null) {
                connection.responseStatus = status;
                connection.responseIdentifier = reported;
                observed();
                return GatewayConnection.Decision.REJECT;
            }
            acceptedCount++;
            if (recordAccepted) {
                accepted.add(new ReceivedNotification(connection.number, frame.command, frame.identifier,
                        frame.hasExpiry ? OptionalLong.of(frame.expiry) : OptionalLong.empty(),
                        frame.hasPriority ? OptionalInt.of(frame.priority) : OptionalInt.empty(), token,
                        Arrays.copyOfRange(buffer, frame.payloadOffset, frame.payloadOffset + frame.payloadLength), index));
            }
            // Waiters are woken once per buffer (see readPermission), not per notification: waking them for
            // each would cost a context switch per notification.
            acceptancePending = true;
            if (shutdownCountdown > 0 && --shutdownCountdown == 0) {
                shutdownCountdown = -1;
                connection.responseStatus = Status.of(10);
                connection.responseIdentifier = frame.identifier;
                observed();
                return GatewayConnection.Decision.ACCEPT_THEN_SHUTDOWN;
            }
            if (silentCloseCountdown > 0 && --silentCloseCountdown == 0) {
                silentCloseCountdown = -1;
                observed();
                return GatewayConnection.Decision.ACCEPT_THEN_CLOSE;
            }
            if (indexed != null) {
                switch (indexed.kind()) {
                    case SHUTDOWN -> {
                        connection.responseStatus = Status.of(10);
                        connection.responseIdentifier = frame.identifier;
                        observed();
                        return GatewayConnection.Decision.ACCEPT_THEN_SHUTDOWN;
                    }
                    case CLOSE -> {
                        observed();
                        return GatewayConnection.Decision.ACCEPT_THEN_CLOSE;
                    }
                    case PAUSE -> {
                        readingPaused = true;
                        readingPausedUntilNanos = System.nanoTime() + indexed.pauseNanos();
                    }
                    default -> throw new IllegalStateException("Unknown fault " + indexed.kind());
                }
            }
            return GatewayConnection.Decision.ACCEPT;
        } finally {
            lock.unlock();
        }
    }

    /** Waits the scripted delay before an error response; false when the connection is to stop instead. */
    boolean awaitErrorResponseDelay(GatewayConnection connection) {
        lock.lock();
        try {
            long remaining = errorResponseDelayNanos;
            while (remaining > 0 && !lifecycle.isEnded(connection)) {
                remaining = scriptChanged.awaitNanos(remaining);
            }
            return !lifecycle.isEnded(connection);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    void errorResponseSent(GatewayConnection connection, ErrorResponse response) {
        lock.lock();
        try {
            if (!connection.forced) {
                errorResponses.add(response);
                observed();
            }
        } finally {
            lock.unlock();
        }
    }

    void discarded(GatewayConnection connection, long count) {
        if (count <= 0) {
            return;
        }
        lock.lock();
        try {
            if (!connection.forced) {
                discarded += count;
                observed();
            }
        } finally {
            lock.unlock();
        }
    }

    FeedbackConnection.Plan takeFeedback() {
        lock.lock();
        try {
            List<FeedbackEntry> entries = List.copyOf(feedbackEntries);
            feedbackEntries.clear();
            return new FeedbackConnection.Plan(entries, feedbackChunkBytes, feedbackFailAfter);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Internals.

    /** Called with the lock held: wakes {@link #awaitUntil} callers, if any. */
    private void observed() {
        acceptancePending = false;
        if (observers > 0) {
            observationChanged.signalAll();
        }
    }

    private void script(Runnable change) {
        lock.lock();
        try {
            change.run();
            scriptChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private <T> T read(Supplier<T> reader) {
        lock.lock();
        try {
            return reader.get();
        } finally {
            lock.unlock();
        }
    }

    private static void requirePositive(long n, String method) {
        if (n < 1) {
            throw new IllegalArgumentException(method + " needs a count of at least 1; was " + n + ".");
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
