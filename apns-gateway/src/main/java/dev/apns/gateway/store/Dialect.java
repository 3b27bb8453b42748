package dev.apns.gateway.store;

import java.util.Locale;

/**
 * The two databases the gateway stores its queue in: SQLite, embedded in a data directory (one gateway process
 * per directory), and PostgreSQL, which several gateway instances can share.
 */
public enum Dialect {
    /** The embedded default: one file in the data directory. */
    SQLITE("db/sqlite", ""),
    /** For production and for several instances sharing one queue. */
    POSTGRESQL("db/postgresql", " FOR UPDATE SKIP LOCKED");

    private final String migrations;
    private final String skipLocked;

    Dialect(String migrations, String skipLocked) {
        this.migrations = migrations;
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

    /** Where the schema migrations of this dialect are, on the class path. */
    String migrations() {
        return "classpath:" + migrations;
    }

    /** What a claiming subquery adds so that concurrent claimers take different rows. */
    String skipLocked() {
        return skipLocked;
    }
}
