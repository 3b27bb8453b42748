package dev.apns.internal.binary;

import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Payload;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.Identifiers;
import dev.apns.protocol.binary.NotificationEncoder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One binary gateway connection's protocol state, without threads or sockets: the identifiers, the frames to
 * write, the window of written and unconfirmed notifications, when a sentinel is due and whether it was
 * answered, the error response read back, and what becomes of every notification when the connection ends
 * ({@link AttemptOutcome}'s rules). Bytes in ({@link #receive}), bytes out ({@link #flushTo}), the time as an
 * argument; each notification's fate goes to the caller's {@link BinaryFates}.
 *
 * <p>The outbound half (everything but {@link #receive} and {@link #inputEnded}) belongs to one thread, the
 * driver's. The inbound half ({@link ErrorResponses}) may be fed by another thread, the backend's reader: it
 * touches only the decoder and publishes what it read through volatile fields, which the outbound half reads
 * when it settles.
 *
 * @param <T> the caller's item (a sender's entry, a batch's token index); the engine never looks into it
 */
public final class BinaryEngine<T> {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryEngine.class);
    private static final byte[] SENTINEL_PAYLOAD = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final long QUIET_GRANULARITY_NANOS = 1_000_000;

    /** Where {@link #flushTo} writes: the connection. */
    @FunctionalInterface
    public interface Output {
        /** Writes all remaining bytes. */
        void write(ByteBuffer bytes) throws IOException;
    }

    /**
     * How the engine confirms and writes.
     *
     * @param confirmation the strategy: a sentinel (answered within its duration) or a quiet period
     * @param lingerNanos how long the driver's queue must stay dry before an unconfirmed window gets its sentinel
     * @param chunkBytes the output buffer (a larger frame gets a buffer of its own size)
     */
    public record Settings(Confirmation confirmation, long lingerNanos, int chunkBytes) {
        public Settings {
            java.util.Objects.requireNonNull(confirmation, "confirmation");
            if (lingerNanos < 0 || chunkBytes < 64) {
                throw new IllegalArgumentException("Needs lingerNanos >= 0 and chunkBytes >= 64; was " + lingerNanos
                        + " and " + chunkBytes + ".");
            }
        }
    }

    private final String endpoint;
    private final Settings settings;
    private final SentinelSpacing spacing;
    private final boolean sentinelMode;
    private final long confirmNanos;
    private final UnconfirmedWindow<T> window;
    private ByteBuffer output;
    private long nextIdentifier;
    private long sentinelIdentifier = -1;
    private long sentinelDeadline;
    private int sinceSentinel;
    /** When the driver's queue was first seen dry with an unconfirmed window; -1 while it is not. */
    private long dryFrom = -1;
    private boolean ended;

    /** The inbound half, fed by the backend's reader. */
    private final ErrorResponses inbound;

    /**
     * @param endpoint where the connection goes, for messages
     * @param firstIdentifier the first notification's identifier
     * @param spacing notifications between two sentinels (consulted as they are written, told how the connection
     *     ended); may be shared by the connections one thread drives one after the other
     */
    public BinaryEngine(String endpoint, long firstIdentifier, Settings settings, SentinelSpacing spacing) {
        this(endpoint, firstIdentifier, settings, spacing, new UnconfirmedWindow<>(
                settings.confirmation().kind() != Confirmation.Kind.SENTINEL));
    }

    /**
     * As the other constructor, keeping the unconfirmed notifications in {@code window}: an empty one that a
     * previous engine of the same driver has ended with, so that its arrays (large at a spacing of 100,000) are
     * not allocated again for every connection. Timed exactly when the confirmation is a quiet period.
     */
    public BinaryEngine(String endpoint, long firstIdentifier, Settings settings, SentinelSpacing spacing,
                        UnconfirmedWindow<T> window) {
        if (!Identifiers.isValid(firstIdentifier)) {
            throw new IllegalArgumentException("An identifier is 1 to " + Identifiers.MAX + "; was " + firstIdentifier);
        }
        this.endpoint = endpoint;
        this.inbound = new ErrorResponses(endpoint);
        this.settings = settings;
        this.spacing = java.util.Objects.requireNonNull(spacing, "spacing");
        this.nextIdentifier = firstIdentifier;
        this.sentinelMode = settings.confirmation().kind() == Confirmation.Kind.SENTINEL;
        this.confirmNanos = settings.confirmation().duration().toNanos();
        if (window.size() != 0 || window.isTimed() == sentinelMode) {
            throw new IllegalArgumentException("The window must be empty and keep times exactly for a quiet period.");
        }
        this.window = window;
        this.output = ByteBuffer.allocate(settings.chunkBytes());
    }

    // ---- Writing.

    /**
     * Encodes one notification into the output and puts it in the window. False when the output has no room for
     * it: {@link #flushTo flush} and offer it again.
     *
     * @throws dev.apns.InvalidNotificationException when it cannot be one binary frame (nothing is written)
     */
    public boolean offer(T item, Notification notification, long nowNanos) {
        return offer(item, notification.token(), notification.payload(), notification.expiry(),
                notification.priority(), nowNanos);
    }

    /** As {@link #offer(Object, Notification, long)}, for one token of a message. */
    public boolean offer(T item, DeviceToken token, Message message, long nowNanos) {
        return offer(item, token, message.payload(), message.expiry(), message.priority(), nowNanos);
    }

    private boolean offer(T item, DeviceToken token, Payload payload, Optional<Instant> expiry, OptionalInt priority,
                          long nowNanos) {
        checkWritable();
        BinaryFrameCheck.check(payload.size(), token.length());
        long expirySeconds = expiry.isPresent() ? expiry.get().getEpochSecond() : NotificationEncoder.NO_EXPIRY;
        int priorityValue = priority.orElse(NotificationEncoder.NO_PRIORITY);
        int size = NotificationEncoder.frameSize(token.length(), payload.size(),
                expirySeconds != NotificationEncoder.NO_EXPIRY, priorityValue != NotificationEncoder.NO_PRIORITY);
        if (!room(size)) {
            return false;
        }
        long identifier = takeIdentifier();
        NotificationEncoder.writeFrame(output, identifier, token, payload, expirySeconds, priorityValue);
        window.add(item, identifier, nowNanos);
        sinceSentinel++;
        return true;
    }

    /** Writes the output to {@code out} and empties it, also when the write fails. */
    public void flushTo(Output out) throws IOException {
        output.flip();
        try {
            if (output.hasRemaining()) {
                out.write(output);
            }
        } finally {
            output.clear();
        }
    }

    /** Whether bytes wait in the output. */
    public boolean hasOutput() {
        return output.position() > 0;
    }

    /** Written, not yet confirmed. */
    public int unconfirmed() {
        return window.size();
    }

    /** The identifier the next frame will carry. */
    public long nextIdentifier() {
        return nextIdentifier;
    }

    // ---- Confirming.

    /**
     * Whether a sentinel should be written now (sentinel confirmation only): the window reached the
     * {@link SentinelSpacing spacing}, or
     * the driver's queue has been dry ({@code moreToWrite} false) for the linger time.
     */
    public boolean sentinelDue(long nowNanos, boolean moreToWrite) {
        if (!sentinelMode || window.isEmpty() || sentinelIdentifier >= 0 || ended) {
            dryFrom = -1;
            return false;
        }
        if (sinceSentinel >= spacing.current()) {
            dryFrom = -1;
            return true;
        }
        if (moreToWrite) {
            dryFrom = -1;
            return false;
        }
        if (dryFrom < 0) {
            dryFrom = nowNanos;
            return false;
        }
        if (nowNanos - dryFrom >= settings.lingerNanos()) {
            dryFrom = -1;
            return true;
        }
        return false;
    }

    /**
     * Encodes the sentinel (a frame without a token, which the server must refuse, naming it) into the output.
     * Its identifier is known from here on, so an answer read before the write returns is recognised; its
     * deadline starts with {@link #sentinelFlushed}. Nothing may be offered until the connection ends.
     */
    public void writeSentinel() {
        checkWritable();
        int size = NotificationEncoder.frameSize(-1, SENTINEL_PAYLOAD.length, false, false);
        if (!room(size)) {
            throw new IllegalStateException("Flush the output before writing the sentinel.");
        }
        long identifier = takeIdentifier();
        NotificationEncoder.writeFrame(output, identifier, (byte[]) null, SENTINEL_PAYLOAD,
                NotificationEncoder.NO_EXPIRY, NotificationEncoder.NO_PRIORITY);
        sentinelIdentifier = identifier;
        sentinelDeadline = Long.MAX_VALUE;
        sinceSentinel = 0;
        dryFrom = -1;
    }

    /** The sentinel's bytes were written at {@code nowNanos}: its answer is due within the confirmation's duration. */
    public void sentinelFlushed(long nowNanos) {
        if (sentinelIdentifier >= 0) {
            sentinelDeadline = nowNanos + confirmNanos;
        }
    }

    /** Whether a sentinel was written and the connection has not ended since. */
    public boolean awaitingSentinel() {
        return sentinelIdentifier >= 0;
    }

    /** When the sentinel's answer is due ({@link System#nanoTime()} scale); {@code Long.MAX_VALUE} before it is flushed. */
    public long sentinelDeadline() {
        return sentinelDeadline;
    }

    /** The failure to {@link #end} a connection with whose sentinel was not answered in time. */
    public SocketTimeoutException sentinelTimeout() {
        return new SocketTimeoutException("The server did not reject the sentinel notification within "
                + settings.confirmation().duration() + ".");
    }

    /**
     * Quiet-period confirmation only: every notification written at least the quiet period ago is confirmed
     * (nothing arrived to say otherwise).
     */
    public void confirmQuiet(long nowNanos, BinaryFates<T> fates) {
        if (sentinelMode || ended || inbound.response() != null || inbound.malformed() != null) {
            return;
        }
        List<T> confirmed = null;
        while (!window.isEmpty() && nowNanos - window.oldestWrittenAt() >= confirmNanos) {
            if (confirmed == null) {
                confirmed = new ArrayList<>();
            }
            confirmed.add(window.removeOldest());
        }
        if (confirmed != null) {
            fates.accepted(confirmed);
        }
    }

    /**
     * How long the driver may wait for more to write before calling again: {@code idleNanos} with nothing
     * unconfirmed, 0 while a sentinel may become due (the driver's queue going dry counts), and until the oldest
     * notification's quiet period ends (at least a millisecond) with quiet-period confirmation.
     */
    public long waitNanos(long nowNanos, long idleNanos) {
        if (window.isEmpty()) {
            return idleNanos;
        }
        if (sentinelMode) {
            return 0;
        }
        long due = window.oldestWrittenAt() + confirmNanos - nowNanos;
        return Math.max(QUIET_GRANULARITY_NANOS, Math.min(due, idleNanos));
    }

    // ---- Reading.

    /**
     * Reads the gateway's bytes (error responses, however split). True once an error response was read: the
     * server closes after it, and the driver should {@link #end} the connection. Input after malformed bytes is
     * ignored; an error response after the first is ignored too (the first of those is logged at WARN).
     *
     * @throws MalformedResponseException once, for the first bytes that cannot be an error response: the
     *     connection can no longer report errors and must be dropped
     */
    public boolean receive(ByteBuffer bytes) throws MalformedResponseException {
        return inbound.receive(bytes);
    }

    /** The gateway's bytes ended (the connection closed): reports an error response cut short. */
    public void inputEnded() {
        inbound.inputEnded();
    }

    /** The first error response read, or {@code null}. */
    public ErrorResponse errorResponse() {
        return inbound.response();
    }

    /** The malformed input read, or {@code null}. */
    public MalformedResponseException malformed() {
        return inbound.malformed();
    }

    // ---- Ending.

    /**
     * The connection ended, or the driver gives it up: decides every unconfirmed notification with
     * {@link AttemptOutcome}'s rules from the error response read (if any) and {@code cause}, and tells
     * {@code fates}. The engine takes nothing afterwards.
     *
     * @param cause why it ended without an error response, as the driver saw it (a failed write, the backend's
     *     close reason, {@link #sentinelTimeout()}), or {@code null}; malformed input counts when this is null
     * @param unwritten the caller's items meant for this connection and not offered, decided with the rest (they
     *     follow the written ones in the order given)
     */
    public BinarySettlement end(Throwable cause, List<T> unwritten, BinaryFates<T> fates) {
        ended = true;
        ErrorResponse read = inbound.response();
        long first = window.firstIdentifier();
        List<T> written = window.removeAll();
        boolean sentinelAnswered = read != null && sentinelIdentifier >= 0 && read.identifier() == sentinelIdentifier;
        sentinelIdentifier = -1;
        dryFrom = -1;
        Throwable why = cause != null ? cause : inbound.malformed();
        if (sentinelAnswered) {
            spacing.confirmed(written.size());
            if (!written.isEmpty()) {
                fates.accepted(written);
            }
            if (!unwritten.isEmpty()) {
                fates.resend(unwritten, false);
            }
            return new BinarySettlement(read, true, null, written.size(), null, false);
        }
        if (written.isEmpty() && unwritten.isEmpty()) {
            if (read != null) {
                LOG.warn("Gateway {} sent {} for no notification still in flight (a late answer about one already "
                        + "confirmed by the quiet period).", endpoint, read);
            }
            return new BinarySettlement(read, false, why, 0, null, false);
        }
        List<T> pending = new ArrayList<>(written.size() + unwritten.size());
        pending.addAll(written);
        pending.addAll(unwritten);
        int[] positions = new int[pending.size()];
        java.util.Arrays.setAll(positions, i -> i);
        AttemptOutcome outcome = read != null
                ? AttemptOutcome.decide(positions, written.size(), first, AttemptOutcome.Ending.ERROR_RESPONSE, read,
                null, endpoint)
                : AttemptOutcome.decide(positions, written.size(), first, AttemptOutcome.Ending.DIED, null, why, endpoint);
        boolean unattributed = read != null && AttemptOutcome.positionOf(read.identifier(), first, written.size()) < 0;
        if (read == null) {
            spacing.silentDeath(written.size());
        } else {
            spacing.confirmed(outcome.accepted().length);
        }
        if (outcome.accepted().length > 0) {
            fates.accepted(pick(pending, outcome.accepted()));
        }
        if (outcome.unanswered().length > 0) {
            fates.unanswered(pick(pending, outcome.unanswered()));
        }
        if (outcome.rejected() >= 0) {
            fates.rejected(pending.get(outcome.rejected()), outcome.rejectedStatus());
        }
        if (outcome.handBack().length > 0) {
            fates.handedBack(pick(pending, outcome.handBack()), outcome.error());
        }
        if (outcome.resend().length > 0) {
            fates.resend(pick(pending, outcome.resend()), read == null || unattributed);
        }
        return new BinarySettlement(read, false, read == null ? why : null, written.size(), outcome.error(),
                unattributed);
    }

    /**
     * Gives up the window without deciding it (the driver stops, or met a defect): returns what was written and
     * never confirmed, oldest first; the server may or may not have it. The engine takes nothing afterwards.
     */
    public List<T> abandon() {
        ended = true;
        sentinelIdentifier = -1;
        dryFrom = -1;
        return window.removeAll();
    }

    private static <T> List<T> pick(List<T> items, int[] positions) {
        List<T> picked = new ArrayList<>(positions.length);
        for (int position : positions) {
            picked.add(items.get(position));
        }
        return picked;
    }

    private long takeIdentifier() {
        long identifier = nextIdentifier;
        nextIdentifier = Identifiers.next(identifier);
        return identifier;
    }

    /** Whether the output has room for {@code size} bytes, making an empty one larger for a large frame. */
    private boolean room(int size) {
        if (output.remaining() >= size) {
            return true;
        }
        if (output.position() > 0) {
            return false;
        }
        output = ByteBuffer.allocate(size);
        return true;
    }

    private void checkWritable() {
        if (ended) {
            throw new IllegalStateException("The connection to " + endpoint + " has ended; nothing more is written on it.");
        }
        if (sentinelIdentifier >= 0) {
            throw new IllegalStateException("A sentinel is outstanding; nothing is written after it.");
        }
    }
}
