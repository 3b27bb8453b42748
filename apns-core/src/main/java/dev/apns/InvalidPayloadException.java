package dev.apns;

/**
 * A payload or message could not be built or read back: JSON that is not an object, a value that is not
 * JSON-serialisable, or a map of the wrong shape. The message names the field.
 */
public final class InvalidPayloadException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidPayloadException(String message) {
        super(message);
    }

    public InvalidPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
