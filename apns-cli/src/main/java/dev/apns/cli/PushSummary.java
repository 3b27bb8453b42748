package dev.apns.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.apns.DeliveryError;
import dev.apns.DeviceToken;
import dev.apns.Http2Reason;
import dev.apns.Rejection;
import dev.apns.RejectionReason;
import dev.apns.Result;
import dev.apns.Status;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a {@code push} did: every token read ends as accepted, rejected (with the server's reason) or not sent
 * (with whether the server may have it, and the errors that say why), so
 * {@code tokens = accepted + rejected + notSent}. Written as text for people or as one line of JSON for programs.
 * Thread-safe: HTTP/2 outcomes arrive on the sender's threads while the command reads the summary.
 */
final class PushSummary {
    /** How many tokens of each list the text lists; {@code --json} lists them all. */
    static final int TEXT_LIST_LIMIT = 20;
    /** Distinct error sentences kept at most, so that a storm of different messages cannot fill the memory. */
    static final int MAX_ERRORS = 50;

    /** A token the server did not take and that was not refused either. */
    record NotSent(DeviceToken token, boolean possiblyDelivered) {
    }

    private final String protocol;
    private long tokens;
    private long accepted;
    private final List<Rejection> rejected = new ArrayList<>();
    private final List<String> rejectedApnsIds = new ArrayList<>();
    private final List<NotSent> notSent = new ArrayList<>();
    private final Set<String> errors = new LinkedHashSet<>();
    private boolean interrupted;

    /** A summary of a push over {@code protocol} ({@code http2} or {@code binary}). */
    PushSummary(String protocol) {
        this.protocol = protocol;
    }

    /** Adds the outcome of one binary batch. */
    synchronized void add(Result result) {
        tokens += result.message().tokens().size();
        accepted += result.accepted().size();
        for (Rejection rejection : result.rejections()) {
            rejected.add(rejection);
            rejectedApnsIds.add(null);
        }
        // A batch in which the server took or refused something had a working connection: its unconfirmed
        // tokens may have arrived. One in which nothing got through never reached the server.
        boolean connected = !result.accepted().isEmpty() || !result.rejections().isEmpty();
        result.retry().ifPresent(retry -> retry.tokens().forEach(token -> notSent.add(new NotSent(token, connected))));
        for (DeliveryError error : result.errors()) {
            error(error.description());
        }
    }

    /** One token accepted. */
    synchronized void accepted() {
        tokens++;
        accepted++;
    }

    /** One token refused by the server, with the {@code apns-id} of its answer (may be null). */
    synchronized void rejected(DeviceToken token, RejectionReason reason, String apnsId) {
        tokens++;
        rejected.add(new Rejection(token, reason));
        rejectedApnsIds.add(apnsId);
    }

    /** One token not sent, and why. */
    synchronized void notSent(DeviceToken token, boolean possiblyDelivered, String why) {
        tokens++;
        notSent.add(new NotSent(token, possiblyDelivered));
        if (why != null) {
            error(why);
        }
    }

    /** Adds tokens that were read but not attempted, and why. */
    synchronized void notAttempted(List<DeviceToken> tokensNotAttempted, String why) {
        if (tokensNotAttempted.isEmpty()) {
            return;
        }
        tokensNotAttempted.forEach(token -> notSent.add(new NotSent(token, false)));
        tokens += tokensNotAttempted.size();
        error(why);
    }

    /** An error sentence, kept once. */
    synchronized void error(String sentence) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(Apns.oneLine(sentence));
        }
    }

    /** Marks the push as stopped by Ctrl-C or SIGTERM. */
    synchronized void interrupted() {
        interrupted = true;
    }

    /** How many tokens have an outcome so far. */
    synchronized long tokens() {
        return tokens;
    }

    synchronized long acceptedCount() {
        return accepted;
    }

    synchronized int rejectedCount() {
        return rejected.size();
    }

    synchronized int notSentCount() {
        return notSent.size();
    }

    /** 2 when some are not sent, else 1 when some were rejected, else 0. */
    synchronized int exitCode() {
        if (!notSent.isEmpty()) {
            return ExitCodes.UNSENT;
        }
        return rejected.isEmpty() ? ExitCodes.OK : ExitCodes.REJECTED;
    }

    /**
     * The summary as compact JSON: {@code protocol}, {@code tokens}, the counts {@code accepted}, {@code rejected}
     * and {@code notSent}, then {@code rejections} (token, status, reason, timestamp, apnsId), {@code notSentTokens}
     * (token, possiblyDelivered), {@code errors} and {@code interrupted}.
     */
    synchronized String toJson() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode root = nodes.objectNode();
        root.put("protocol", protocol);
        root.put("tokens", tokens);
        root.put("accepted", accepted);
        root.put("rejected", rejected.size());
        root.put("notSent", notSent.size());
        ArrayNode rejectedNode = root.putArray("rejections");
        for (int i = 0; i < rejected.size(); i++) {
            Rejection rejection = rejected.get(i);
            ObjectNode entry = rejectedNode.addObject().put("token", rejection.token().toHex());
            if (rejection.reason() instanceof Http2Reason reason) {
                entry.put("status", reason.status()).put("reason", reason.reason());
            } else {
                Status status = (Status) rejection.reason();
                entry.put("status", status.code()).put("reason", status.description());
            }
            entry.put("timestamp", rejection.reason().tokenInvalidSince().map(Object::toString).orElse(null));
            entry.put("apnsId", rejectedApnsIds.get(i));
        }
        ArrayNode notSentNode = root.putArray("notSentTokens");
        for (NotSent entry : notSent) {
            notSentNode.addObject().put("token", entry.token().toHex()).put("possiblyDelivered", entry.possiblyDelivered());
        }
        ArrayNode errorsNode = root.putArray("errors");
        errors.forEach(errorsNode::add);
        root.put("interrupted", interrupted);
        try {
            return JsonMapper.builder().build().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The push summary could not be written as JSON.", e);
        }
    }

    /** The summary for people. */
    synchronized void printText(PrintStream out, String how, long elapsedMillis) {
        if (interrupted) {
            out.println("Interrupted: sending stopped; what was sent so far is below.");
        }
        out.printf(Locale.ROOT, "Sent %,d notification%s to %s in %.1f s.%n", tokens, tokens == 1 ? "" : "s", how,
                elapsedMillis / 1000.0);
        out.printf(Locale.ROOT, "  accepted  %,d%n", accepted);
        out.printf(Locale.ROOT, "  rejected  %,d%n", rejected.size());
        out.printf(Locale.ROOT, "  not sent  %,d%n", notSent.size());
        if (!rejected.isEmpty()) {
            out.println("Rejected by the server (stop sending to these tokens when the reason says they are invalid):");
            for (int i = 0; i < rejected.size() && i < TEXT_LIST_LIMIT; i++) {
                out.println("  " + rejected.get(i).token().toHex() + "  " + rejected.get(i).reason().description());
            }
            more(out, rejected.size());
        }
        if (!notSent.isEmpty()) {
            out.println("Not sent (send these again later):");
            for (int i = 0; i < notSent.size() && i < TEXT_LIST_LIMIT; i++) {
                out.println("  " + notSent.get(i).token().toHex()
                        + (notSent.get(i).possiblyDelivered() ? "  (the server may have it)" : ""));
            }
            more(out, notSent.size());
        }
        if (!errors.isEmpty()) {
            out.println("Errors:");
            errors.forEach(error -> out.println("  " + error));
        }
        out.flush();
    }

    private static void more(PrintStream out, int size) {
        if (size > TEXT_LIST_LIMIT) {
            out.printf(Locale.ROOT, "  ... and %,d more (--json lists them all)%n", size - TEXT_LIST_LIMIT);
        }
    }
}
