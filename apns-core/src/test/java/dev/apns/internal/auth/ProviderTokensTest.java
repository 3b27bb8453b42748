package dev.apns.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.SigningKey;
import dev.apns.TestP8Keys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ProviderTokensTest {
    private static final String P8 = TestP8Keys.p8(TestP8Keys.p256().getPrivate());
    private static final SigningKey KEY = SigningKey.fromP8(P8, TestP8Keys.KEY_ID, TestP8Keys.TEAM_ID);
    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final String EXPIRED = "ExpiredProviderToken";
    private static final String INVALID = "InvalidProviderToken";

    @Test
    void theFirstLookupMintsOneTokenThatEqualKeysShare() {
        ProviderTokens tokens = new ProviderTokens();
        TokenSource source = tokens.forKey(KEY, T0);
        SigningKey sameKeyReadAgain = SigningKey.fromP8(P8, TestP8Keys.KEY_ID, TestP8Keys.TEAM_ID);

        assertThat(tokens.forKey(sameKeyReadAgain, T0 + 5 * MINUTE)).isSameAs(source);
        assertThat(source.minted()).isEqualTo(1);
        assertThat(source.current(T0).issuedAtMillis()).isEqualTo(T0);
        assertThat(tokens.forKey(TestP8Keys.signingKey(), T0)).as("another key").isNotSameAs(source);
    }

    @Test
    void theTokenIsKeptUntilTheDefaultRefreshAgeOfFiftyMinutes() {
        TokenSource source = new ProviderTokens().forKey(KEY, T0);
        ProviderToken first = source.current(T0);

        assertThat(source.current(T0 + 50 * MINUTE - 1)).isSameAs(first);
        ProviderToken second = source.current(T0 + 50 * MINUTE);
        assertThat(second).isNotSameAs(first);
        assertThat(second.issuedAtMillis()).isEqualTo(T0 + 50 * MINUTE);
        assertThat(source.current(T0 + 99 * MINUTE)).isSameAs(second);
        assertThat(source.minted()).isEqualTo(2);
    }

    @Test
    void aConfiguredRefreshAgeIsHonoured() {
        TokenSource source = new ProviderTokens(Duration.ofMinutes(20)).forKey(KEY, T0);
        ProviderToken first = source.current(T0);
        assertThat(source.current(T0 + 20 * MINUTE - 1)).isSameAs(first);
        assertThat(source.current(T0 + 20 * MINUTE)).isNotSameAs(first);
        assertThat(source.minted()).isEqualTo(2);
    }

    @Test
    void theRefreshAgeMustLieBetweenTwentyAndSixtyMinutes() {
        assertThat(new ProviderTokens(Duration.ofMinutes(20)).refreshAge()).isEqualTo(Duration.ofMinutes(20));
        assertThat(new ProviderTokens(Duration.ofMinutes(60)).refreshAge()).isEqualTo(Duration.ofMinutes(60));
        assertThat(new ProviderTokens().refreshAge()).isEqualTo(Duration.ofMinutes(50));
        assertThatThrownBy(() -> new ProviderTokens(Duration.ofMinutes(20).minusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 20 and 60 minutes")
                .hasMessageContaining("PT19M59.999S");
        assertThatThrownBy(() -> new ProviderTokens(Duration.ofMinutes(60).plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 20 and 60 minutes");
        assertThatThrownBy(() -> new ProviderTokens(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProviderTokens(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aRejectedCurrentTokenIsReplacedOnce() {
        TokenSource source = new ProviderTokens().forKey(KEY, T0);
        ProviderToken first = source.current(T0);

        ProviderToken second = source.rejected(first, EXPIRED, T0 + 10 * MINUTE);
        assertThat(second).isNotSameAs(first);
        assertThat(second.issuedAtMillis()).isEqualTo(T0 + 10 * MINUTE);
        assertThat(source.current(T0 + 10 * MINUTE)).isSameAs(second);
        assertThat(source.rejected(first, EXPIRED, T0 + 11 * MINUTE)).as("the same token reported again").isSameAs(second);
        assertThat(source.rejected(first, INVALID, T0 + 12 * MINUTE)).isSameAs(second);
        assertThat(source.minted()).isEqualTo(2);
    }

    @Test
    void aStaleTokenThatWasAlreadyReplacedCausesNoRenewal() {
        TokenSource source = new ProviderTokens().forKey(KEY, T0);
        ProviderToken first = source.current(T0);
        ProviderToken refreshed = source.current(T0 + 50 * MINUTE);

        assertThat(source.rejected(first, EXPIRED, T0 + 60 * MINUTE)).isSameAs(refreshed);
        assertThat(source.minted()).isEqualTo(2);
    }

    @Test
    void aTokenYoungerThanAMinuteIsNotReplacedOnRejection() {
        TokenSource source = new ProviderTokens().forKey(KEY, T0);
        ProviderToken first = source.current(T0);

        assertThat(source.rejected(first, INVALID, T0 + MINUTE - 1)).isSameAs(first);
        assertThat(source.rejected(first, EXPIRED, T0)).isSameAs(first);
        assertThat(source.minted()).isEqualTo(1);
        ProviderToken second = source.rejected(first, INVALID, T0 + MINUTE);
        assertThat(second).isNotSameAs(first);
        assertThat(source.rejected(second, INVALID, T0 + MINUTE + 1)).as("the new token is young too").isSameAs(second);
        assertThat(source.minted()).isEqualTo(2);
    }

    @Test
    void aTokenIssuedInTheFutureBecauseTheClockWasSetBackIsReplaced() {
        TokenSource source = new ProviderTokens().forKey(KEY, T0);
        ProviderToken first = source.current(T0);

        assertThat(source.current(T0 - MINUTE)).as("within the tolerance").isSameAs(first);
        ProviderToken second = source.current(T0 - MINUTE - 1);
        assertThat(second).isNotSameAs(first);
        assertThat(second.issuedAtMillis()).isEqualTo(T0 - MINUTE - 1000);
        assertThat(source.current(T0 - MINUTE)).isSameAs(second);
        assertThat(source.minted()).isEqualTo(2);
    }

    @Test
    void onlyTheTwoProviderTokenReasonsAndTheSourcesOwnTokensAreAccepted() {
        ProviderTokens tokens = new ProviderTokens();
        TokenSource source = tokens.forKey(KEY, T0);
        ProviderToken first = source.current(T0);
        assertThatThrownBy(() -> source.rejected(first, "TooManyProviderTokenUpdates", T0 + 10 * MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'TooManyProviderTokenUpdates'");
        ProviderToken foreign = tokens.forKey(TestP8Keys.signingKey(), T0).current(T0);
        assertThatThrownBy(() -> source.rejected(foreign, EXPIRED, T0 + 10 * MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signed with");
        assertThat(source.minted()).isEqualTo(1);
    }

    @Test
    void aThousandConcurrentRejectionsOfOneTokenMintExactlyOneNewToken() throws Exception {
        TokenSource source = new ProviderTokens().forKey(KEY, T0);
        ProviderToken rejected = source.current(T0);
        int threads = 8;
        int reportsPerThread = 125;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<ProviderToken>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    assertThat(start.await(10, TimeUnit.SECONDS)).isTrue();
                    List<ProviderToken> answers = new ArrayList<>(reportsPerThread);
                    for (int i = 0; i < reportsPerThread; i++) {
                        answers.add(source.rejected(rejected, i % 2 == 0 ? EXPIRED : INVALID, T0 + 30 * MINUTE + i));
                    }
                    return answers;
                }));
            }
            start.countDown();
            Map<ProviderToken, Boolean> distinct = new IdentityHashMap<>();
            for (Future<List<ProviderToken>> result : results) {
                for (ProviderToken answer : result.get(20, TimeUnit.SECONDS)) {
                    distinct.put(answer, true);
                }
            }
            ProviderToken replacement = source.current(T0 + 31 * MINUTE);
            assertThat(replacement).isNotSameAs(rejected);
            assertThat(source.minted()).as("the first token and exactly one replacement").isEqualTo(2);
            Set<ProviderToken> answers = distinct.keySet();
            assertThat(answers).as("every report got the old token (while minting) or the one replacement")
                    .allMatch(answer -> answer == rejected || answer == replacement)
                    .anyMatch(answer -> answer == replacement);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void readersGetTheOldTokenWithoutWaitingWhileAnotherThreadMints() throws Exception {
        CountDownLatch minting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        TokenMinter pausing = (key, now) -> {
            if (calls.incrementAndGet() == 2) {
                minting.countDown();
                await(release);
            }
            return JwtSigner.mint(key, now);
        };
        TokenSource source = new ProviderTokens(ProviderTokens.DEFAULT_REFRESH_AGE, pausing).forKey(KEY, T0);
        ProviderToken first = source.current(T0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ProviderToken> refresher = pool.submit(() -> source.current(T0 + 50 * MINUTE));
            assertThat(minting.await(10, TimeUnit.SECONDS)).isTrue();

            Callable<ProviderToken> reader = () -> source.current(T0 + 50 * MINUTE + 1);
            assertThat(pool.submit(reader).get(10, TimeUnit.SECONDS)).as("a reader during the mint").isSameAs(first);
            assertThat(source.rejected(first, EXPIRED, T0 + 50 * MINUTE + 2)).as("a rejection during the mint")
                    .isSameAs(first);
            assertThat(refresher.isDone()).isFalse();

            release.countDown();
            ProviderToken second = refresher.get(10, TimeUnit.SECONDS);
            assertThat(second).isNotSameAs(first);
            assertThat(source.current(T0 + 50 * MINUTE + 3)).isSameAs(second);
            assertThat(source.minted()).isEqualTo(2);
            assertThat(calls).hasValue(2);
        } finally {
            release.countDown();
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aFailedMintKeepsTheOldTokenAndTheNextCallTriesAgain() {
        AtomicInteger calls = new AtomicInteger();
        TokenMinter failingOnce = (key, now) -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("signing failed");
            }
            return JwtSigner.mint(key, now);
        };
        TokenSource source = new ProviderTokens(ProviderTokens.DEFAULT_REFRESH_AGE, failingOnce).forKey(KEY, T0);
        ProviderToken first = source.current(T0);

        assertThatThrownBy(() -> source.current(T0 + 50 * MINUTE)).hasMessage("signing failed");
        assertThat(source.minted()).isEqualTo(1);
        ProviderToken second = source.current(T0 + 50 * MINUTE + 1);
        assertThat(second).isNotSameAs(first);
        assertThat(source.minted()).isEqualTo(2);
    }

    @Test
    void toStringShowsNoToken() {
        TokenSource source = new ProviderTokens().forKey(KEY, T0);
        String jwt = source.current(T0).jwt();
        assertThat(source.toString()).contains("keyId=" + TestP8Keys.KEY_ID).contains("minted=1");
        for (String part : jwt.split("\\.")) {
            assertThat(source.toString()).doesNotContain(part);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test did not release the mint within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
