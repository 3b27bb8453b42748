package dev.apns;

import dev.apns.internal.session.SessionConfig;
import dev.apns.internal.session.SessionEngine;
import dev.apns.protocol.binary.Identifiers;
import dev.apns.spi.Backend;

import java.time.Duration;
import java.util.Objects;

/**
 * The entry point: sends notifications over one transport {@link Backend}, with Apple's HTTP/2 provider API
 * by default (token authentication with a {@link SigningKey}, or a client certificate), or the binary
 * protocol for private gateways ({@link Builder#protocol}). {@link #sender()} gives a long-lived streaming
 * sender; {@link #send(Message)} sends a batch and waits for every token's result.
 *
 * <p>HTTP/2 connections belong to senders (the batch API uses one per signing key or credentials, kept by the
 * session) and stay open for reuse. Binary connections are pooled per (endpoint, certificate), opened on
 * first use, closed by {@link #outdate(Duration)} when idle. {@link #close()} closes everything.
 *
 * <p>Thread-safe: any number of threads may send at once. No lock is held while waiting on the network.
 *
 * <pre>{@code
 * try (ApnsSession session = ApnsSession.builder()
 *         .signingKey(SigningKey.fromP8(p8Text, keyId, teamId))
 *         .environment(Environment.SANDBOX)
 *         .build()) {
 *     Result result = session.send(Message.builder().alert("Hello").topic("com.example.app").token(hex).build());
 *     result.rejections().forEach(r -> forget(r.token()));
 * }
 * }</pre>
 */
public final class ApnsSession implements AutoCloseable {
    private final SessionEngine engine;

