package dev.apns.internal.auth;

import dev.apns.SigningKey;

/** Makes a new provider token; {@link JwtSigner#mint} in production, a counting or pausing stand-in in tests. */
@FunctionalInterface
interface TokenMinter {
    /** A new token signed with {@code key}, issued at {@code nowMillis}. */
    ProviderToken mint(SigningKey key, long nowMillis);
}
