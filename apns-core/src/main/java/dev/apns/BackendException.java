package dev.apns;

/**
 * No usable transport backend could be chosen: none on the class path, the named one is unknown or
 * unavailable here, or a provider jar is broken. The message lists what was found and what to add.
 */
public final class BackendException extends ApnsException {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
