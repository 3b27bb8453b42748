package dev.apns.cli;

/**
 * The exit codes of every {@code apns} command, so that scripts can tell what happened without reading
 * the output. Each command's help lists the ones it uses.
 */
public final class ExitCodes {
    /** Everything was done: every notification accepted, the certificate usable, the demo behaved. */
    public static final int OK = 0;
    /** The server rejected some tokens ({@code push}); the certificate is unusable ({@code cert}); the demo misbehaved. */
    public static final int REJECTED = 1;
    /** Some notifications could not be sent, or the feedback not read: a connection or certificate failure. */
    public static final int UNSENT = 2;
    /** Bad input: a flag, an unreadable or malformed file, a malformed token, a wrong password, an unknown backend. */
    public static final int BAD_INPUT = 3;
    /** A bug: an unexpected exception (its stack trace is printed with {@code --verbose}). */
    public static final int INTERNAL = 4;

    private ExitCodes() {
    }
}
