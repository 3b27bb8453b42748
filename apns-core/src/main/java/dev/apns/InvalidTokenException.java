package dev.apns;

/** A device token could not be read: not hex, an odd number of digits, empty, or too long to encode. */
public final class InvalidTokenException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidTokenException(String message) {
        super(message);
    }
}
