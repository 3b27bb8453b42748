package dev.apns.internal.binary;

import dev.apns.Confirmation;
import dev.apns.DeliveryError;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.internal.session.PoolKey;
import dev.apns.internal.session.SessionConfig;
import dev.apns.internal.session.SessionEngine;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.NotificationEncoder;
import dev.apns.spi.CloseReason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one {@link Message} to all its tokens: writes frames in chunks on a pooled connection, watches for
 * an error response while writing, confirms the batch with the session's {@link Confirmation}, and resends
 * what the server dropped on a new connection until every token is accepted, rejected or handed back.
 * One instance per send; not thread-safe.
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
    private final byte[] payload;
    private final long expiry;
    private final int priority;

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
        this.payload = message.payload().toBytes();
        this.expiry = message.expiry().map(Instant::getEpochSecond).orElse(NotificationEncoder.NO_EXPIRY);
        this.priority = message.priority().orElse(NotificationEncoder.NO_PRIORITY);
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
            GatewayConnection connection;
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
            AttemptOutcome outcome;
            try {
                outcome = attempt(connection, pending);
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
            apply(outcome);
            pending = outcome.resend();
            if (pending.length == 0) {
                break;
            }
            if (!config.automaticResend()) {
                giveBack(pending, null);
                break;
            }
            if (outcome.madeProgress()) {
                attemptsWithoutProgress = 0;
                deathsWithoutAnswer = 0;
                backoff = BACKOFF_START_MILLIS;
            } else if (outcome.unanswered().length > 0 && !isPermanentDeath(connection, outcome)) {
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
                    || isPermanentDeath(connection, outcome)) {
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

    /** Writes {@code pending} on one connection and decides what became of it. */
    private AttemptOutcome attempt(GatewayConnection connection, int[] pending) throws InterruptedException {
        long firstIdentifier = connection.peekIdentifier();
        int written = 0;
        IOException writeFailure = null;
        long sentinelIdentifier = -1;
        Confirmation confirmation = config.confirmation();
        int frameSize = NotificationEncoder.frameSize(maxTokenLength(), payload.length,
                expiry != NotificationEncoder.NO_EXPIRY, priority != NotificationEncoder.NO_PRIORITY);
        ByteBuffer chunk = ByteBuffer.allocate(Math.max(config.writeChunkBytes(), frameSize));
        try {
            while (written < pending.length && !connection.signal().isDone()) {
                chunk.clear();
                int end = written;
                while (end < pending.length && chunk.remaining() >= frameSize) {
                    int index = pending[end];
                    NotificationEncoder.writeFrame(chunk, connection.takeIdentifier(), tokens.get(index), payload, expiry,
                            priority);
                    if (everWritten.get(index)) {
                        resent++;
                    } else {
                        everWritten.set(index);
                    }
                    end++;
                }
                written = end;
                chunk.flip();
                connection.write(chunk);
            }
            if (written == pending.length && !connection.signal().isDone()
                    && confirmation.kind() == Confirmation.Kind.SENTINEL) {
                sentinelIdentifier = connection.takeIdentifier();
                chunk.clear();
                NotificationEncoder.writeFrame(chunk, sentinelIdentifier, (byte[]) null, payload,
                        NotificationEncoder.NO_EXPIRY, NotificationEncoder.NO_PRIORITY);
                chunk.flip();
                connection.write(chunk);
            }
            if (!connection.signal().isDone()) {
                awaitSignal(connection, confirmation.duration());
            }
        } catch (IOException e) {
            writeFailure = e;
            // The reader may still deliver an error response that explains the failure; wait for the end.
            awaitClosed(connection);
        }
        ErrorResponse response = connection.errorResponse();
        if (response != null) {
            connection.close();
            if (sentinelIdentifier >= 0 && response.identifier() == sentinelIdentifier) {
                return AttemptOutcome.decide(pending, written, firstIdentifier, AttemptOutcome.Ending.CONFIRMED, null, null,
                        key.endpoint().toString());
            }
            return AttemptOutcome.decide(pending, written, firstIdentifier, AttemptOutcome.Ending.ERROR_RESPONSE, response,
                    null, key.endpoint().toString());
        }
        CloseReason reason = connection.closeReason();
        boolean sentinelUnanswered = sentinelIdentifier >= 0;
        if (writeFailure != null || reason != null || sentinelUnanswered || connection.isUntrusted()) {
            connection.close();
            Throwable cause = writeFailure != null ? writeFailure
                    : connection.isUntrusted() ? new IOException("The gateway sent bytes that are not an error "
                    + "response, so it could not have reported errors on that connection")
                    : reason != null ? reason.cause().orElse(null)
                    : new TimeoutException("The server did not reject the sentinel notification within "
                    + confirmation.duration() + ".");
            return AttemptOutcome.decide(pending, written, firstIdentifier, AttemptOutcome.Ending.DIED, null, cause,
                    key.endpoint().toString());
        }
        return AttemptOutcome.decide(pending, written, firstIdentifier, AttemptOutcome.Ending.CONFIRMED, null, null,
                key.endpoint().toString());
    }

    private void awaitSignal(GatewayConnection connection, java.time.Duration limit) throws InterruptedException {
        try {
            connection.signal().get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException quiet) {
            // Nothing arrived within the limit: for a quiet period that is the confirmation.
        } catch (ExecutionException e) {
            throw new IllegalStateException("The connection signal never fails", e);
        }
    }

    private void awaitClosed(GatewayConnection connection) throws InterruptedException {
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
    private static boolean isPermanentDeath(GatewayConnection connection, AttemptOutcome outcome) {
        CloseReason reason = connection.closeReason();
        boolean closedForGood = reason != null && reason.cause().map(SessionEngine::isPermanent).orElse(false);
        boolean failedForGood = outcome.error() != null && outcome.error().cause().map(SessionEngine::isPermanent).orElse(false);
        return closedForGood || failedForGood;
    }

    private void apply(AttemptOutcome outcome) {
        for (int index : outcome.accepted()) {
            accepted.set(index);
        }
        if (outcome.rejected() >= 0) {
            rejections.add(new Rejection(tokens.get(outcome.rejected()), outcome.rejectedStatus()));
        }
        for (int index : outcome.handBack()) {
            handBack.set(index);
        }
        for (int index : outcome.unanswered()) {
            unanswered.set(index);
        }
        if (outcome.error() != null) {
            errors.add(outcome.error());
        }
    }

    private void giveBack(int[] pending, DeliveryError error) {
        for (int index : pending) {
            handBack.set(index);
        }
        if (error != null) {
            errors.add(error);
        }
    }

    private int maxTokenLength() {
        int max = 0;
        for (DeviceToken token : tokens) {
            max = Math.max(max, token.length());
        }
        return max;
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
