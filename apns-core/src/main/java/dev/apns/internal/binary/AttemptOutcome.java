package dev.apns.internal.binary;

import dev.apns.DeliveryError;
import dev.apns.Status;
import dev.apns.internal.session.FailureClassifier;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.Identifiers;

import java.util.Arrays;

/**
 * What one connection's share of a batch came to, decided without I/O from what was written and how
 * the connection ended. This is where the binary protocol's delivery rules live:
 *
 * <ul>
 *   <li>confirmed (quiet period passed, or the sentinel was rejected): everything written is accepted;</li>
 *   <li>an error response naming a written notification at position p: those before p are accepted;
 *       then by {@link Status.Category}: TOKEN rejects p and resends the rest; SHUTDOWN accepts p too and
 *       resends the rest; TRANSIENT resends p and the rest; CONTENT hands p and the rest back;</li>
 *   <li>an error response naming none of them (identifier 0, a late one for an earlier send, garbage):
 *       nothing can be attributed, so everything written is resent (at-least-once), except for CONTENT
 *       statuses, which hand everything back;</li>
 *   <li>a connection that died without an error response: the bytes in flight are gone and the client
 *       cannot know which arrived, so everything written is resent (at-least-once); except when it died of
 *       a refusal that no new connection heals ({@link FailureClassifier#isPermanent(Throwable)}, for example
 *       the server's TLS alert against an expired client certificate), when everything is handed back.</li>
 * </ul>
 * In every case the notifications not yet written are resent (or handed back with CONTENT). Immutable.
 *
 * @param accepted batch indices accepted, in written order
 * @param rejected the batch index rejected for its token, or -1
 * @param rejectedStatus the status of that rejection, or {@code null}
 * @param resend batch indices to send again on a new connection, in order
 * @param handBack batch indices to hand back to the caller, in order
 * @param error what went wrong that is not one token's fault, or {@code null}
 * @param unanswered batch indices (among {@code resend} and {@code handBack}) that were written and that no answer
 *     settled: the connection died without an error response, or the error response named none of them, so the
 *     server may have processed them and sending them again may duplicate them
 */
