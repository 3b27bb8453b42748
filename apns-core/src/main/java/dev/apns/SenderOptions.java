package dev.apns;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How an {@link ApnsSender} behaves: how many connections it uses, how much it may hold, how long a
 * producer waits for room, how it confirms, how it reconnects. Immutable; build with {@link #builder()}.
 *
 * @param connections connections used together (default 1)
 * @param maxPending notifications queued or in flight at most (default 250,000: at about 100 bytes of the
 *     SDK's bookkeeping each, some 25 MB when full)
 * @param submitTimeout how long {@link ApnsSender#submit} waits for room (default 10 s)
 * @param confirmation when a notification counts as accepted. Default: a sentinel with a 5 s timeout, written
 *     when the queue has stayed empty for a millisecond and after every {@code sentinelEvery} notifications
 *     on a connection, because under
 *     continuous load a quiet period cannot tell a slow server from a silent one. A quiet period counts a
 *     notification accepted when no error response came within it after its write.
 * @param sentinelEvery with a sentinel confirmation, the most notifications written on one connection between
 *     two sentinels (default 100,000; each sentinel costs a reconnect). Lowered to
 *     {@code maxPending / (connections + 1)} when that is smaller, so that the unconfirmed windows of all
 *     connections never fill the sender: a full sender waiting for a sentinel would stall. A connection that
 *     dies without an error response takes its unconfirmed window with it (all of it is resent, possibly
 *     duplicating), so each connection halves its spacing after such a death (down to 1,000) and doubles it back
 *     towards this value after four clean windows in a row.
 * @param maxBlindResends how many times one notification may be resent without knowing whether the server
 *     had it (its connection died without an error response, or an error response named no notification in
 *     flight) before it ends unsent (default 5; 0: never, which makes delivery at-most-once). Resends after an
 *     error response that names a notification, or after HTTP/2 says a stream was not processed, are exact and
 *     do not count.
 * @param reconnectBackoff the first wait before reconnecting after a failure; doubles, with jitter, up to
 *     {@code maxReconnectBackoff}
 * @param maxReconnectBackoff the longest wait between reconnects (default 30 s)
 * @param maxPendingBytes payload bytes queued or in flight at most (default 128 MiB), beside {@code maxPending}:
 *     a producer waits while either bound is reached. Checked before a notification takes its place, so
 *     producers racing each other may pass it by a payload each.
 * @param maxServerRetries HTTP/2: how many times one notification is sent again after a server error that Apple
 *     says to retry later (5xx, TooManyRequests) before it ends unsent with that reason (default 3)
 * @param serverRetryBackoff HTTP/2: the wait before the first such retry; doubles for each later one, with
 *     jitter, up to {@code maxReconnectBackoff} (default 1 s)
 * @param requestTimeout HTTP/2: how long a written notification may wait for its answer; a connection with an
 *     answer overdue is taken as stuck, closed and replaced, and its unanswered notifications are sent again
 *     (counted as possible duplicates) (default 30 s)
 * @param maxStreamsPerConnection HTTP/2: notifications in flight on one connection at most; the server's
 *     MAX_CONCURRENT_STREAMS lowers it further (default 1000)
 * @param http2 HTTP/2: the topic and push type of notifications that name none, and whether notifications are
 *     checked against Apple's documented limits before they are sent
 * @param invalidTokens told of every rejection that says the device token is no longer valid (HTTP/2
 *     Unregistered, ExpiredToken, BadDeviceToken, with the time since when where the server says; binary status
 *     8), on a sender thread, besides the notification's own outcome: the place to prune your token store. A
 *     listener that throws is logged and changes nothing. Default: none.
 * @param deadline how long after its submission a notification may still be written; one still queued, or
 *     waiting for a retry, when it passes ends unsent (never written: {@code possiblyDelivered() == false} unless
 *     an earlier attempt went unanswered). {@link Duration#ZERO}, the default: no deadline.
 * @param connectionsEnded told of every connection the server ended or that broke, and why (see
 *     {@link ConnectionEnded}), on a sender thread. Default: none.
 */
public record SenderOptions(int connections, int maxPending, Duration submitTimeout, Confirmation confirmation,
                            int sentinelEvery, int maxBlindResends, Duration reconnectBackoff, Duration maxReconnectBackoff,
                            long maxPendingBytes, int maxServerRetries, Duration serverRetryBackoff, Duration requestTimeout,
                            int maxStreamsPerConnection, Http2Defaults http2, Consumer<Rejection> invalidTokens,
                            Duration deadline, Consumer<ConnectionEnded> connectionsEnded) {
    public SenderOptions {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, was " + connections + ".");
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, was " + maxPending + ".");
        }
        if (sentinelEvery < 1) {
            throw new IllegalArgumentException("sentinelEvery must be at least 1, was " + sentinelEvery + ".");
        }
        if (maxBlindResends < 0) {
            throw new IllegalArgumentException("maxBlindResends must not be negative, was " + maxBlindResends + ".");
        }
        Objects.requireNonNull(submitTimeout, "submitTimeout");
        Objects.requireNonNull(confirmation, "confirmation");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        Objects.requireNonNull(maxReconnectBackoff, "maxReconnectBackoff");
        if (submitTimeout.isNegative() || reconnectBackoff.isNegative() || maxReconnectBackoff.compareTo(reconnectBackoff) < 0) {
            throw new IllegalArgumentException("Timeouts must not be negative and maxReconnectBackoff must be at least reconnectBackoff.");
        }
        if (maxPendingBytes < 8192) {
            throw new IllegalArgumentException("maxPendingBytes must be at least 8192, was " + maxPendingBytes + ".");
        }
        if (maxServerRetries < 0) {
            throw new IllegalArgumentException("maxServerRetries must not be negative, was " + maxServerRetries + ".");
        }
        Objects.requireNonNull(serverRetryBackoff, "serverRetryBackoff");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (serverRetryBackoff.isNegative() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("serverRetryBackoff must not be negative and requestTimeout must be positive.");
        }
        if (maxStreamsPerConnection < 1) {
            throw new IllegalArgumentException("maxStreamsPerConnection must be at least 1, was " + maxStreamsPerConnection + ".");
        }
        Objects.requireNonNull(http2, "http2");
        Objects.requireNonNull(invalidTokens, "invalidTokens");
        Objects.requireNonNull(connectionsEnded, "connectionsEnded");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative, was " + deadline + ".");
        }
    }

    /** The defaults. */
    public static SenderOptions defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SenderOptions}. Not thread-safe. */
    public static final class Builder {
        private int connections = 1;
        private int maxPending = 250_000;
        private Duration submitTimeout = Duration.ofSeconds(10);
        private Confirmation confirmation = Confirmation.sentinel(Duration.ofSeconds(5));
        private int sentinelEvery = 100_000;
        private int maxBlindResends = 5;
        private Duration reconnectBackoff = Duration.ofMillis(100);
        private Duration maxReconnectBackoff = Duration.ofSeconds(30);
        private long maxPendingBytes = 128L * 1024 * 1024;
        private int maxServerRetries = 3;
        private Duration serverRetryBackoff = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxStreamsPerConnection = 1000;
        private Http2Defaults http2 = Http2Defaults.defaults();
        private Consumer<Rejection> invalidTokens = rejection -> { };
        private Consumer<ConnectionEnded> connectionsEnded = ended -> { };
        private Duration deadline = Duration.ZERO;

        /** How long after submission a notification may still be written; see {@link SenderOptions}. */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        private Builder() {
        }

            /**
         * Told, on a sender thread, of every connection the server ended or that broke (not those the sender closes
         * itself), with why and, where a rejection ended it, the notification: for a disconnection log. A listener
         * that throws is logged at WARN and changes nothing; do not block in it.
         */
        public Builder onConnectionEnded(Consumer<ConnectionEnded> listener) {
            this.connectionsEnded = Objects.requireNonNull(listener, "listener");
            return this;
        }

    /** Tells {@code listener} of every rejection saying a token is no longer valid; see {@link SenderOptions}. */
        public Builder onInvalidToken(Consumer<Rejection> listener) {
            this.invalidTokens = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Builder maxPendingBytes(long bytes) {
            this.maxPendingBytes = bytes;
            return this;
        }

        public Builder maxServerRetries(int retries) {
            this.maxServerRetries = retries;
            return this;
        }

        public Builder serverRetryBackoff(Duration first) {
            this.serverRetryBackoff = first;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder maxStreamsPerConnection(int streams) {
            this.maxStreamsPerConnection = streams;
            return this;
        }

        /** Shortcut for {@code http2(defaults.withTopic(topic))}: the topic of notifications that name none. */
        public Builder topic(String topic) {
            this.http2 = http2.withTopic(topic);
            return this;
        }

        /** HTTP/2 defaults for notifications: topic, push type, checks before sending. */
        public Builder http2(Http2Defaults http2) {
            this.http2 = http2;
            return this;
        }

        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        public Builder maxPending(int maxPending) {
            this.maxPending = maxPending;
            return this;
        }

        public Builder submitTimeout(Duration submitTimeout) {
            this.submitTimeout = submitTimeout;
            return this;
        }

        public Builder confirmation(Confirmation confirmation) {
            this.confirmation = confirmation;
            return this;
        }

        public Builder sentinelEvery(int sentinelEvery) {
            this.sentinelEvery = sentinelEvery;
            return this;
        }

        public Builder maxBlindResends(int maxBlindResends) {
            this.maxBlindResends = maxBlindResends;
            return this;
        }

        public Builder reconnectBackoff(Duration first, Duration max) {
            this.reconnectBackoff = first;
            this.maxReconnectBackoff = max;
            return this;
        }

        /** The options; invalid values are refused here with a sentence naming them. */
        public SenderOptions build() {
            return new SenderOptions(connections, maxPending, submitTimeout, confirmation, sentinelEvery, maxBlindResends,
                    reconnectBackoff, maxReconnectBackoff, maxPendingBytes, maxServerRetries, serverRetryBackoff,
                    requestTimeout, maxStreamsPerConnection, http2, invalidTokens, deadline, connectionsEnded);
        }
    }
}
