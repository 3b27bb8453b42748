package dev.apns;

/**
 * The base of every exception this SDK throws on purpose. Unchecked: a caller that wants to react to a
 * specific problem catches the subclass that names it.
 */
public class ApnsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ApnsException(String message) {
        super(message);
    }

    public ApnsException(String message, Throwable cause) {
        super(message, cause);
    }
}
