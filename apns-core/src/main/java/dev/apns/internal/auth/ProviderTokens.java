package dev.apns.internal.auth;

import dev.apns.SigningKey;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider tokens of one session: one {@link TokenSource} per {@link SigningKey}, shared by every
 * connection that authenticates with that key, so that the session presents one token per (team, key) at a
 * time, as APNs wants (it counts token updates per team and answers too many with 429
 * TooManyProviderTokenUpdates).
 *
 * <p>Owned by the session, which makes one at start and drops it at close; connections look up their
 * key's source once and then read it for every request. A token is refreshed when it reaches the refresh
 * age (default 50 minutes; 20 to 60 minutes allowed, since APNs refuses tokens older than an hour and
 * asks for no more than one new token per 20 minutes) and renewed when APNs rejects it; see
 * {@link TokenSource} for the rules.
 *
 * <p>Thread-safe. Looking up a source is a concurrent map read; a key's first lookup mints its first token
 * while holding that map entry, which delays only other first lookups of the same key.
 */
public final class ProviderTokens {
    /** The default refresh age: tokens are replaced after 50 minutes, ten before APNs would refuse them. */
    public static final Duration DEFAULT_REFRESH_AGE = Duration.ofMinutes(50);
    /** The shortest refresh age allowed: APNs asks for new tokens no more often than every 20 minutes. */
    public static final Duration MIN_REFRESH_AGE = Duration.ofMinutes(20);
    /** The longest refresh age allowed: APNs refuses tokens older than an hour. */
    public static final Duration MAX_REFRESH_AGE = Duration.ofMinutes(60);

    private final Duration refreshAge;
    private final TokenMinter minter;
    private final ConcurrentHashMap<SigningKey, TokenSource> sources = new ConcurrentHashMap<>();

    /** Tokens refreshed at the {@linkplain #DEFAULT_REFRESH_AGE default age}. */
    public ProviderTokens() {
        this(DEFAULT_REFRESH_AGE);
    }

    /**
     * Tokens refreshed at {@code refreshAge}.
     *
     * @throws IllegalArgumentException unless {@code refreshAge} lies between 20 and 60 minutes
     */
    public ProviderTokens(Duration refreshAge) {
        this(refreshAge, JwtSigner::mint);
    }

    ProviderTokens(Duration refreshAge, TokenMinter minter) {
        Objects.requireNonNull(refreshAge, "refreshAge");
        if (refreshAge.compareTo(MIN_REFRESH_AGE) < 0 || refreshAge.compareTo(MAX_REFRESH_AGE) > 0) {
            throw new IllegalArgumentException("The provider token refresh age must lie between 20 and 60 minutes "
                    + "(APNs refuses tokens older than an hour and more than one new token per 20 minutes); "
                    + refreshAge + " does not.");
        }
        this.refreshAge = refreshAge;
        this.minter = Objects.requireNonNull(minter, "minter");
    }

    /**
     * The token source for {@code key}, made (and its first token minted, issued at {@code nowMillis}) on the
     * first call for that key. Keys that are {@linkplain SigningKey#equals equal} share one source.
     *
     * @param nowMillis the wall clock, milliseconds since the epoch
     */
    public TokenSource forKey(SigningKey key, long nowMillis) {
        Objects.requireNonNull(key, "key");
        TokenSource source = sources.get(key);
        if (source != null) {
            return source;
        }
        return sources.computeIfAbsent(key, k -> new TokenSource(k, refreshAge.toMillis(), minter, nowMillis));
    }

    /** The age at which tokens are replaced. */
    public Duration refreshAge() {
        return refreshAge;
    }

    @Override
    public String toString() {
        return "ProviderTokens[refreshAge=" + refreshAge + ", keys=" + sources.size() + "]";
    }
}
