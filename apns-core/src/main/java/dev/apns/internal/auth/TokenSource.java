package dev.apns.internal.auth;

import dev.apns.SigningKey;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current provider token of one {@link SigningKey}, shared by every connection that uses the key. Made
 * by {@link ProviderTokens#forKey}.
 *
 * <p>The rules:
 * <ul>
 * <li>{@link #current} returns the current token, and first mints a new one when the current one has
 *     reached the refresh age (or appears issued more than a minute in the future, because the wall clock
 *     was set back).
 * <li>{@link #rejected} is called when APNs answers ExpiredProviderToken or InvalidProviderToken. It mints a
 *     new token only if the rejected token is still the current one, so that however many connections report
 *     the same token, it is replaced once; a report of a token that was already replaced changes nothing.
 * <li>No rejection replaces a token younger than {@link #MIN_RENEWAL_INTERVAL} (one minute). APNs rejects a
 *     token for its age only after an hour, so a token a few seconds old was rejected for a reason that a
 *     new token, signed by the same key with the same clock, does not cure (a revoked key, a wrong key id or
 *     team, a clock an hour wrong); minting anyway would only count against APNs's limit on token updates
 *     and risk 429 TooManyProviderTokenUpdates on every connection of the team. Such a rejection is retried
 *     at most once a minute, when a connection reports the token again.
 * </ul>
 *
 * <p>Thread-safe and lock-free. Reading is one volatile read and a comparison. Minting is claimed with a
 * compare-and-set, so exactly one thread mints a given replacement, and it signs without holding anything
 * other threads wait for: while it does, other threads keep getting the old token.
 */
public final class TokenSource {
    /** A rejected token younger than this is not replaced; see the class comment. */
    public static final Duration MIN_RENEWAL_INTERVAL = Duration.ofMinutes(1);
    /** The APNs reasons that {@link #rejected} acts on. */
    public static final Set<String> RENEWING_REASONS = Set.of("ExpiredProviderToken", "InvalidProviderToken");

    private static final Logger LOG = LoggerFactory.getLogger(TokenSource.class);
    private static final long MIN_RENEWAL_INTERVAL_MILLIS = MIN_RENEWAL_INTERVAL.toMillis();
    /** How far in the future a token's issue time may lie (the wall clock was set back) before it is replaced. */
    private static final long CLOCK_SET_BACK_TOLERANCE_MILLIS = Duration.ofMinutes(1).toMillis();

    private final SigningKey key;
    private final long refreshAgeMillis;
    private final TokenMinter minter;
    private final AtomicReference<State> state;
    private final AtomicLong minted = new AtomicLong();

    /** The current token, and whether a thread has claimed its replacement and is minting it. */
    private record State(ProviderToken token, boolean renewing) {
    }

    TokenSource(SigningKey key, long refreshAgeMillis, TokenMinter minter, long nowMillis) {
        this.key = key;
        this.refreshAgeMillis = refreshAgeMillis;
        this.minter = minter;
        this.state = new AtomicReference<>(new State(mint(nowMillis), false));
    }

    /**
     * The token to send now, refreshed first when it has reached the refresh age.
     *
     * @param nowMillis the wall clock, milliseconds since the epoch
     */
    public ProviderToken current(long nowMillis) {
        State current = state.get();
        if (current.renewing || !isDue(current.token, nowMillis)) {
            return current.token;
        }
        return renew(current, nowMillis, "it reached the refresh age");
    }

    /**
     * Reports that APNs rejected {@code token} with {@code reason}, and returns the token to send from now on:
     * a new one when this call or an earlier one replaced it, the same one when the renewal is held back (the
     * token is younger than {@link #MIN_RENEWAL_INTERVAL}, or another thread is minting its replacement at
     * this instant).
     *
     * @param reason the APNs reason, one of {@link #RENEWING_REASONS}
     * @param nowMillis the wall clock, milliseconds since the epoch
     * @throws IllegalArgumentException when the token was signed with another key, or for another reason
     */
    public ProviderToken rejected(ProviderToken token, String reason, long nowMillis) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(reason, "reason");
        if (!token.key().equals(key)) {
            throw new IllegalArgumentException("The token reported rejected was signed with " + token.key()
                    + ", not with this source's " + key + ".");
        }
        if (!RENEWING_REASONS.contains(reason)) {
            throw new IllegalArgumentException("Only ExpiredProviderToken and InvalidProviderToken call for a new "
                    + "provider token; '" + reason + "' does not.");
        }
        State current = state.get();
        if (current.token != token || current.renewing) {
            return current.token;
        }
        long age = nowMillis - token.issuedAtMillis();
        if (age >= -CLOCK_SET_BACK_TOLERANCE_MILLIS && age < MIN_RENEWAL_INTERVAL_MILLIS) {
            LOG.debug("APNs answered {} to the provider token of {} issued {} ms ago; not replacing a token younger "
                    + "than {}, since a new one would most likely be refused the same way", reason, key, age,
                    MIN_RENEWAL_INTERVAL);
            return token;
        }
        return renew(current, nowMillis, "APNs answered " + reason);
    }

    /** The signing key. */
    public SigningKey key() {
        return key;
    }

    /** How many tokens this source has minted, the first one included. */
    public long minted() {
        return minted.get();
    }

    private boolean isDue(ProviderToken token, long nowMillis) {
        long age = nowMillis - token.issuedAtMillis();
        return age >= refreshAgeMillis || age < -CLOCK_SET_BACK_TOLERANCE_MILLIS;
    }

    /** Mints the replacement of {@code seen}'s token, unless another thread has claimed or done it first. */
    private ProviderToken renew(State seen, long nowMillis, String why) {
        if (!state.compareAndSet(seen, new State(seen.token, true))) {
            return state.get().token;
        }
        ProviderToken fresh;
        try {
            fresh = mint(nowMillis);
        } catch (RuntimeException | Error e) {
            state.set(seen);
            throw e;
        }
        state.set(new State(fresh, false));
        LOG.debug("New provider token for {} because {}", key, why);
        return fresh;
    }

    private ProviderToken mint(long nowMillis) {
        ProviderToken token = Objects.requireNonNull(minter.mint(key, nowMillis), "minted token");
        minted.incrementAndGet();
        return token;
    }

    @Override
    public String toString() {
        ProviderToken token = state.get().token;
        return "TokenSource[" + key + ", issuedAt=" + Instant.ofEpochSecond(token.issuedAtSeconds())
                + ", minted=" + minted.get() + "]";
    }
}
