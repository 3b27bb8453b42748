package dev.apns.cli;

import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Payload;
import dev.apns.Result;

import java.util.List;
import java.util.Locale;

/**
 * The binary-protocol half of {@code push}: sends the tokens batch after batch through
 * {@link ApnsSession#send(Message)}. After a batch in which nothing at all was accepted or rejected (the gateway
 * is unreachable or refuses the certificate) the rest is read but not attempted, so that a dead gateway costs one
 * batch's retries, not one per batch. {@link #stop()} (Ctrl-C) closes the session: the batch in progress ends
 * with its remaining tokens to retry, and the rest is not attempted.
 */
final class BinaryPush {
    private final ApnsSession session;
    private final PushSummary summary;
    private final Progress progress;
    private volatile boolean stopping;

    BinaryPush(ApnsSession session, PushSummary summary, Progress progress) {
        this.session = session;
        this.summary = summary;
        this.progress = progress;
    }

    /** Stops after the batch in progress, which ends at once. Any thread. */
    void stop() {
        stopping = true;
        session.close();
    }

    void run(TokenSource reader, PayloadOptions options, Payload body, int batchSize) {
        List<DeviceToken> batch;
        while (!stopping && !(batch = reader.next(batchSize)).isEmpty()) {
            Message message = options.applyTo(Message.builder().tokens(batch).payload(body)).build();
            Result result;
            try {
                result = session.send(message);
            } catch (IllegalStateException e) {
                summary.notAttempted(batch, "Interrupted: the tokens not yet handed to the session were not attempted.");
                break;
            }
            summary.add(result);
            progress.update(summary.tokens());
            if (result.accepted().isEmpty() && result.rejections().isEmpty() && result.needsRetry()) {
                String why = String.format(Locale.ROOT, "Stopped after a batch of %,d in which nothing was delivered; "
                        + "the tokens after it were not attempted.", batch.size());
                notAttempted(reader, batchSize, why);
                return;
            }
        }
        if (stopping) {
            notAttempted(reader, batchSize, "Interrupted: the tokens after the batch in progress were not attempted.");
        }
    }

    private void notAttempted(TokenSource reader, int batchSize, String why) {
        if (reader.isStandardInput() && stopping) {
            summary.error("Standard input was read up to line " + reader.lineNumber() + "; the lines after it were "
                    + "not read.");
            return;
        }
        List<DeviceToken> rest;
        while (!(rest = reader.next(batchSize)).isEmpty()) {
            summary.notAttempted(rest, why);
        }
        progress.update(summary.tokens());
    }
}
