package dev.apns;

import java.util.Objects;

/** The checks of values that travel as HTTP/2 header values (topic, collapse id), shared by the builders. */
final class HeaderValues {
    private HeaderValues() {
    }

    /**
     * The value, if it is printable ASCII and not blank.
     *
     * @throws IllegalArgumentException naming the field and the index of the first bad character
     */
    static String check(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank.");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(field + " '" + value.replaceAll("[^\\x20-\\x7e]", "?")
                        + "' has a character a header cannot carry at index " + i + " (printable ASCII only).");
            }
        }
        return value;
    }

    /** A collapse id: {@link #check} and at most {@link Notification#MAX_COLLAPSE_ID_BYTES} bytes. */
    static String collapseId(String value) {
        check(value, "collapseId");
        if (value.length() > Notification.MAX_COLLAPSE_ID_BYTES) {
            throw new IllegalArgumentException("collapseId is " + value.length() + " bytes; Apple accepts at most "
                    + Notification.MAX_COLLAPSE_ID_BYTES + ".");
        }
        return value;
    }
}
