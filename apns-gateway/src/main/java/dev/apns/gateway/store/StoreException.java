package dev.apns.gateway.store;

/** The database failed or refused an operation; the message says which one. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With what failed and the database's error. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
