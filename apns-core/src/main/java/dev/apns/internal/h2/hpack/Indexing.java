package dev.apns.internal.h2.hpack;

/** How the encoder writes one header field that is not already in a table as a whole (RFC 7541 §6.2). */
public enum Indexing {
    /** Literal with incremental indexing (§6.2.1): the field enters the dynamic table. */
    INCREMENTAL,
    /** Literal without indexing (§6.2.2): not added; intermediaries may index it when they forward it. */
    WITHOUT_INDEXING,
    /** Literal never indexed (§6.2.3): not added, and no intermediary may index it (for secrets). */
    NEVER_INDEXED
}
