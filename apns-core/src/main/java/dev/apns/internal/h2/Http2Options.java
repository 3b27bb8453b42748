package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.IndexingPolicy;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and timings of one {@link Http2ClientEngine}: what we advertise in SETTINGS, what we accept, and when
 * we PING. Immutable and thread-safe; made with {@link #builder()}.
 */
public final class Http2Options {

    /** The largest flow-control window RFC 9113 allows: 2^31-1. */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;

    private static final Http2Options DEFAULTS = builder().build();

    private final int maxConcurrentStreams;
    private final int initialWindowSize;
    private final int connectionWindowSize;
    private final int maxHeaderListSize;
    private final int maxResponseBody;
    private final int headerTableSize;
    private final long pingIdleNanos;
    private final long pingTimeoutNanos;
    private final IndexingPolicy indexingPolicy;
    private final boolean oneStreamUntilFirstResponse;

    private Http2Options(Builder b) {
        this.maxConcurrentStreams = b.maxConcurrentStreams;
        this.initialWindowSize = b.initialWindowSize;
        this.connectionWindowSize = b.connectionWindowSize;
        this.maxHeaderListSize = b.maxHeaderListSize;
        this.maxResponseBody = b.maxResponseBody;
        this.headerTableSize = b.headerTableSize;
        this.pingIdleNanos = b.pingIdle.toNanos();
        this.pingTimeoutNanos = b.pingTimeout.toNanos();
        this.indexingPolicy = b.indexingPolicy;
        this.oneStreamUntilFirstResponse = b.oneStreamUntilFirstResponse;
    }

    /** The defaults: see each {@link Builder} method. */
    public static Http2Options defaults() {
        return DEFAULTS;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Our cap on concurrently open streams, applied below the peer's SETTINGS_MAX_CONCURRENT_STREAMS. */
    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** The SETTINGS_INITIAL_WINDOW_SIZE we advertise: each stream's receive window, in bytes. */
    public int initialWindowSize() {
        return initialWindowSize;
    }

    /** The connection's receive window, in bytes (raised from 65,535 by a WINDOW_UPDATE at start). */
    public int connectionWindowSize() {
        return connectionWindowSize;
    }

    /** The SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce on responses. */
    public int maxHeaderListSize() {
        return maxHeaderListSize;
    }

    /** The largest response body we keep; a larger one resets its stream. */
    public int maxResponseBody() {
        return maxResponseBody;
    }

    /**
     * The SETTINGS_HEADER_TABLE_SIZE we advertise (our decoder's table), and the most our encoder uses of what the
     * peer allows.
     */
    public int headerTableSize() {
        return headerTableSize;
    }

    /** After this long without input the engine sends a PING; 0 means never. */
    public long pingIdleNanos() {
        return pingIdleNanos;
    }

    /** A PING unanswered for this long fails the connection. */
    public long pingTimeoutNanos() {
        return pingTimeoutNanos;
    }

    /** Which request header fields enter the HPACK dynamic table. */
    public IndexingPolicy indexingPolicy() {
        return indexingPolicy;
    }

    /**
     * Whether only one stream may be open until the first response arrives (APNs token authentication allows one
     * stream until a request with a valid token was answered).
     */
    public boolean oneStreamUntilFirstResponse() {
        return oneStreamUntilFirstResponse;
    }

    @Override
    public String toString() {
        return "Http2Options[maxConcurrentStreams=" + maxConcurrentStreams + ", initialWindowSize=" + initialWindowSize
                + ", connectionWindowSize=" + connectionWindowSize + ", maxHeaderListSize=" + maxHeaderListSize
                + ", maxResponseBody=" + maxResponseBody + ", headerTableSize=" + headerTableSize
                + ", pingIdle=" + Duration.ofNanos(pingIdleNanos) + ", pingTimeout=" + Duration.ofNanos(pingTimeoutNanos)
                + ", oneStreamUntilFirstResponse=" + oneStreamUntilFirstResponse + "]";
    }

    /** Collects options; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private int maxConcurrentStreams = 1000;
        private int initialWindowSize = 65_536;
        private int connectionWindowSize = 1 << 20;
        private int maxHeaderListSize = 8192;
        private int maxResponseBody = 65_536;
        private int headerTableSize = 4096;
        private Duration pingIdle = Duration.ofMinutes(5);
        private Duration pingTimeout = Duration.ofSeconds(15);
        private IndexingPolicy indexingPolicy = IndexingPolicy.apple();
        private boolean oneStreamUntilFirstResponse;

        private Builder() {
        }

        /** Our cap on open streams, 1 or more; default 1000. */
        public Builder maxConcurrentStreams(int streams) {
            this.maxConcurrentStreams = streams;
            return this;
        }

        /** Each stream's receive window we advertise, 1 .. 2^31-1 bytes; default 65,536. */
        public Builder initialWindowSize(int bytes) {
            this.initialWindowSize = bytes;
            return this;
        }

        /** The connection's receive window, 65,535 .. 2^31-1 bytes; default 1 MiB. */
        public Builder connectionWindowSize(int bytes) {
            this.connectionWindowSize = bytes;
            return this;
        }

        /** The largest response header list we accept (RFC 9113 §6.5.2 size), 1 or more; default 8192. */
        public Builder maxHeaderListSize(int bytes) {
            this.maxHeaderListSize = bytes;
            return this;
        }

        /** The largest response body we keep, 0 or more bytes; default 65,536 (APNs error bodies are tiny). */
        public Builder maxResponseBody(int bytes) {
            this.maxResponseBody = bytes;
            return this;
        }

        /** Our HPACK table size (both directions, see {@link Http2Options#headerTableSize()}); default 4096. */
        public Builder headerTableSize(int bytes) {
            this.headerTableSize = bytes;
            return this;
        }

        /** PING after this long without input; {@link Duration#ZERO} turns idle PINGs off; default 5 minutes. */
        public Builder pingIdle(Duration idle) {
            this.pingIdle = Objects.requireNonNull(idle, "pingIdle");
            return this;
        }

        /** Fail the connection when a PING is unanswered this long; positive; default 15 seconds. */
        public Builder pingTimeout(Duration timeout) {
            this.pingTimeout = Objects.requireNonNull(timeout, "pingTimeout");
            return this;
        }

        /** Which header fields enter the HPACK dynamic table; default {@link IndexingPolicy#apple()}. */
        public Builder indexingPolicy(IndexingPolicy policy) {
            this.indexingPolicy = Objects.requireNonNull(policy, "indexingPolicy");
            return this;
        }

        /** Allow a single stream until the first response arrived; default false. */
        public Builder oneStreamUntilFirstResponse(boolean one) {
            this.oneStreamUntilFirstResponse = one;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first field out of range
         */
        public Http2Options build() {
            require(maxConcurrentStreams >= 1, "maxConcurrentStreams must be at least 1, was " + maxConcurrentStreams);
            require(initialWindowSize >= 1, "initialWindowSize must be 1 .. 2^31-1 bytes, was " + initialWindowSize);
            require(connectionWindowSize >= 65_535,
                    "connectionWindowSize must be 65,535 .. 2^31-1 bytes, was " + connectionWindowSize);
            require(maxHeaderListSize >= 1, "maxHeaderListSize must be at least 1 byte, was " + maxHeaderListSize);
            require(maxResponseBody >= 0, "maxResponseBody must not be negative, was " + maxResponseBody);
            require(headerTableSize >= 0, "headerTableSize must not be negative, was " + headerTableSize);
            require(!pingIdle.isNegative(), "pingIdle must not be negative, was " + pingIdle);
            require(!pingTimeout.isNegative() && !pingTimeout.isZero(), "pingTimeout must be positive, was " + pingTimeout);
            require(pingIdle.compareTo(Duration.ofDays(365)) <= 0 && pingTimeout.compareTo(Duration.ofDays(365)) <= 0,
                    "pingIdle and pingTimeout must be at most a year");
            return new Http2Options(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
