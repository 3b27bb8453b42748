package dev.apns.gateway;

import java.util.Objects;

/**
 * A request or a configuration the gateway cannot take, with the field that was wrong ({@code certificate},
 * {@code [3].token}) and what was wrong with it. The REST interface answers it with 400 naming the field.
 * The message never holds the field's value where that may be a secret.
 */
public final class InvalidFieldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /** With the field's name and what was wrong. */
    public InvalidFieldException(String field, String problem) {
        super(Objects.requireNonNull(field, "field") + ": " + Objects.requireNonNull(problem, "problem"));
        this.field = field;
    }

    /** With the field's name, what was wrong, and the error that said so. */
    public InvalidFieldException(String field, String problem, Throwable cause) {
        this(field, problem);
        initCause(cause);
    }

    /** The field that was wrong, as a path into the request ({@code [3].token}, {@code certificate}). */
    public String field() {
        return field;
    }

    /** The same problem under a field name with a prefix ({@code [3]} + {@code .token}). */
    public InvalidFieldException within(String prefix) {
        String message = getMessage().substring(field.length() + 2);
        InvalidFieldException moved = new InvalidFieldException(prefix + (field.startsWith("[") ? "" : ".") + field,
                message);
        moved.initCause(getCause());
        return moved;
    }
}
