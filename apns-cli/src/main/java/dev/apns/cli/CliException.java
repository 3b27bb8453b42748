package dev.apns.cli;

/**
 * A problem a command reports as one line on standard error, prefixed with {@code apns: }, before it exits
 * with {@link #exitCode()}. The message names the flag and the input at fault in a whole sentence and never
 * contains a password or key material. The cause, when there is one, is printed only with {@code --verbose}.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /** A problem with its exit code (see {@link ExitCodes}). */
    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    /** A problem with its exit code and the exception behind it. */
    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad input ({@link ExitCodes#BAD_INPUT}). */
    public static CliException badInput(String message) {
        return new CliException(ExitCodes.BAD_INPUT, message);
    }

    /** Bad input ({@link ExitCodes#BAD_INPUT}), with the exception behind it. */
    public static CliException badInput(String message, Throwable cause) {
        return new CliException(ExitCodes.BAD_INPUT, message, cause);
    }

    /** The exit code the command ends with. */
    public int exitCode() {
        return exitCode;
    }
}
