package dev.apns.internal.binary;

import dev.apns.InvalidNotificationException;
import dev.apns.Message;
import dev.apns.Notification;

/**
 * What the binary protocol's frame can carry: an item's length is a 16-bit field, so a payload (or a token) of
 * more than 65,535 bytes cannot be encoded at all. Checked when a notification is submitted (and again, as a
 * last line, when it is written), so that such a notification is refused on its own and never reaches a
 * sender's thread or a pooled connection. Sizes the server may refuse (its 2 KiB payload limit) are left to the
 * server, which answers with its own status.
 */
public final class BinaryFrameCheck {
    /** The largest item a binary frame carries: its length field is 16 bits. */
    static final int MAX_ITEM_BYTES = 0xFFFF;

    private BinaryFrameCheck() {
    }

    /** @throws InvalidNotificationException when the notification cannot be written as one binary frame */
    public static void check(Notification notification) {
        check(notification.payload().size(), notification.token().length());
    }

    /** @throws InvalidNotificationException when the message's frames cannot be written */
    public static void check(Message message) {
        int longestToken = 0;
        for (var token : message.tokens()) {
            longestToken = Math.max(longestToken, token.length());
        }
        check(message.payload().size(), longestToken);
    }

    static void check(int payloadBytes, int tokenBytes) {
        if (payloadBytes > MAX_ITEM_BYTES) {
            throw new InvalidNotificationException("The payload is " + payloadBytes + " bytes; the binary protocol's "
                    + "16-bit length field carries at most " + MAX_ITEM_BYTES + " (and gateways accept far less, "
                    + "usually " + dev.apns.Payload.BINARY_LIMIT + "). Nothing was sent.");
        }
        if (tokenBytes > MAX_ITEM_BYTES) {
            throw new InvalidNotificationException("A device token is " + tokenBytes + " bytes; the binary protocol's "
                    + "16-bit length field carries at most " + MAX_ITEM_BYTES + ". Nothing was sent.");
        }
    }
}
