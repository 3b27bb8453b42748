package dev.apns.gateway.http;

/**
 * A request the REST interface answers with an error status: the status, a message for the client, and the
 * field that was wrong (or null).
 */
final class RestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;
    private final long retryAfterSeconds;

    RestException(int status, String message, String field) {
        this(status, message, field, 0);
    }

    RestException(int status, String message, String field, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
