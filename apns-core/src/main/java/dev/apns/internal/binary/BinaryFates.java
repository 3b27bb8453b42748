package dev.apns.internal.binary;

import dev.apns.DeliveryError;
import dev.apns.Status;

import java.util.List;

/**
 * What a {@link BinaryEngine} tells its driver about each notification. Called on the driver's thread.
 *
 * @param <T> the driver's item
 */
public interface BinaryFates<T> {
    /** Confirmed: the server took them (quiet period passed, sentinel answered, or before a refused one). */
    void accepted(List<T> items);

    /** The server refused this one for its token. */
    void rejected(T item, Status status);

    /**
     * To send again on a new connection, in order. With {@code fateUnknown}, those that were written may have
     * reached the server (it ended without saying), so sending them again may duplicate them.
     */
    void resend(List<T> items, boolean fateUnknown);

    /** Not delivered, and sending them again cannot help (their content, a refusal no reconnect heals). */
    void handedBack(List<T> items, DeliveryError error);

    /**
     * Of the items about to be resent or handed back, those that were written and that no answer settled (the
     * connection ended without an error response, or the response named none of them): the server may have them.
     * Told before {@link #resend} and {@link #handedBack}. Nothing by default.
     */
    default void unanswered(List<T> items) {
    }
}
