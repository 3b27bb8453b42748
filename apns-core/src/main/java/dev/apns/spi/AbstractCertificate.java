package dev.apns.spi;

import dev.apns.Credentials;

import java.util.Objects;

/**
 * A base for {@link Certificate} implementations with the required equality (by certificate digest) and
 * a {@code toString()} that shows the subject and digest only.
 */
public abstract class AbstractCertificate implements Certificate {
    private final Credentials credentials;

    protected AbstractCertificate(Credentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public final Credentials credentials() {
        return credentials;
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof Certificate that && credentials.equals(that.credentials());
    }

    @Override
    public final int hashCode() {
        return credentials.hashCode();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + credentials.subject() + ", sha256=" + credentials.digest() + "]";
    }
}
