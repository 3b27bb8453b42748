package dev.apns.gateway.store;

import java.sql.SQLException;

/** The database failed or refused an operation; the message says which one. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** SQLite's primary result codes for a refused value: SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH. */
    private static final int SQLITE_TOOBIG = 18;
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_MISMATCH = 20;

    /** With what failed and the database's error. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the database refused the values written rather than failed: a data exception or a broken constraint
     * (SQLSTATE classes 22 and 23), an exception raised by a trigger or function (class P0), or SQLite's codes for
     * the same. Writing the same values again would fail again, while other values may well succeed; a lost
     * connection, a timeout or a full disk are not refusals.
     */
    public boolean refusedTheData() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("P0"))) {
                    return true;
                }
                int primary = sql.getErrorCode() & 0xFF;
                if (state == null && (primary == SQLITE_TOOBIG || primary == SQLITE_CONSTRAINT
                        || primary == SQLITE_MISMATCH)) {
                    return true;
                }
            }
        }
        return false;
    }
}
