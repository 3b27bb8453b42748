package dev.apns.internal.session;

import dev.apns.ApnsSender;
import dev.apns.ConnectionFailedException;
import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.DeliveryError;
import dev.apns.Endpoint;
import dev.apns.Feedback;
import dev.apns.Message;
import dev.apns.Protocol;
import dev.apns.Result;
import dev.apns.SenderOptions;
import dev.apns.SigningKey;
import dev.apns.internal.auth.ProviderToken;
import dev.apns.internal.auth.ProviderTokens;
import dev.apns.internal.auth.TokenSource;
import dev.apns.internal.binary.BatchSender;
import dev.apns.internal.binary.BinaryFrameCheck;
import dev.apns.internal.binary.ConnectionPool;
import dev.apns.internal.binary.FeedbackReader;
import dev.apns.internal.binary.BinaryEngine;
import dev.apns.internal.binary.GatewayConnection;
import dev.apns.internal.binary.SentinelSpacing;
import dev.apns.internal.binary.UnconfirmedWindow;
import dev.apns.internal.delivery.Http2Batch;
import dev.apns.internal.delivery.Http2Exchange;
import dev.apns.internal.delivery.Http2Target;
import dev.apns.internal.delivery.Http2Worker;
import dev.apns.internal.delivery.StreamSender;
import dev.apns.internal.delivery.StreamWorker;
import dev.apns.internal.h2.Http2Options;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;


/**
 * The machinery behind {@code ApnsSession}: the chosen backend, the certificates it prepared, and the
 * connection pool. Thread-safe.
 */
