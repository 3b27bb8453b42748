package dev.apns.internal.h2.hpack;

/**
 * Chooses whether a header field enters the encoder's dynamic table. Asked only for fields that no table
 * holds as a whole; a field found in a table is always sent as an index. Implementations must be
 * thread-safe and fast (they run for every field of every request) and must not allocate.
 */
@FunctionalInterface
public interface IndexingPolicy {

    /** How to write the field {@code name: value}, which no table holds yet. */
    Indexing indexing(String name, String value);

    /**
     * The default for APNs requests: index the values that repeat from request to request and keep
     * per-request values out of the table.
     *
     * <ul>
     *   <li>{@code authorization}: {@link Indexing#INCREMENTAL}, as Apple's newer page allows. A provider
     *       token repeats for up to an hour, and indexing it saves some 200 bytes a request on both sides
     *       (Pushy's Netty encoder indexes it too). RFC 7541 §7.1.3 warns about indexing secrets because an
     *       attacker who can add headers to the same connection may probe the table; HPACK matches only
     *       whole fields, so a probe must guess the entire token, whose 64-byte signature makes that
     *       infeasible, and only the SDK writes headers on its connections. Apple's older advice (never
     *       index it) is the policy a caller can still choose by passing its own.</li>
     *   <li>{@code :path} (carries the device token), {@code apns-id}, {@code apns-expiration},
     *       {@code apns-collapse-id}: {@link Indexing#WITHOUT_INDEXING}. They change with almost every
     *       request, so indexing them would only evict the useful entries.</li>
     *   <li>everything else ({@code :method}, {@code :scheme}, {@code :authority}, {@code apns-topic},
     *       {@code apns-push-type}, {@code apns-priority}, {@code content-type} ...):
     *       {@link Indexing#INCREMENTAL}; after the first request they cost one byte each.</li>
     * </ul>
     */
    static IndexingPolicy apple() {
        return AppleIndexingPolicy.INSTANCE;
    }

    /** Nothing enters the dynamic table: every literal is {@link Indexing#WITHOUT_INDEXING}. */
    static IndexingPolicy never() {
        return (name, value) -> Indexing.WITHOUT_INDEXING;
    }
}
