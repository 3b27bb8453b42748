package dev.apns;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of every token of a {@link Message} after {@link ApnsSession#send(Message)}: each one is
 * accepted, rejected with a status, or handed back in {@link #retry()} together with the
 * {@link #errors()} that explain why. Of the handed-back tokens, {@link #possiblyDelivered()} names those the
 * server may have taken (written, and the connection ended before it answered): resending them may duplicate
 * them, resending the others cannot. Immutable.
 *
 * <p>"Accepted" means the server took the notification and did not object within the session's
 * {@link Confirmation} strategy.
 */
public final class Result {
    private final Message message;
    private final List<DeviceToken> accepted;
    private final List<Rejection> rejections;
    private final List<DeliveryError> errors;
    private final Optional<Message> retry;
    private final List<DeviceToken> possiblyDelivered;
    private final int resent;

    /**
     * A result. Made by the SDK; public so that applications can build results in their own tests.
     *
     * @param message what was sent
     * @param accepted the tokens the server accepted, in the order they were sent
     * @param rejections the tokens the server refused
     * @param errors what went wrong that is not one token's fault
     * @param retry the tokens to send again, with the same payload, when any
     * @param possiblyDelivered the tokens of {@code retry} that were written with no answer, so that the server
     *     may have them
     * @param resent how many notifications the SDK wrote more than once on its own (after a rejection, a
     *     shutdown or a dead connection)
     */
    public Result(Message message, List<DeviceToken> accepted, List<Rejection> rejections, List<DeliveryError> errors,
                  Optional<Message> retry, List<DeviceToken> possiblyDelivered, int resent) {
        this.message = Objects.requireNonNull(message, "message");
        this.accepted = List.copyOf(accepted);
        this.rejections = List.copyOf(rejections);
        this.errors = List.copyOf(errors);
        this.retry = Objects.requireNonNull(retry, "retry");
        this.possiblyDelivered = List.copyOf(possiblyDelivered);
        if (!this.possiblyDelivered.isEmpty() && retry.isEmpty()) {
            throw new IllegalArgumentException("possiblyDelivered names tokens of retry, which is empty");
        }
        this.resent = resent;
    }

    /** The message that was sent. */
    public Message message() {
        return message;
    }

    /** The tokens the server accepted. */
    public List<DeviceToken> accepted() {
        return accepted;
    }

    /** The tokens the server refused, each with its status. Remove these from your database. */
    public List<Rejection> rejections() {
        return rejections;
    }

    /** Errors not tied to one token: content errors, connection failures, refused certificates. */
    public List<DeliveryError> errors() {
        return errors;
    }

    /** True when some tokens were neither accepted nor rejected and should be sent again. */
    public boolean needsRetry() {
        return retry.isPresent();
    }

    /**
     * The message to send again: the same payload, expiry and priority, to the tokens that were neither
     * accepted nor rejected. Empty when there are none. {@link #errors()} says why they are here.
     */
    public Optional<Message> retry() {
        return retry;
    }

    /**
     * The tokens of {@link #retry()} that the server may have taken: they were written and the connection ended
     * (or the wait for an answer timed out) before the server said anything about them. Sending them again may
     * duplicate them; the other tokens of {@link #retry()} were never processed by the server and are safe to
     * send again. Empty when there is nothing to retry.
     */
    public List<DeviceToken> possiblyDelivered() {
        return possiblyDelivered;
    }

    /** True when every token was accepted. */
    public boolean isSuccess() {
        return rejections.isEmpty() && retry.isEmpty() && accepted.size() == message.tokens().size();
    }

    /** How many notifications the SDK resent on its own during this send. */
    public int resent() {
        return resent;
    }

    @Override
    public String toString() {
        return "Result[accepted=" + accepted.size() + ", rejected=" + rejections.size() + ", retry="
                + retry.map(m -> m.tokens().size()).orElse(0) + ", possiblyDelivered=" + possiblyDelivered.size()
                + ", errors=" + errors + ", resent=" + resent + "]";
    }
}
