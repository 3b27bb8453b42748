package dev.apns.internal.auth;

import dev.apns.SigningKey;

import java.time.Instant;
import java.util.Objects;

/**
 * One signed provider token (an ES256 JWT) and what it was made from: the signing key and the time it was
 * issued. Compared by identity, on purpose: {@link ProviderTokens} tells "the token that was rejected" from
 * "the token that replaced it" by reference, and two tokens minted in the same second are still two tokens.
 *
 * <p>Immutable and thread-safe. {@link #toString()} names the key and the issue time, never the token, which
 * is a credential.
 */
public final class ProviderToken {
    private final SigningKey key;
    private final String jwt;
    private final long issuedAtSeconds;
    private final String authorization;

    ProviderToken(SigningKey key, String jwt, long issuedAtSeconds) {
        this.key = Objects.requireNonNull(key, "key");
        this.jwt = Objects.requireNonNull(jwt, "jwt");
        this.issuedAtSeconds = issuedAtSeconds;
        this.authorization = "bearer " + jwt;
    }

    /** The key that signed the token. */
    public SigningKey key() {
        return key;
    }

    /** The compact JWT: {@code header.claims.signature}, each part base64url without padding. */
    public String jwt() {
        return jwt;
    }

    /** The value of the {@code authorization} request header: {@code bearer <jwt>}, built once. */
    public String authorization() {
        return authorization;
    }

    /** The {@code iat} claim: when the token was issued, in seconds since the epoch. */
    public long issuedAtSeconds() {
        return issuedAtSeconds;
    }

    /** The {@code iat} claim in milliseconds since the epoch, for age checks. */
    public long issuedAtMillis() {
        return issuedAtSeconds * 1000L;
    }

    @Override
    public String toString() {
        return "ProviderToken[teamId=" + key.teamId() + ", keyId=" + key.keyId() + ", issuedAt="
                + Instant.ofEpochSecond(issuedAtSeconds) + "]";
    }
}