    private ApnsSession(SessionConfig config) {
        this.engine = new SessionEngine(config);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends the message to each of its tokens with the session's signing key (or else its credentials) and
     * waits until every token is accepted, rejected or handed back for retry. Over HTTP/2 every notification
     * is answered, and server errors, GOAWAYs and dead connections are handled by the sender's rules (see
     * {@link SenderOptions}). Over the binary protocol success is never acknowledged: see
     * {@link Confirmation}; notifications the server dropped after a rejection, a shutdown or a dead
     * connection are resent on a new connection unless {@link Builder#automaticResend(boolean)} is off.
     * Network failures do not throw: they are reported in {@link Result#errors()} and the affected tokens come
     * back in {@link Result#retry()}.
     *
     * @throws IllegalStateException when the session is closed
     * @throws InvalidNotificationException over HTTP/2, when the message fails the checks before sending
     *     (nothing was sent)
     * @throws InvalidNotificationException (binary protocol) when the payload or a token is longer than the
     *     binary frame's 16-bit length field carries (65,535 bytes); nothing is sent then
     * @throws CredentialsException when the credentials' certificate has expired; nothing is sent then
     */
    public Result send(Message message) {
        return engine.sendDefault(message);
    }

    /** {@link #send(Message)} with other credentials (another app); pooled separately. */
    public Result send(Credentials credentials, Message message) {
        return engine.send(Objects.requireNonNull(credentials, "credentials"), message);
    }

    /**
     * Opens a new, unpooled connection to the feedback service with the session's credentials and
     * returns its entries as an iteration; close it when done.
     *
     * @throws ConnectionFailedException when the connection cannot be opened (TLS refused, unreachable)
     */
    public Feedback feedback() {
        return engine.feedback(engine.defaultCredentials());
    }

    /** {@link #feedback()} with other credentials. */
    public Feedback feedback(Credentials credentials) {
        return engine.feedback(Objects.requireNonNull(credentials, "credentials"));
    }

    /**
     * A long-lived asynchronous sender with the session's protocol, its signing key (or else its credentials)
     * and the session's {@link Builder#senderOptions sender options}; see {@link ApnsSender}. Shut it down when done; the session's
     * {@link #close()} shuts down any left.
     *
     * @throws IllegalStateException when the session has neither a signing key nor credentials
     */
    public ApnsSender sender() {
        return sender(engine.config().senderOptions());
    }

    /** {@link #sender()} with these options. */
    public ApnsSender sender(SenderOptions options) {
        return engine.defaultSender(Objects.requireNonNull(options, "options"));
    }

    /** A long-lived asynchronous sender authenticating with these credentials (a client certificate). */
    public ApnsSender sender(Credentials credentials, SenderOptions options) {
        return engine.sender(Objects.requireNonNull(credentials, "credentials"), Objects.requireNonNull(options, "options"));
    }

    /**
     * A long-lived asynchronous HTTP/2 sender authenticating with provider tokens signed by this key (another
     * team or key than the session's). Tokens are shared by every sender of the session that uses the key.
     *
     * @throws IllegalStateException when the session speaks the binary protocol, which has no token authentication
     */
    public ApnsSender sender(SigningKey signingKey, SenderOptions options) {
        return engine.sender(Objects.requireNonNull(signingKey, "signingKey"), Objects.requireNonNull(options, "options"));
    }

    /** The protocol this session speaks. */
    public Protocol protocol() {
        return engine.config().protocol();
    }

    /**
     * Closes the pooled binary-protocol connections that have not been used for at least {@code idle}. HTTP/2
     * connections belong to senders (the batch API's included) and stay open for reuse, as Apple asks; they
     * close with their sender or the session.
     *
     * @return how many were closed
     */
    public int outdate(Duration idle) {
        return engine.outdate(Objects.requireNonNull(idle, "idle"));
    }

    /** How many pooled binary-protocol connections are open now (idle or in use); see {@link #outdate}. */
    public int openConnections() {
        return engine.openConnections();
    }

    /** The name of the backend in use. */
    public String backendName() {
        return engine.backend().name();
    }

    /**
     * Closes every connection and, when the session chose its backend itself, the backend. Sends in
     * progress end with their remaining tokens in {@link Result#retry()}. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Configures an {@link ApnsSession}. Every option has a default except the credentials, which are
     * needed for {@link ApnsSession#send(Message)} and {@link ApnsSession#feedback()} (the overloads
     * taking credentials work without them). Not thread-safe.
     */
    public static final class Builder {
        private Backend backend;
        private String backendName;
        private Protocol protocol = Protocol.HTTP2;
        private Credentials credentials;
        private SigningKey signingKey;
        private Environment environment = Environment.PRODUCTION;
        private Endpoint gateway;
        private Endpoint feedback;
        private Trust trust = Trust.system();
        private Proxy proxy;
        private SenderOptions senderOptions = SenderOptions.defaults();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration writeTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Confirmation confirmation = Confirmation.defaults();
        private boolean automaticResend = true;
        private int writeChunkBytes = 16 * 1024;
        private int maxAttemptsWithoutProgress = 3;
        private long firstIdentifier = Identifiers.FIRST;

        private Builder() {
        }

        /** Uses this backend instance; the caller keeps ownership and closes it after the session. */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            this.backendName = null;
            return this;
        }

        /**
         * Uses the discovered backend with this name ({@code blocking}, {@code netty}, ...). Without either
         * backend option the system property {@code apns.backend} decides, then the highest priority.
         */
        public Builder backend(String name) {
            this.backendName = Objects.requireNonNull(name, "name");
            this.backend = null;
            return this;
        }

        /**
         * The protocol: {@link Protocol#HTTP2}, Apple's provider API, by default; {@link Protocol#BINARY} for
         * private gateways that still speak the binary protocol.
         */
        public Builder protocol(Protocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * The default client certificate and key, for {@link ApnsSession#send(Message)}, senders and (binary
         * protocol) {@link ApnsSession#feedback()}. With a {@link #signingKey} as well, the signing key wins for
         * HTTP/2 and the credentials still serve TLS.
         */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** HTTP/2 token authentication: the {@code .p8} signing key with its key id and team id. */
        public Builder signingKey(SigningKey signingKey) {
            this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
            return this;
        }

        /** Uses Apple's endpoints of this environment for the session's protocol (production by default). */
        public Builder environment(Environment environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * The options of {@link ApnsSession#sender()} and, over HTTP/2, of the sender behind
         * {@link ApnsSession#send(Message)}: default topic and push type, checks, retries, the invalid-token
         * listener. {@link SenderOptions#defaults()} by default.
         */
        public Builder senderOptions(SenderOptions options) {
            this.senderOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Connects through this HTTP CONNECT or SOCKS5 proxy; directly by default. */
        public Builder proxy(Proxy proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /**
         * The server notifications go to, for private gateways, the alternate port 2197 and tests: an HTTP/2
         * provider API or a binary gateway, as {@link #protocol} says. Apple's, per {@link #environment}, by default.
         */
        public Builder gateway(Endpoint gateway) {
            this.gateway = Objects.requireNonNull(gateway, "gateway");
            return this;
        }

        /** The feedback endpoint, for private gateways and tests. */
        public Builder feedback(Endpoint feedback) {
            this.feedback = Objects.requireNonNull(feedback, "feedback");
            return this;
        }

        /** Which server certificates to accept; the system trust store by default. */
        public Builder trust(Trust trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /** The limit for a TCP connect and, separately, for a TLS handshake; 10 s by default. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive(timeout, "connectTimeout");
            return this;
        }

        /** How long one write may be blocked by a server that does not read; 10 s by default. */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = requirePositive(timeout, "writeTimeout");
            return this;
        }

        /**
         * How long the feedback reader waits for the next bytes before it ends the stream with a
         * timeout failure; 30 s by default.
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = requirePositive(timeout, "readTimeout");
            return this;
        }

        /** How a send learns that its batch went through; a sentinel (5 s timeout) by default. */
        public Builder confirmation(Confirmation confirmation) {
            this.confirmation = Objects.requireNonNull(confirmation, "confirmation");
            return this;
        }

        /**
         * Whether notifications dropped by the server (after a rejection, a shutdown or a dead connection)
         * are resent automatically within the same send (the default) or handed back in
         * {@link Result#retry()}.
         */
        public Builder automaticResend(boolean automaticResend) {
            this.automaticResend = automaticResend;
            return this;
        }

        /** How many bytes of notifications are encoded and written at a time; 16 KiB by default. */
        public Builder writeChunkBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("writeChunkBytes must be at least 1024, was " + bytes + ".");
            }
            this.writeChunkBytes = bytes;
            return this;
        }

        /**
         * How many connection attempts in a row may end without a single notification accepted or rejected
         * before a send gives up and hands the rest back; 3 by default.
         */
        public Builder maxAttemptsWithoutProgress(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttemptsWithoutProgress must be at least 1, was " + attempts + ".");
            }
            this.maxAttemptsWithoutProgress = attempts;
            return this;
        }

        /**
         * The identifier of each connection's first notification; 1 by default, which is right for
         * Apple. Meant for testing a gateway's handling of the wrap from 2^32-1 to 1.
         */
        public Builder firstIdentifier(long identifier) {
            if (!Identifiers.isValid(identifier)) {
                throw new IllegalArgumentException("firstIdentifier must be 1 to 4294967295, was " + identifier + ".");
            }
            this.firstIdentifier = identifier;
            return this;
        }

        /**
         * The session. Chooses the backend now (so a missing backend fails here) but opens no connection.
         *
         * @throws BackendException when no backend can be chosen
         * @throws CredentialsException when the credentials' certificate has expired
         */
        public ApnsSession build() {
            if (signingKey != null && protocol == Protocol.BINARY) {
                throw new IllegalStateException("A signing key authenticates HTTP/2 connections only; the binary protocol "
                        + "needs credentials (a client certificate).");
            }
            return new ApnsSession(new SessionConfig(backend, backendName, protocol, credentials, signingKey,
                    gateway != null ? gateway : environment.endpoint(protocol),
                    feedback != null ? feedback : environment.feedback(), trust, proxy,
                    connectTimeout, writeTimeout, readTimeout, confirmation, automaticResend, writeChunkBytes,
                    maxAttemptsWithoutProgress, firstIdentifier, senderOptions));
        }

        private static Duration requirePositive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + duration + ".");
            }
            return duration;
        }
    }
}
