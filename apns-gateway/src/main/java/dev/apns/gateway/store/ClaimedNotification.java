package dev.apns.gateway.store;

/**
 * A notification one gateway instance claimed from the queue to send: what was stored, its row id, how many
 * attempts (this one included) it has had, and when it was stored (epoch ms).
 */
public record ClaimedNotification(long id, NewNotification notification, int attempts, long createdAt) {
}
