package dev.apns.cli;

import dev.apns.ApnsSender;
import dev.apns.DeviceToken;
import dev.apns.InvalidNotificationException;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderFullException;
import dev.apns.SenderMetrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP/2 half of {@code push}: streams every token through one long-lived {@link ApnsSender}, each outcome
 * coming to one listener that adds it to the {@link PushSummary}, so a file of millions of tokens goes at the
 * sender's full speed with flat memory on this side. Stops early, with the rest reported not sent, when
 * {@link #stop()} is called (Ctrl-C, SIGTERM) or when nothing has moved for the give-up time while no connection
 * is open (an unreachable server). One run per instance; {@link #stop()} may be called from any thread.
 */
final class Http2Push {
    private static final int READ_AT_ONCE = 1024;
    private static final long POLL_MILLIS = 20;
    /** How long the sender may finish what it has in flight after Ctrl-C or a give-up. */
    static final Duration STOP_DEADLINE = Duration.ofSeconds(1);

    private final ApnsSender sender;
    private final PushSummary summary;
    private final Duration giveUpAfter;
    private final String where;
    private final Consumer<Outcome> listener;
    private volatile boolean stopping;
    private volatile boolean gaveUp;

    Http2Push(ApnsSender sender, PushSummary summary, Duration giveUpAfter, String where) {
        this.sender = sender;
        this.summary = summary;
        this.giveUpAfter = giveUpAfter;
        this.where = where;
        this.listener = this::settle;
    }

    private void settle(Outcome outcome) {
        DeviceToken token = outcome.notification().token();
        switch (outcome.kind()) {
            case ACCEPTED -> summary.accepted();
            case REJECTED -> summary.rejected(token, outcome.reason().orElseThrow(), outcome.apnsId().orElse(null));
            case UNSENT -> summary.notSent(token, outcome.possiblyDelivered(),
                    outcome.cause().map(Throwable::getMessage).orElse("Not sent."));
        }
    }

    /** Stops sending: what is in flight gets {@link #STOP_DEADLINE} to finish, the rest ends not sent. */
    void stop() {
        stopping = true;
        sender.shutdown(STOP_DEADLINE);
    }

    /** Sends a notification made by {@code make} to every token of {@code reader}, and waits for every outcome. */
    void run(TokenSource reader, NotificationMaker make, Payload payload, Progress progress) {
        long handedOver = 0;
        Watchdog watchdog = new Watchdog();
        List<DeviceToken> batch = List.of();
        int next = 0;
        while (!stopping) {
            if (next == batch.size()) {
                batch = reader.next(READ_AT_ONCE);
                next = 0;
                if (batch.isEmpty()) {
                    break;
                }
                progress.update(summary.tokens());
                if (watchdog.stalled()) {
                    giveUp();
                    break;
                }
            }
            DeviceToken token = batch.get(next);
            Notification notification;
            try {
                notification = make.notification(token, payload);
                sender.submit(notification, listener);
            } catch (InvalidNotificationException e) {
                summary.notSent(token, false, "Refused before sending: " + e.getMessage());
            } catch (SenderFullException e) {
                if (!stopping && watchdog.stalled()) {
                    giveUp();
                }
                // The sender stays full while the server does not answer; try the same token again.
                continue;
            } catch (IllegalStateException e) {
                break; // shut down by stop() or a give-up: this token and the rest are not sent
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
                break;
            }
            handedOver++;
            next++;
        }
        List<DeviceToken> rest = new ArrayList<>(batch.subList(next, batch.size()));
        if (stopping || gaveUp) {
            String why = gaveUp ? "Stopped: nothing was answered for " + Converters.format(giveUpAfter)
                    + " and no connection to " + where + " was open; the tokens after that were not attempted."
                    : "Interrupted: the tokens not yet handed to the sender were not attempted.";
            summary.notAttempted(rest, why);
            handedOver += rest.size();
            if (!reader.isStandardInput()) {
                List<DeviceToken> more;
                while (!(more = reader.next(READ_AT_ONCE)).isEmpty()) {
                    summary.notAttempted(more, why);
                    handedOver += more.size();
                }
            } else {
                summary.error("Standard input was read up to line " + reader.lineNumber() + "; the lines after it "
                        + "were not read.");
            }
        }
        awaitOutcomes(handedOver, watchdog, progress);
        sender.shutdown(STOP_DEADLINE);
        progress.update(summary.tokens());
    }

    private void awaitOutcomes(long expected, Watchdog watchdog, Progress progress) {
        while (summary.tokens() < expected) {
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
            }
            progress.update(summary.tokens());
            if (!gaveUp && watchdog.stalled()) {
                giveUp();
            }
        }
    }

    private void giveUp() {
        gaveUp = true;
        summary.error(String.format(Locale.ROOT, "Stopped: nothing was answered for %s and no connection to %s was "
                + "open (run with --verbose to see why connecting failed).", Converters.format(giveUpAfter), where));
        sender.shutdown(STOP_DEADLINE);
    }

    /** Whether the sender made no progress for the give-up time while no connection was open. */
    private final class Watchdog {
        private long lastProgress = -1;
        private long since = System.nanoTime();

        boolean stalled() {
            SenderMetrics metrics = sender.metrics();
            long progress = summary.tokens() + metrics.written() + metrics.retried();
            long now = System.nanoTime();
            if (progress != lastProgress || metrics.connectionsOpen() > 0 || metrics.pending() == 0) {
                lastProgress = progress;
                since = now;
                return false;
            }
            return now - since >= giveUpAfter.toNanos();
        }
    }

    /** Makes the notification for one token. */
    @FunctionalInterface
    interface NotificationMaker {
        Notification notification(DeviceToken token, Payload payload);
    }
}
