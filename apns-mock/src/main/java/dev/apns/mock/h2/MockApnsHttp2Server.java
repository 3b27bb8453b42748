package dev.apns.mock.h2;

import dev.apns.Endpoint;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.TestCertificates;

import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A mock of Apple's HTTP/2 provider API over real TLS on 127.0.0.1, on Netty's HTTP/2 codec (independent of
 * the SDK's own HTTP/2): {@code POST /3/device/<token>} with Apple's header rules and error reasons, provider
 * token (ES256 JWT) or client certificate authentication, the one-stream limit of a new token connection, and
 * scriptable faults (GOAWAY, RST_STREAM, SETTINGS changes, 429 and 503 storms, slow or no answers, dropped
 * connections). It records what it accepted, or only counts it for benchmarks.
 *
 * <pre>{@code
 * TestSigningKey key = TestSigningKey.generate();
 * try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).start()) {
 *     server.registerKey(key.teamId(), key.keyId(), key.publicKey(), Set.of("com.example.app"));
 *     // ... point a client at server.address(), trusting server.authorityPem() ...
 *     assertThat(server.awaitAccepted(1, Duration.ofSeconds(1))).isTrue();
 * }
 * }</pre>
 *
 * <p>Requests are numbered from 1 in the order the server has them complete (headers and body), across all
 * connections, since start or the last {@link #reset()}; faults take effect for later requests. Thread-safe:
 * every method may be called from any thread while clients are connected. The event loop threads are daemons
 * named {@code mock-apns-h2-*}; {@link #close()} ends them.
 */
public final class MockApnsHttp2Server implements AutoCloseable {
    private final TestCertificates certificates;
    private final Clock clock;
    private final Duration tokenLifetime;
    private final Duration tokenUpdateInterval;
    private final int configuredMaxStreams;
    private final boolean firstRequestLimit;
    private volatile int maxConcurrentStreams;
    private final FaultScript script = new FaultScript();
    private final Map<String, ProviderTokens.Registration> keys = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> certificateTopics = new ConcurrentHashMap<>();
    private final Observations observations;
    private final ServerTransport transport;
    private final Endpoint address;

    private MockApnsHttp2Server(Builder builder) {
        this.certificates = builder.certificates;
        this.clock = builder.clock;
        this.tokenLifetime = builder.tokenLifetime;
        this.tokenUpdateInterval = builder.tokenUpdateInterval;
        this.configuredMaxStreams = builder.maxConcurrentStreams;
        this.firstRequestLimit = builder.firstRequestLimit;
        this.maxConcurrentStreams = builder.maxConcurrentStreams;
        this.observations = new Observations(builder.recordAccepted);
        this.transport = new ServerTransport(this, certificates, builder.port, builder.eventLoopThreads, builder.openSsl);
        this.address = new Endpoint("127.0.0.1", transport.port());
    }

    /** A builder for a server presenting {@code certificates.server()} and trusting {@code certificates.authority()}. */
    public static Builder builder(TestCertificates certificates) {
        return new Builder(certificates);
    }

    /** Configures and starts a {@link MockApnsHttp2Server}. Not thread-safe. */
    public static final class Builder {
        private final TestCertificates certificates;
        private int port;
        private boolean recordAccepted = true;
        private int maxConcurrentStreams = 1000;
        private Clock clock = Clock.systemUTC();
        private Duration tokenLifetime = Duration.ofHours(1);
        private Duration tokenUpdateInterval = Duration.ofMinutes(20);
        private int eventLoopThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private boolean openSsl = true;
        private boolean firstRequestLimit = true;

        private Builder(TestCertificates certificates) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
        }

        /** The port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("The port must be between 0 (any free port) and 65535; was " + port + ".");
            }
            this.port = port;
            return this;
        }

        /** Whether accepted notifications are kept for {@link #accepted()} (default true); counts are kept either way. */
        public Builder recordAccepted(boolean record) {
            this.recordAccepted = record;
            return this;
        }

        /** SETTINGS_MAX_CONCURRENT_STREAMS once the first-request limit is lifted (default 1000, as Apple sends). */
        public Builder maxConcurrentStreams(int streams) {
            this.maxConcurrentStreams = requirePositive(streams, "maxConcurrentStreams");
            return this;
        }

        /**
         * Whether a token connection starts with SETTINGS_MAX_CONCURRENT_STREAMS 1 until a request with a good
         * provider token was answered, as at Apple (default true); streams beyond the limit get RST_STREAM
         * REFUSED_STREAM. Turn it off for load tools that cannot wait for the first answer.
         */
        public Builder firstRequestLimit(boolean limit) {
            this.firstRequestLimit = limit;
            return this;
        }

        /** The clock provider tokens are judged by (default the system's), so that tests can age tokens. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How old a provider token may be before it is expired (default one hour, as at Apple). */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = requireNotNegative(lifetime, "tokenLifetime");
            return this;
        }

        /**
         * How long a connection must keep a provider token before it may change to another (default 20 minutes, as at
         * Apple); a sooner change gets 429 TooManyProviderTokenUpdates.
         */
        public Builder tokenUpdateInterval(Duration interval) {
            this.tokenUpdateInterval = requireNotNegative(interval, "tokenUpdateInterval");
            return this;
        }

        /** How many event loop threads serve connections (default the processors, at most 4). */
        public Builder eventLoopThreads(int threads) {
            this.eventLoopThreads = requirePositive(threads, "eventLoopThreads");
            return this;
        }

        /** Whether to use OpenSSL for TLS when netty-tcnative is on the class path (default true). */
        public Builder openSsl(boolean openSsl) {
            this.openSsl = openSsl;
            return this;
        }

        /**
         * Binds 127.0.0.1 and starts accepting.
         *
         * @throws java.io.UncheckedIOException when the port cannot be bound
         */
        public MockApnsHttp2Server start() {
            return new MockApnsHttp2Server(this);
        }

        private static Duration requireNotNegative(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative()) {
                throw new IllegalArgumentException(name + " cannot be negative; was " + duration + ".");
            }
            return duration;
        }
    }

    private static int requirePositive(int value, String name) {
        return (int) requirePositive((long) value, name);
    }

    private static long requirePositive(long value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " needs a positive number; was " + value + ".");
        }
        return value;
    }

    // ------------------------------------------------------------------------------------------------
    // Where clients connect, and who they may be.

    /** The server's address, {@code 127.0.0.1} and its port. */
    public Endpoint address() {
        return address;
    }

    /** The PEM of the authority clients must trust to accept the server's certificate. */
    public String authorityPem() {
        return certificates.authorityPem();
    }

    /** The certificates the server was built with. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** The transport and TLS provider the server runs on, such as {@code epoll, OPENSSL TLS, 2 event loop threads}. */
    public String transportDescription() {
        return transport.description();
    }

    /**
     * Accepts provider tokens signed by {@code key} with key id {@code keyId} and team {@code teamId}, for
     * {@code topics} (bundle ids; each push type's suffix is added by the server). Replaces an earlier key with
     * the same id.
     */
    public void registerKey(String teamId, String keyId, ECPublicKey key, Set<String> topics) {
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(key, "key");
        keys.put(keyId, new ProviderTokens.Registration(teamId, keyId, key, Set.copyOf(topics)));
    }

    /** Stops accepting the key with id {@code keyId}: its tokens become InvalidProviderToken. */
    public void unregisterKey(String keyId) {
        keys.remove(Objects.requireNonNull(keyId, "keyId"));
    }

    /**
     * Lets connections whose client certificate has {@code subject} (RFC 2253, as
     * {@code X500Principal.getName()} gives it) use exactly {@code topics}, as the topics in an APNs certificate
     * would. A certificate with no topics gets 403 BadCertificate.
     */
    public void allowCertificateTopics(String subject, Set<String> topics) {
        certificateTopics.put(Objects.requireNonNull(subject, "subject"), Set.copyOf(topics));
    }

    /** {@link #allowCertificateTopics(String, Set)} for the subject of {@code certificate}. */
    public void allowCertificateTopics(IssuedCertificate certificate, Set<String> topics) {
        allowCertificateTopics(certificate.certificate().getSubjectX500Principal().getName(), topics);
    }

    // ------------------------------------------------------------------------------------------------
    // Scripting faults.

    /** Answers every later request to {@code token} (hex, any case) with {@code reason} and its status (400 if unknown). */
    public void rejectToken(String token, String reason) {
        script.rejectToken(token.toLowerCase(Locale.ROOT), Reasons.requireWord(reason), Outcome.NO_TIMESTAMP);
    }

    /** Answers every later request to {@code token} with 410 Unregistered and {@code since} as the timestamp. */
    public void unregister(String token, Instant since) {
        script.rejectToken(token.toLowerCase(Locale.ROOT), "Unregistered", since.toEpochMilli());
    }

    /**
     * After {@code n} more requests (counted from this call), answers the n-th, then sends GOAWAY on its connection
     * with {@code errorCode} and that request's stream (or a higher one already processed) as the last-stream-id:
     * streams above it are not processed (never answered), those at or below are answered, then the connection
     * closes. Once.
     */
    public void goAwayAfter(long n, long errorCode) {
        goAwayAfter(n, errorCode, null);
    }

    /** Like {@link #goAwayAfter(long, long)}, with {@code {"reason":"..."}} as the GOAWAY's debug data. */
    public void goAwayAfter(long n, long errorCode, String reason) {
        schedule(observations.requests() + requirePositive(n, "goAwayAfter"), FaultScript.NumberedFault.Kind.GO_AWAY,
                errorCode, reason == null ? null : Reasons.requireWord(reason));
    }

    /**
     * Like {@link #goAwayAfter(long, long, String)}, for the request numbered {@code requestNumber} (counted from the
     * start or the last reset) rather than one counted from now; {@code reason} may be null. Any number of these can
     * be scheduled; each connection sends one GOAWAY at most.
     */
    public void goAwayAtRequest(long requestNumber, long errorCode, String reason) {
        schedule(requestNumber, FaultScript.NumberedFault.Kind.GO_AWAY, errorCode,
                reason == null ? null : Reasons.requireWord(reason));
    }

    /** Like {@link #dropConnectionAfter(long)}, for the request numbered {@code requestNumber}. */
    public void dropConnectionAtRequest(long requestNumber) {
        schedule(requestNumber, FaultScript.NumberedFault.Kind.DROP_CONNECTION, 0, null);
    }

    /**
     * Answers the request numbered {@code requestNumber} with RST_STREAM({@code errorCode}) instead of a response;
     * 7 (REFUSED_STREAM) says it was not processed. The request is counted neither accepted nor rejected.
     */
    public void resetStream(long requestNumber, long errorCode) {
        schedule(requestNumber, FaultScript.NumberedFault.Kind.RESET_STREAM, errorCode, null);
    }

    /**
     * After {@code n - 1} more requests, closes the TCP connection that receives the n-th at once, with a TCP reset
     * and without answering it, a GOAWAY or a TLS close: streams still open are left unanswered. Once.
     */
    public void dropConnectionAfter(long n) {
        schedule(observations.requests() + requirePositive(n, "dropConnectionAfter"),
                FaultScript.NumberedFault.Kind.DROP_CONNECTION, 0, null);
    }

    private void schedule(long requestNumber, FaultScript.NumberedFault.Kind kind, long errorCode, String reason) {
        if (requestNumber < 1) {
            throw new IllegalArgumentException("Requests are numbered from 1; was " + requestNumber + ".");
        }
        if (errorCode < 0 || errorCode > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("An HTTP/2 error code is an unsigned 32-bit value; was " + errorCode + ".");
        }
        script.schedule(requestNumber, new FaultScript.NumberedFault(kind, errorCode, reason));
    }

    /**
     * Sends SETTINGS_MAX_CONCURRENT_STREAMS {@code streams} on every open connection past its first-request limit,
     * and uses it for new ones, as Apple does after a rejected push. {@link #restoreMaxConcurrentStreams()} goes back.
     */
    public void lowerMaxConcurrentStreams(int streams) {
        maxConcurrentStreams = requirePositive(streams, "lowerMaxConcurrentStreams");
        observations.connections().forEach(connection -> connection.execute(() -> connection.maxConcurrentStreamsChanged(streams)));
    }

    /** Goes back to the configured SETTINGS_MAX_CONCURRENT_STREAMS, announcing it on every open connection. */
    public void restoreMaxConcurrentStreams() {
        if (maxConcurrentStreams != configuredMaxStreams) {
            lowerMaxConcurrentStreams(configuredMaxStreams);
        }
    }

    /** Answers the next {@code count} requests with 429 TooManyRequests (before authentication). */
    public void tooManyRequests(long count) {
        script.tooManyRequests(Math.max(0, count));
    }

    /** Answers the next {@code count} requests with 503 ServiceUnavailable (before authentication). */
    public void serviceUnavailable(long count) {
        script.serviceUnavailable(Math.max(0, count));
    }

    /** Answers later requests after {@code delay} (on a timer; the event loop never blocks); zero turns it off. */
    public void delayResponses(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("A response delay cannot be negative; was " + delay + ".");
        }
        script.delayNanos(delay.toNanos());
    }

    /** Reads later requests but answers none of them, keeping the connections open, until {@link #resumeAnswering()}. */
    public void stopAnswering() {
        script.answering(false);
    }

    /** Answers the requests held since {@link #stopAnswering()}, and later ones at once. */
    public void resumeAnswering() {
        script.answering(true);
        observations.connections().forEach(connection -> connection.execute(connection::releaseHeld));
    }

    /** Closes new TCP connections at once, before TLS (counted by {@link #refusedConnections()}), while true. */
    public void refuseHandshakes(boolean refuse) {
        script.refuseHandshakes(refuse);
    }

    /** Closes every open connection at once (a TCP reset), as a crash would. */
    public void disconnectAll() {
        observations.connections().forEach(connection -> connection.execute(connection::drop));
    }

    /**
     * Forgets every fault (answering resumes, held requests are answered), every recording and every count, and
     * numbers requests from 1 again. Keeps registered keys, certificate topics and open connections.
     */
    public void reset() {
        script.clear();
        maxConcurrentStreams = configuredMaxStreams;
        observations.clear();
        observations.connections().forEach(connection -> connection.execute(connection::releaseHeld));
    }

    // ------------------------------------------------------------------------------------------------
    // What happened.

    /** Every accepted notification in order (empty when recording is off). */
    public List<AcceptedNotification> accepted() {
        return observations.accepted();
    }

    /** Every request answered with an error status, in order (empty when recording is off). */
    public List<RejectedRequest> rejected() {
        return observations.rejected();
    }

    /** Requests answered 200. */
    public long acceptedCount() {
        return observations.acceptedCount();
    }

    /** Requests answered with an error status (scripted ones included). */
    public long rejectedCount() {
        return observations.rejectedCount();
    }

    /** Requests answered with RST_STREAM by {@link #resetStream(long, long)}. */
    public long resetCount() {
        return observations.resetCount();
    }

    /** Requests the server had complete, answered or not. */
    public long processedCount() {
        return observations.requests();
    }

    /** Connections that completed TLS and began HTTP/2. */
    public int connectionsAccepted() {
        return observations.connectionsAccepted();
    }

    /** HTTP/2 connections open now. */
    public int openConnections() {
        return observations.connections().size();
    }

    /** Connections closed before TLS by {@link #refuseHandshakes(boolean)}. */
    public int refusedConnections() {
        return observations.refusedConnections();
    }

    /** TLS handshakes that failed, and connections that chose a protocol other than {@code h2}. */
    public int handshakeFailures() {
        return observations.handshakeFailures();
    }

    /** Waits until at least {@code count} notifications were accepted; false when {@code timeout} passed first. */
    public boolean awaitAccepted(long count, Duration timeout) {
        return awaitUntil(() -> observations.acceptedCount() >= count, timeout);
    }

    /**
     * Waits, without polling, until {@code condition} holds; it is checked whenever a request is answered or a
     * connection opens or closes. False when {@code timeout} passed first.
     */
    public boolean awaitUntil(BooleanSupplier condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        return observations.awaitUntil(condition, Objects.requireNonNull(timeout, "timeout"));
    }

    /** Closes every connection and the listener, and ends the event loop threads. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "MockApnsHttp2Server[" + address + ", " + transport.description() + "]";
    }

    // ------------------------------------------------------------------------------------------------
    // For the connections.

    FaultScript script() {
        return script;
    }

    Clock clock() {
        return clock;
    }

    Duration tokenLifetime() {
        return tokenLifetime;
    }

    Duration tokenUpdateInterval() {
        return tokenUpdateInterval;
    }

    int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    boolean firstRequestLimit() {
        return firstRequestLimit;
    }

    Map<String, ProviderTokens.Registration> keys() {
        return keys;
    }

    Set<String> certificateTopics(String subject) {
        return certificateTopics.get(subject);
    }

    Observations observations() {
        return observations;
    }
}
