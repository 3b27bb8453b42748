package dev.apns.internal.binary;

import dev.apns.Confirmation;
import dev.apns.DeliveryError;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.internal.session.PoolKey;
import dev.apns.internal.session.SessionConfig;
import dev.apns.internal.session.SessionEngine;
import dev.apns.spi.CloseReason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one {@link Message} to all its tokens: hands them to a pooled connection's {@link BinaryEngine} and
 * writes its output in chunks while nothing arrives, waits once for the session's {@link Confirmation} after
 * the last frame, lets the engine decide each token's fate, and resends what the server dropped on a new
 * connection (with backoff) until every token is accepted, rejected or handed back. The wire format and the
 * window's rules are the engine's. One instance per send; not thread-safe.
 */
public final class BatchSender {
    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);
    private static final long BACKOFF_START_MILLIS = 50;
    private static final long BACKOFF_MAX_MILLIS = 2_000;

    private final SessionEngine session;
    private final SessionConfig config;
    private final PoolKey key;
    private final Message message;
    private final List<DeviceToken> tokens;

    private final BitSet accepted = new BitSet();
    private final BitSet everWritten = new BitSet();
    private final List<Rejection> rejections = new ArrayList<>();
    private final List<DeliveryError> errors = new ArrayList<>();
    private final BitSet handBack = new BitSet();
    /** Written at least once with no answer about them: the server may have them. */
    private final BitSet unanswered = new BitSet();
    private int resent;

    public BatchSender(SessionEngine session, PoolKey key, Message message) {
        this.session = session;
        this.config = session.config();
        this.key = key;
        this.message = message;
        this.tokens = message.tokens();
    }

    public Result send() {
        int[] pending = new int[tokens.size()];
        Arrays.setAll(pending, i -> i);
        int attemptsWithoutProgress = 0;
        int deathsWithoutAnswer = 0;
        long backoff = BACKOFF_START_MILLIS;
        while (pending.length > 0) {
            if (session.isClosed()) {
                giveBack(pending, new DeliveryError("The session was closed before these notifications were confirmed.",
                        Optional.empty(), Optional.empty()));
                break;
            }
            GatewayConnection<Integer> connection;
            try {
                connection = session.acquire(key);
            } catch (IOException | RuntimeException e) {
                DeliveryError error = session.describeConnectFailure(key, e);
                attemptsWithoutProgress++;
                if (SessionEngine.isPermanent(e) || attemptsWithoutProgress >= config.maxAttemptsWithoutProgress()) {
                    giveBack(pending, error);
                    break;
                }
                errors.add(error);
                if (!sleep(backoff)) {
                    giveBack(pending, new DeliveryError("The sending thread was interrupted while waiting to reconnect.",
                            Optional.empty(), Optional.empty()));
                    break;
                }
                backoff = Math.min(backoff * 2, BACKOFF_MAX_MILLIS);
                continue;
            }
            Attempt attempt = new Attempt();
            try {
                attempt(connection, pending, attempt);
            } catch (RuntimeException defect) {
                // Nothing in the input should get here (it is checked before sending), but whatever does must
                // not leak the borrowed connection, whose stream is now in an unknown state.
                session.discard(connection);
                throw defect;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                session.discard(connection);
                for (int index : pending) {
                    if (everWritten.get(index)) {
                        unanswered.set(index);
                    }
                }
                giveBack(pending, new DeliveryError("The sending thread was interrupted; these notifications may or may "
                        + "not have been delivered.", Optional.empty(), Optional.of(e)));
                break;
            }
            if (connection.isUsable()) {
                session.release(connection);
            } else {
                session.discard(connection);
            }
            if (attempt.error != null) {
                errors.add(attempt.error);
            }
            pending = attempt.resend.stream().mapToInt(Integer::intValue).toArray();
            if (pending.length == 0) {
                break;
            }
            if (!config.automaticResend()) {
                giveBack(pending, null);
                break;
            }
            if (attempt.progress) {
                attemptsWithoutProgress = 0;
                deathsWithoutAnswer = 0;
                backoff = BACKOFF_START_MILLIS;
            } else if (attempt.unanswered && !isPermanentDeath(connection, attempt.error)) {
                // The connection carried notifications and then died without a word: reaching the server is not the
                // problem, so the connect attempts start again; but a server that drops every connection this way
                // must not be fed the same notifications for ever.
                attemptsWithoutProgress = 0;
                backoff = BACKOFF_START_MILLIS;
                if (++deathsWithoutAnswer >= config.maxAttemptsWithoutProgress()) {
                    giveBack(pending, new DeliveryError("Gave up after " + deathsWithoutAnswer + " connection(s) in a row "
                            + "to " + key.endpoint() + " that ended without answering anything written on them.",
                            Optional.empty(), Optional.empty()));
                    break;
                }
            } else if (++attemptsWithoutProgress >= config.maxAttemptsWithoutProgress()
                    || isPermanentDeath(connection, attempt.error)) {
                giveBack(pending, new DeliveryError("Gave up after " + attemptsWithoutProgress + " connection attempt(s) in a row "
                        + "to " + key.endpoint() + " that neither delivered nor rejected anything.", Optional.empty(),
                        Optional.empty()));
                break;
            } else if (!sleep(backoff)) {
                giveBack(pending, new DeliveryError("The sending thread was interrupted while waiting to reconnect.",
                        Optional.empty(), Optional.empty()));
                break;
            } else {
                backoff = Math.min(backoff * 2, BACKOFF_MAX_MILLIS);
            }
            LOG.debug("Resending {} notification(s) to {} on a new connection.", pending.length, key.endpoint());
        }
        return result();
    }

    /**
     * What one connection's share of the batch came to, as the engine tells it: accepted and rejected ones are
     * recorded at once; what is to be resent becomes the next attempt's share.
     */
    private final class Attempt implements BinaryFates<Integer> {
        final List<Integer> resend = new ArrayList<>();
        boolean progress;
        /** Some written notifications got no answer: the connection carried them, then ended without a word. */
        boolean unanswered;
        DeliveryError error;

        @Override
        public void accepted(List<Integer> indices) {
            indices.forEach(accepted::set);
            progress |= !indices.isEmpty();
        }

        @Override
        public void rejected(Integer index, Status status) {
            rejections.add(new Rejection(tokens.get(index), status));
            progress = true;
        }

        @Override
        public void resend(List<Integer> indices, boolean fateUnknown) {
            resend.addAll(indices);
        }

        @Override
        public void handedBack(List<Integer> indices, DeliveryError why) {
            indices.forEach(handBack::set);
        }

        @Override
        public void unanswered(List<Integer> indices) {
            indices.forEach(BatchSender.this.unanswered::set);
            unanswered |= !indices.isEmpty();
        }
    }

    /**
     * Writes {@code pending} on one connection in chunks while nothing arrives, then a sentinel (with sentinel
     * confirmation), waits for the confirmation, and lets the engine decide what became of each.
     */
    private void attempt(GatewayConnection<Integer> connection, int[] pending, Attempt attempt)
            throws InterruptedException {
        BinaryEngine<Integer> engine = connection.engine();
        int written = 0;
        IOException writeFailure = null;
        Confirmation confirmation = config.confirmation();
        try {
            while (written < pending.length && !connection.signal().isDone()) {
                long now = System.nanoTime();
                while (written < pending.length) {
                    int index = pending[written];
                    if (!engine.offer(index, tokens.get(index), message, now)) {
                        break;
                    }
                    if (everWritten.get(index)) {
                        resent++;
                    } else {
                        everWritten.set(index);
                    }
                    written++;
                }
                engine.flushTo(connection::write);
            }
            if (written == pending.length && !connection.signal().isDone()
                    && confirmation.kind() == Confirmation.Kind.SENTINEL) {
                engine.writeSentinel();
                engine.flushTo(connection::write);
                engine.sentinelFlushed(System.nanoTime());
            }
            if (!connection.signal().isDone()) {
                awaitSignal(connection, confirmation.duration());
            }
        } catch (IOException e) {
            writeFailure = e;
            // The reader may still deliver an error response that explains the failure; wait for the end.
            awaitClosed(connection);
        }
        if (writeFailure == null && !connection.signal().isDone() && !engine.awaitingSentinel()) {
            // A quiet period passed after the last write with nothing read: everything written went through.
            engine.confirmQuiet(System.nanoTime(), attempt);
            if (engine.unconfirmed() == 0) {
                return;
            }
        }
        connection.close();
        CloseReason reason = connection.closeReason();
        Throwable cause = writeFailure != null ? writeFailure
                : reason != null ? reason.cause().orElse(null)
                : engine.awaitingSentinel() ? engine.sentinelTimeout()
                : null;
        List<Integer> unwritten = new ArrayList<>(pending.length - written);
        for (int i = written; i < pending.length; i++) {
            unwritten.add(pending[i]);
        }
        attempt.error = engine.end(cause, unwritten, attempt).error();
    }

    private void awaitSignal(GatewayConnection<Integer> connection, java.time.Duration limit) throws InterruptedException {
        try {
            connection.signal().get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException quiet) {
            // Nothing arrived within the limit: for a quiet period that is the confirmation.
        } catch (ExecutionException e) {
            throw new IllegalStateException("The connection signal never fails", e);
        }
    }

    private void awaitClosed(GatewayConnection<Integer> connection) throws InterruptedException {
        try {
            connection.closedFuture().get(Math.min(config.writeTimeout().toMillis(), 2_000), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.debug("Connection to {} did not report its end within the wait after a failed write.", key.endpoint());
            connection.close();
        } catch (ExecutionException e) {
            throw new IllegalStateException("The close future never fails", e);
        }
    }

    /** True when the connection ended for a reason a reconnect cannot heal (a TLS alert, a refused certificate). */
    private static boolean isPermanentDeath(GatewayConnection<Integer> connection, DeliveryError error) {
        CloseReason reason = connection.closeReason();
        boolean closedForGood = reason != null && reason.cause().map(SessionEngine::isPermanent).orElse(false);
        boolean failedForGood = error != null && error.cause().map(SessionEngine::isPermanent).orElse(false);
        return closedForGood || failedForGood;
    }

    private void giveBack(int[] pending, DeliveryError error) {
        for (int index : pending) {
            handBack.set(index);
        }
        if (error != null) {
            errors.add(error);
        }
    }

    private Result result() {
        List<DeviceToken> acceptedTokens = new ArrayList<>(accepted.cardinality());
        for (int i = accepted.nextSetBit(0); i >= 0; i = accepted.nextSetBit(i + 1)) {
            acceptedTokens.add(tokens.get(i));
        }
        Optional<Message> retry = Optional.empty();
        List<DeviceToken> possiblyDelivered = new ArrayList<>();
        if (!handBack.isEmpty()) {
            List<DeviceToken> retryTokens = new ArrayList<>(handBack.cardinality());
            for (int i = handBack.nextSetBit(0); i >= 0; i = handBack.nextSetBit(i + 1)) {
                retryTokens.add(tokens.get(i));
                if (unanswered.get(i)) {
                    possiblyDelivered.add(tokens.get(i));
                }
            }
            retry = Optional.of(message.withTokens(retryTokens));
        }
        return new Result(message, acceptedTokens, rejections, errors, retry, possiblyDelivered, resent);
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