public record AttemptOutcome(int[] accepted, int rejected, Status rejectedStatus, int[] resend, int[] handBack,
                             DeliveryError error, int[] unanswered) {

    /** How the connection's share of the batch ended. */
    public enum Ending {
        /** No error within the confirmation strategy: all written went through. */
        CONFIRMED,
        /** The server sent an error response. */
        ERROR_RESPONSE,
        /** The connection closed or failed with no error response. */
        DIED
    }

    private static final int[] NONE = new int[0];

    /** True when at least one notification was accepted or rejected, so that retrying is getting somewhere. */
    public boolean madeProgress() {
        return accepted.length > 0 || rejected >= 0;
    }

    /**
     * Decides the outcome.
     *
     * @param pending the batch indices this attempt was to send, in order
     * @param written how many of them (a prefix) were written
     * @param firstIdentifier the identifier of {@code pending[0]}; the rest follow by {@link Identifiers#next}
     * @param ending how the attempt ended
     * @param response the error response, for {@link Ending#ERROR_RESPONSE}
     * @param deathCause what ended the connection, for {@link Ending#DIED} (may be {@code null})
     * @param endpoint where the connection went, for messages
     */
    public static AttemptOutcome decide(int[] pending, int written, long firstIdentifier, Ending ending,
                                        ErrorResponse response, Throwable deathCause, String endpoint) {
        if (written < 0 || written > pending.length) {
            throw new IllegalArgumentException("written must be within 0.." + pending.length + ", was " + written);
        }
        switch (ending) {
            case CONFIRMED:
                return new AttemptOutcome(slice(pending, 0, written), -1, null, slice(pending, written, pending.length),
                        NONE, null, NONE);
            case DIED: {
                if (deathCause != null && FailureClassifier.isPermanent(deathCause)) {
                    return refusedForGood(pending, written, deathCause, endpoint);
                }
                String text = written == 0
                        ? "The connection to " + endpoint + " ended before anything was written"
                        : "The connection to " + endpoint + " ended without an error response after " + written
                        + " notification(s) were written; the server may or may not have processed them, so they are"
                        + " resent (at-least-once)";
                DeliveryError error = deathCause == null
                        ? new DeliveryError(text + ".", java.util.Optional.empty(), java.util.Optional.empty())
                        : DeliveryError.ofCause(text + ".", deathCause);
                return new AttemptOutcome(NONE, -1, null, pending.clone(), NONE, error, slice(pending, 0, written));
            }
            case ERROR_RESPONSE:
                return afterErrorResponse(pending, written, firstIdentifier, response, endpoint);
            default:
                throw new IllegalArgumentException("Unknown ending " + ending);
        }
    }

    /**
     * A connection that ended with evidence that no new one will do better (the server refused our certificate
     * with an alert, our trust refused the server's): what was written is handed back, not resent, and the
     * message says why.
     */
    private static AttemptOutcome refusedForGood(int[] pending, int written, Throwable deathCause, String endpoint) {
        String why = switch (FailureClassifier.classify(deathCause)) {
            case CERTIFICATE_REFUSED_BY_SERVER -> "the server refused the TLS client certificate (expired, revoked or "
                    + "unknown to it)";
            case SERVER_NOT_TRUSTED -> "this session's Trust refused the server's certificate";
            case LOCAL_CONFIGURATION -> "the TLS handshake failed on this side (configuration or key)";
            default -> "the session was closed";
        };
        String text = "The connection to " + endpoint + " ended because " + why + (written == 0 ? ""
                : "; the server did not process the " + written + " notification(s) written on it") + ". A new "
                + "connection would fail the same way, so all " + pending.length + " are handed back, not resent.";
        return new AttemptOutcome(NONE, -1, null, NONE, pending.clone(), DeliveryError.ofCause(text, deathCause), NONE);
    }

    private static AttemptOutcome afterErrorResponse(int[] pending, int written, long firstIdentifier,
                                                     ErrorResponse response, String endpoint) {
        if (response == null) {
            throw new IllegalArgumentException("An ERROR_RESPONSE ending needs the response.");
        }
        Status status = response.status();
        long identifier = response.identifier();
        int position = positionOf(identifier, firstIdentifier, written);
        Status.Category category = status.category();
        if (position < 0) {
            String text = "The server at " + endpoint + " reported '" + status.description() + "' for identifier "
                    + identifier + ", which names none of the " + written + " notification(s) written on that connection"
                    + " in this send";
            if (category == Status.Category.CONTENT) {
                return new AttemptOutcome(NONE, -1, null, NONE, pending.clone(),
                        DeliveryError.ofStatus(text + "; they are handed back.", status), slice(pending, 0, written));
            }
            DeliveryError error = category == Status.Category.SHUTDOWN
                    ? null
                    : DeliveryError.ofStatus(text + "; all of them are resent (at-least-once).", status);
            return new AttemptOutcome(NONE, -1, null, pending.clone(), NONE, error, slice(pending, 0, written));
        }
        switch (category) {
            case TOKEN:
                return new AttemptOutcome(slice(pending, 0, position), pending[position], status,
                        slice(pending, position + 1, pending.length), NONE, null, NONE);
            case SHUTDOWN:
                return new AttemptOutcome(slice(pending, 0, position + 1), -1, null,
                        slice(pending, position + 1, pending.length), NONE, null, NONE);
            case TRANSIENT:
                return new AttemptOutcome(slice(pending, 0, position), -1, null, slice(pending, position, pending.length),
                        NONE, DeliveryError.ofStatus("The server at " + endpoint + " reported '" + status.description()
                                + "' for a notification; it and those after it are resent.", status), NONE);
            case CONTENT:
            default:
                return new AttemptOutcome(slice(pending, 0, position), -1, null, NONE,
                        slice(pending, position, pending.length),
                        DeliveryError.ofStatus("The server at " + endpoint + " refused the notification's content: '"
                                + status.description() + "'. Resending the same content cannot succeed, so it and the "
                                + "notifications after it are handed back.", status), NONE);
        }
    }

    /** The position of {@code identifier} among {@code written} identifiers starting at {@code first}, or -1. */
    public static int positionOf(long identifier, long first, int written) {
        if (!Identifiers.isValid(identifier) || written == 0) {
            return -1;
        }
        long distance = Identifiers.distance(first, identifier);
        return distance < written ? (int) distance : -1;
    }

    private static int[] slice(int[] array, int from, int to) {
        return from >= to ? NONE : Arrays.copyOfRange(array, from, to);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AttemptOutcome that && Arrays.equals(accepted, that.accepted) && rejected == that.rejected
                && java.util.Objects.equals(rejectedStatus, that.rejectedStatus) && Arrays.equals(resend, that.resend)
                && Arrays.equals(handBack, that.handBack) && java.util.Objects.equals(error, that.error)
                && Arrays.equals(unanswered, that.unanswered);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(accepted) * 31 + Arrays.hashCode(resend) * 17 + rejected;
    }

    @Override
    public String toString() {
        return "AttemptOutcome[accepted=" + accepted.length + ", rejected=" + rejected + ", resend=" + resend.length
                + ", handBack=" + handBack.length + ", unanswered=" + unanswered.length + ", error=" + error + "]";
    }
}
