package dev.apns.gateway.store;

/**
 * One entry of an app's disconnection log: a connection to APNs that broke, which notification and token made it
 * break (where one did), and why.
 *
 * @param at         when, epoch ms
 * @param token      the token of the notification that broke it, or null
 * @param apnsId     that notification's id, or null
 * @param identifier that notification's client identifier, or null
 * @param reason     a short reason ({@code InvalidToken}, {@code GoAway}, {@code ConnectionLost})
 * @param detail     a sentence for people, or null
 */
public record Disconnection(long at, String token, String apnsId, String identifier, String reason, String detail) {
}
