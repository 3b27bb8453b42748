package dev.apns.internal.binary;

import dev.apns.DeliveryError;
import dev.apns.protocol.binary.ErrorResponse;

/**
 * How a binary connection ended, as its {@link BinaryEngine} saw it. Immutable.
 *
 * @param response the error response read, or {@code null}
 * @param sentinelAnswered the response named the sentinel: everything written was confirmed
 * @param cause what ended it without an error response (the driver's, or malformed input), or {@code null}
 * @param unanswered how many written notifications were still unconfirmed
 * @param error what went wrong that is not one token's fault, or {@code null}
 * @param unattributed the response named none of the unconfirmed notifications
 */
public record BinarySettlement(ErrorResponse response, boolean sentinelAnswered, Throwable cause, int unanswered,
                               DeliveryError error, boolean unattributed) {
}
