package dev.apns.internal.h2.hpack;

/** The policy {@link IndexingPolicy#apple()} describes. */
final class AppleIndexingPolicy implements IndexingPolicy {
    static final AppleIndexingPolicy INSTANCE = new AppleIndexingPolicy();

    private AppleIndexingPolicy() {
    }

    @Override
    public Indexing indexing(String name, String value) {
        switch (name) {
            case ":path":
            case "apns-id":
            case "apns-expiration":
            case "apns-collapse-id":
                return Indexing.WITHOUT_INDEXING;
            default:
                return Indexing.INCREMENTAL;
        }
    }
}