public final class SessionEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEngine.class);

    private final SessionConfig config;
    private final Backend backend;
    private final boolean ownsBackend;
    private final Map<Credentials, Certificate> certificates = new ConcurrentHashMap<>();
    private final ConnectionPool pool = new ConnectionPool();
    private final Set<StreamSender> senders = ConcurrentHashMap.newKeySet();
    /** The binary senders' threads: {@link #close()} waits for them, so none outlives the session. */
    private final Set<Thread> senderThreads = ConcurrentHashMap.newKeySet();
    private static final List<String> H2_ALPN = List.of("h2");
    private final ProviderTokens providerTokens = new ProviderTokens();
    private final Map<SigningKey, Http2Target.ProviderTokenSource> tokenSources = new ConcurrentHashMap<>();
    /** The HTTP/2 senders behind the batch API, one per signing key or credentials. */
    private final Map<Object, ApnsSender> batchSenders = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public SessionEngine(SessionConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        if (config.credentials() != null) {
            config.credentials().checkValidity(Instant.now());
        }
        if (config.backend() != null) {
            this.backend = config.backend();
            this.ownsBackend = false;
        } else {
            this.backend = BackendSelector.select(config.backendName(), SessionEngine.class.getClassLoader());
            this.ownsBackend = true;
        }
        LOG.debug("Session uses backend '{}' for gateway {} and feedback {}.", backend.name(), config.gateway(),
                config.feedback());
    }

    public SessionConfig config() {
        return config;
    }

    public Backend backend() {
        return backend;
    }

    public Credentials defaultCredentials() {
        if (config.credentials() == null) {
            throw new IllegalStateException("This session has no default credentials or signing key; set them with "
                    + "ApnsSession.builder().credentials(...) or .signingKey(...), or pass them to sender(...).");
        }
        return config.credentials();
    }

    /** Sends with the session's signing key, or else its credentials. */
    public Result sendDefault(Message message) {
        if (config.protocol() == Protocol.HTTP2 && config.signingKey() != null) {
            Objects.requireNonNull(message, "message");
            requireOpen();
            return Http2Batch.send(batchSender(config.signingKey()), message, check(batchOptions()));
        }
        return send(defaultCredentials(), message);
    }

    public Result send(Credentials credentials, Message message) {
        Objects.requireNonNull(message, "message");
        requireOpen();
        if (config.protocol() == Protocol.HTTP2) {
            return Http2Batch.send(batchSender(credentials), message, check(batchOptions()));
        }
        BinaryFrameCheck.check(message);
        credentials.checkValidity(Instant.now());
        PoolKey key = new PoolKey(config.gateway(), certificate(credentials));
        return new BatchSender(this, key, message).send();
    }

    public Feedback feedback(Credentials credentials) {
        requireOpen();
        if (config.protocol() == Protocol.HTTP2) {
            throw new IllegalStateException("The HTTP/2 provider API has no feedback service: a token that is no longer "
                    + "valid comes back as a rejection (410 Unregistered, with the time since when). Use "
                    + "ApnsSession.builder().protocol(Protocol.BINARY) for a private gateway's feedback service.");
        }
        Certificate certificate = certificate(credentials);
        return FeedbackReader.open(backend, request(config.feedback(), certificate), config.readTimeout());
    }

    /** A sender with the session's signing key, or else its credentials. */
    public ApnsSender defaultSender(SenderOptions options) {
        if (config.protocol() == Protocol.HTTP2 && config.signingKey() != null) {
            return sender(config.signingKey(), options);
        }
        return sender(defaultCredentials(), options);
    }

    /** An HTTP/2 sender with token authentication. */
    public ApnsSender sender(SigningKey key, SenderOptions options) {
        if (config.protocol() != Protocol.HTTP2) {
            throw new IllegalStateException("Token authentication is HTTP/2's; this session speaks the binary protocol.");
        }
        requireOpen();
        Certificate tls = config.credentials() == null ? null : certificate(config.credentials());
        return http2Sender(new Http2Target(config.gateway(), tls, tokens(key), engineOptions(options, true)), options);
    }

    public ApnsSender sender(Credentials credentials, SenderOptions options) {
        if (config.protocol() == Protocol.HTTP2) {
            requireOpen();
            credentials.checkValidity(Instant.now());
            return http2Sender(new Http2Target(config.gateway(), certificate(credentials), null,
                    engineOptions(options, false)), options);
        }
        requireOpen();
        credentials.checkValidity(Instant.now());
        PoolKey key = new PoolKey(config.gateway(), certificate(credentials));
        StreamSender sender = new StreamSender(this, key.endpoint(), Objects.requireNonNull(options, "options"),
                (owner, name) -> new StreamWorker(owner, key, name), BinaryFrameCheck::check);
        senders.add(sender);
        if (closed) {
            sender.shutdown(Duration.ZERO);
            throw new IllegalStateException("This ApnsSession is closed.");
        }
        return sender;
    }

    /** The long-lived HTTP/2 sender that the batch API uses for this signing key or these credentials. */
    private ApnsSender batchSender(Object authentication) {
        return batchSenders.computeIfAbsent(authentication, auth -> auth instanceof SigningKey key
                ? sender(key, batchOptions()) : sender((Credentials) auth, batchOptions()));
    }

    private SenderOptions batchOptions() {
        return config.senderOptions();
    }

    private static java.util.function.Consumer<dev.apns.Notification> check(SenderOptions options) {
        // The batch API checks a whole message before submitting any of it, with the same rules as its sender.
        return options.http2().checkBeforeSending() ? options.http2()::check : n -> { };
    }

    /** A long-lived HTTP/2 sender to {@code target}. */
    ApnsSender http2Sender(Http2Target target, SenderOptions options) {
        requireOpen();
        Objects.requireNonNull(options, "options");
        Http2Target capped = target;
        StreamSender sender = new StreamSender(this, target.endpoint(), options,
                (owner, name) -> new Http2Worker(owner, capped, name),
                check(options));
        senders.add(sender);
        if (closed) {
            sender.shutdown(Duration.ZERO);
            throw new IllegalStateException("This ApnsSession is closed.");
        }
        return sender;
    }

    /** A new HTTP/2 connection for a sender's worker, offering {@code h2} by ALPN. */
    public Connection connectHttp2(Http2Target target, Connection.Listener listener) throws IOException {
        if (closed) {
            throw new IllegalStateException("The session is closed.");
        }
        ConnectRequest request = new ConnectRequest(target.endpoint(), Optional.ofNullable(target.certificate()),
                config.trust(), config.connectTimeout(), config.writeTimeout(), H2_ALPN, Optional.ofNullable(config.proxy()));
        Connection connection = backend.connect(request, listener);
        Optional<String> negotiated = connection.applicationProtocol();
        if (negotiated.isPresent() && !negotiated.get().equals("h2")) {
            connection.close();
            throw new IOException("The server at " + target.endpoint() + " chose application protocol '"
                    + negotiated.get() + "' instead of h2: it is not an HTTP/2 provider API.");
        }
        return connection;
    }

    /** The provider tokens of a signing key, shared by every sender of this session that uses it. */
    private Http2Target.ProviderTokenSource tokens(SigningKey key) {
        return tokenSources.computeIfAbsent(key, k -> {
            TokenSource source = providerTokens.forKey(k, System.currentTimeMillis());
            return new Http2Target.ProviderTokenSource() {
                @Override
                public ProviderToken current() {
                    return source.current(System.currentTimeMillis());
                }

                @Override
                public void expired(ProviderToken token) {
                    source.rejected(token, "ExpiredProviderToken", System.currentTimeMillis());
                }
            };
        });
    }

    private static Http2Options engineOptions(SenderOptions options, boolean tokenAuthentication) {
        return Http2Options.builder()
                .maxConcurrentStreams(options.maxStreamsPerConnection())
                .oneStreamUntilFirstResponse(tokenAuthentication)
                .build();
    }

    public void forget(StreamSender sender) {
        senders.remove(sender);
    }

    /**
     * A new, unpooled gateway connection for a sender's worker, confirming as {@code settings} and {@code spacing}
     * say, its engine keeping the unconfirmed notifications in the worker's {@code window}.
     */
    public <T> GatewayConnection<T> openStreamConnection(PoolKey key, BinaryEngine.Settings settings,
                                                         SentinelSpacing spacing, UnconfirmedWindow<T> window)
            throws IOException {
        if (closed) {
            throw new IllegalStateException("The session is closed.");
        }
        GatewayConnection<T> connection = new GatewayConnection<>(key, config.firstIdentifier(), settings, spacing, window);
        connection.markInUse(true);
        connection.attach(backend.connect(request(key.endpoint(), key.certificate()), connection));
        return connection;
    }

    public int outdate(Duration idle) {
        return pool.outdate(idle);
    }

    public int openConnections() {
        return pool.openCount();
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (StreamSender sender : List.copyOf(senders)) {
            sender.shutdown(Duration.ofSeconds(5));
        }
        pool.close();
        if (ownsBackend) {
            backend.close(); // also ends connects still under way, so their threads can end
        }
        awaitSenderThreads(System.nanoTime() + SENDER_THREAD_WAIT.toNanos());
    }

    /** How long {@link #close()} waits for sender threads that are still ending (a connect under way). */
    private static final Duration SENDER_THREAD_WAIT = Duration.ofSeconds(2);

    /** Registers a binary sender's thread, which {@link #close()} waits for. */
    public void track(Thread thread) {
        senderThreads.add(thread);
    }

    /** A binary sender's thread has ended. */
    public void untrack(Thread thread) {
        senderThreads.remove(thread);
    }

    private void awaitSenderThreads(long deadline) {
        for (Thread thread : List.copyOf(senderThreads)) {
            long left = deadline - System.nanoTime();
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                LOG.warn("Sender thread {} is still connecting after the session closed; it ends when the backend's "
                        + "connect times out (a backend the session does not own is not closed by it).", thread.getName());
            } else {
                senderThreads.remove(thread);
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** A pooled connection for the key, or a new one. */
    public GatewayConnection<Integer> acquire(PoolKey key) throws IOException {
        GatewayConnection<Integer> connection = pool.borrow(key);
        if (connection != null) {
            return connection;
        }
        connection = new GatewayConnection<>(key, config.firstIdentifier(), batchSettings(),
                SentinelSpacing.fixed(Integer.MAX_VALUE));
        connection.attach(backend.connect(request(key.endpoint(), key.certificate()), connection));
        if (!pool.register(connection)) {
            connection.close();
            throw new IllegalStateException("The session was closed while a connection was being opened.");
        }
        LOG.debug("Opened a gateway connection to {} for {}.", key.endpoint(), key.certificate());
        return connection;
    }

    /**
     * How a pooled connection's engine confirms: the session's confirmation, one sentinel per send (after its
     * last frame: the spacing is fixed at "never" in between), frames written in chunks of {@code writeChunkBytes}.
     */
    private BinaryEngine.Settings batchSettings() {
        return new BinaryEngine.Settings(config.confirmation(), 0, Math.max(1024, config.writeChunkBytes()));
    }

    public void release(GatewayConnection<Integer> connection) {
        pool.release(connection);
    }

    public void discard(GatewayConnection<Integer> connection) {
        pool.discard(connection);
    }

    /** A sentence for a failed connect, naming an expired certificate when that is the reason. */
    public DeliveryError describeConnectFailure(PoolKey key, Throwable failure) {
        Credentials credentials = key.certificate().credentials();
        try {
            credentials.checkValidity(Instant.now());
        } catch (CredentialsException expired) {
            return DeliveryError.ofCause("Could not connect to " + key.endpoint() + ": " + expired.getMessage(), failure);
        }
        String what = failure.getMessage() != null && failure.getMessage().contains(key.endpoint().toString())
                ? failure.getMessage()
                : "Could not connect to " + key.endpoint() + ": " + failure.getMessage();
        String hint = hint(FailureClassifier.classify(failure), credentials);
        return DeliveryError.ofCause(what + (what.endsWith(".") ? "" : ".") + hint, failure);
    }

    /** A sentence that points the user to where the failure of {@code kind} can be fixed, or "". */
    static String hint(FailureClassifier.Kind kind, Credentials credentials) {
        return switch (kind) {
            case CERTIFICATE_REFUSED_BY_SERVER -> " The server refused the TLS handshake with an alert: check that it "
                    + "accepts the certificate '" + credentials.subject() + "' (not expired, not revoked, for this "
                    + "environment).";
            case SERVER_NOT_TRUSTED -> " This session's Trust refused the server's certificate or host name: check "
                    + "the Trust and the endpoint.";
            case LOCAL_CONFIGURATION -> " The TLS handshake failed on this side: check the TLS configuration and the "
                    + "key of '" + credentials.subject() + "'.";
            case BROKEN_OFF -> " The server closed the connection during the TLS handshake without saying why; this "
                    + "is retried.";
            case TIMED_OUT -> " The connect or the TLS handshake took longer than the connect timeout; this is retried.";
            default -> "";
        };
    }

    /** True for failures that retrying will not heal; see {@link FailureClassifier}. */
    public static boolean isPermanent(Throwable failure) {
        return FailureClassifier.isPermanent(failure);
    }

    private Certificate certificate(Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return certificates.computeIfAbsent(credentials, backend::certificate);
    }

    private ConnectRequest request(Endpoint endpoint, Certificate certificate) {
        ConnectRequest request = new ConnectRequest(endpoint, certificate, config.trust(), config.connectTimeout(),
                config.writeTimeout());
        return config.proxy() == null ? request : request.withProxy(config.proxy());
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("This ApnsSession is closed.");
        }
    }

    public static ConnectionFailedException connectFailure(Endpoint endpoint, IOException e) {
        String detail = e.getMessage();
        return new ConnectionFailedException(detail != null && detail.contains(endpoint.toString()) ? detail
                : "Could not connect to " + endpoint + ": " + detail, e);
    }
}
