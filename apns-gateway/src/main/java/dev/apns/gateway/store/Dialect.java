package dev.apns.gateway.store;

import java.util.Locale;

/**
 * The two databases the gateway stores its queue in: SQLite, embedded in a data directory (one gateway process
 * per directory), and PostgreSQL, which several gateway instances can share.
 */
public enum Dialect {
    /** The embedded default: one file in the data directory. */
    SQLITE("INTEGER PRIMARY KEY AUTOINCREMENT", ""),
    /** For production and for several instances sharing one queue. */
    POSTGRESQL("BIGSERIAL PRIMARY KEY", " FOR UPDATE SKIP LOCKED");

    private final String serialId;
    private final String skipLocked;

    Dialect(String serialId, String skipLocked) {
        this.serialId = serialId;
        this.skipLocked = skipLocked;
    }

    /** The dialect of a JDBC URL. */
    public static Dialect of(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("database URL must start with jdbc:postgresql: or jdbc:sqlite:");
    }

    /**
     * How this dialect declares an auto-numbered primary key: the {@code serial_id} placeholder of the one set of
     * migrations ({@code db/migration}), whose SQL is otherwise the same for both.
     */
    String serialId() {
        return serialId;
    }

    /** What a claiming subquery adds so that concurrent claimers take different rows. */
    String skipLocked() {
        return skipLocked;
    }
}
