package dev.apns.internal.delivery;

import dev.apns.ApnsSender;
import dev.apns.DeliveryError;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.SenderFullException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The batch API over HTTP/2: a message's notifications go through one of the session's long-lived HTTP/2
 * senders, and the caller waits for every answer. HTTP/2 answers each notification, so unlike the binary
 * protocol there is nothing to confirm: the result is exact once the last answer has come.
 */
public final class Http2Batch {
    private Http2Batch() {
    }

    /**
     * Sends every notification of the message and waits for all their outcomes.
     *
     * @throws dev.apns.InvalidNotificationException when a notification fails the checks before sending; nothing
     *     was sent then
     */
    public static Result send(ApnsSender sender, Message message, java.util.function.Consumer<Notification> check) {
        List<Notification> notifications = Notification.of(message);
        notifications.forEach(check);
        Outcome[] outcomes = new Outcome[notifications.size()];
        CountDownLatch done = new CountDownLatch(notifications.size());
        long resentBefore = sender.metrics().resent();
        for (int i = 0; i < notifications.size(); i++) {
            int index = i;
            try {
                sender.submit(notifications.get(i), outcome -> {
                    outcomes[index] = outcome;
                    done.countDown();
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return handBackFrom(i, notifications, outcomes, done, message, "The sending thread was interrupted.");
            } catch (SenderFullException | IllegalStateException e) {
                return handBackFrom(i, notifications, outcomes, done, message, e.getMessage());
            }
        }
        awaitUninterruptibly(done);
        return result(message, notifications, outcomes, (int) (sender.metrics().resent() - resentBefore));
    }

    /** Could not submit from {@code first} on: those are handed back; the ones submitted are awaited. */
    private static Result handBackFrom(int first, List<Notification> notifications, Outcome[] outcomes,
                                       CountDownLatch done, Message message, String why) {
        for (int i = first; i < notifications.size(); i++) {
            outcomes[i] = Outcome.unsent(notifications.get(i), new dev.apns.NotDeliveredException(why, null, null));
            done.countDown();
        }
        awaitUninterruptibly(done);
        return result(message, notifications, outcomes, 0);
    }

    private static void awaitUninterruptibly(CountDownLatch done) {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // every outcome is bounded in time by the sender's own limits; finish the result
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Result result(Message message, List<Notification> notifications, Outcome[] outcomes, int resent) {
        List<DeviceToken> accepted = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        List<DeviceToken> retry = new ArrayList<>();
        List<DeviceToken> possiblyDelivered = new ArrayList<>();
        Map<String, DeliveryError> errors = new LinkedHashMap<>();
        for (int i = 0; i < outcomes.length; i++) {
            Outcome outcome = outcomes[i];
            DeviceToken token = notifications.get(i).token();
            switch (outcome.kind()) {
                case ACCEPTED -> accepted.add(token);
                case REJECTED -> rejections.add(new Rejection(token, outcome.reason().orElseThrow()));
                case UNSENT -> {
                    retry.add(token);
                    if (outcome.possiblyDelivered()) {
                        possiblyDelivered.add(token);
                    }
                    Throwable cause = outcome.cause().orElseThrow();
                    String description = String.valueOf(cause.getMessage());
                    errors.putIfAbsent(description, DeliveryError.ofCause(description, cause));
                }
            }
        }
        return new Result(message, accepted, rejections, new ArrayList<>(errors.values()),
                retry.isEmpty() ? Optional.empty() : Optional.of(message.withTokens(retry)), possiblyDelivered,
                resent);
    }
}
