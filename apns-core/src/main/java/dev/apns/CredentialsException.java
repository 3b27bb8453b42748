package dev.apns;

import java.util.Objects;

/**
 * A certificate or private key could not be used. {@link #problem()} says which way it went wrong, the
 * message says where; neither ever contains key material or a password.
 */
public final class CredentialsException extends ApnsException {
    private static final long serialVersionUID = 1L;

    /** The ways credentials can be unusable. */
    public enum Problem {
        /** The input is not PEM, DER or PKCS#12 that could be read (garbage, truncated, wrong type). */
        MALFORMED,
        /** The input holds no certificate. */
        NO_CERTIFICATE,
        /** The input holds no private key. */
        NO_PRIVATE_KEY,
        /** The key is encrypted and no password was given. */
        PASSWORD_REQUIRED,
        /** The password does not decrypt the key or the PKCS#12 store. */
        WRONG_PASSWORD,
        /** The private key does not belong to the certificate's public key. */
        KEY_MISMATCH,
        /** The key or encryption algorithm is not supported by this JVM, or the key is in a form this use does not take. */
        UNSUPPORTED,
        /** The key is of another type than the use needs (an APNs signing key must be EC P-256). */
        WRONG_KEY_TYPE,
        /** The certificate's validity period has ended. */
        EXPIRED,
        /** The certificate's validity period has not begun. */
        NOT_YET_VALID
    }

    private final Problem problem;

    public CredentialsException(Problem problem, String message) {
        this(problem, message, null);
    }

    public CredentialsException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** Which way the credentials are unusable. */
    public Problem problem() {
        return problem;
    }
}
