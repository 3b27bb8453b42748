package dev.apns;

/**
 * A connection to an APNs endpoint could not be opened: unreachable, timed out, or the TLS handshake was
 * refused (certificate not accepted, server not trusted). The message names the endpoint; the cause is the
 * transport's exception.
 */
public final class ConnectionFailedException extends ApnsException {
    private static final long serialVersionUID = 1L;

    public ConnectionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
