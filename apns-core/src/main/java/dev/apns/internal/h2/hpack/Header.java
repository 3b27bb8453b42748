package dev.apns.internal.h2.hpack;

/**
 * One header field: a name and a value.
 *
 * <p>Names are lower-case (RFC 9113 §8.2.1); pseudo-header names start with {@code ':'}. Both strings
 * stand for octets: every character must be in {@code 0..0xFF} (ISO-8859-1), which is how HPACK carries
 * them. The record checks only what HPACK itself needs (no nulls, a non-empty name without upper-case
 * ASCII letters); the rest of HTTP's rules for values (no CR, LF or NUL, no surrounding white space) are
 * the caller's job.
 *
 * @param name  the field name, lower-case
 * @param value the field value, possibly empty
 */
public record Header(String name, String value) {

    /** Checks the name and value as described above; throws {@link IllegalArgumentException} otherwise. */
    public Header {
        if (name == null || value == null) {
            throw new IllegalArgumentException("a header needs a name and a value, got name " + name
                    + " and " + (value == null ? "no value" : "a value"));
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 0xFF) {
                throw new IllegalArgumentException("header name '" + name + "' has character '" + c
                        + "' at index " + i + "; names are lower-case octets");
            }
        }
    }

    /** The size RFC 7541 §4.1 and RFC 9113 §6.5.2 count for this field: name and value octets plus 32. */
    public int size() {
        return name.length() + value.length() + 32;
    }

    /** The name and value as {@code name: value}; callers must not log headers that carry secrets. */
    @Override
    public String toString() {
        return name + ": " + ("authorization".equals(name) ? "<redacted>" : value);
    }
}
