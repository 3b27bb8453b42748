package dev.apns.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.apns.DeliveryError;
import dev.apns.DeviceToken;
import dev.apns.Rejection;
import dev.apns.Result;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a {@code push} did, added up over its batches: every token read ends as accepted, rejected (with the
 * server's status) or unsent (with the errors that say why), so {@code sent = accepted + rejected + unsent}.
 * Written as text for people or as one line of JSON for programs. Not thread-safe.
 */
final class PushSummary {
    /** How many tokens of each list the text lists; {@code --json} lists them all. */
    static final int TEXT_LIST_LIMIT = 20;

    private long sent;
    private long accepted;
    private final List<Rejection> rejected = new ArrayList<>();
    private final List<DeviceToken> unsent = new ArrayList<>();
    private final Set<String> errors = new LinkedHashSet<>();

    /** Adds the outcome of one batch. */
    void add(Result result) {
        sent += result.message().tokens().size();
        accepted += result.accepted().size();
        rejected.addAll(result.rejections());
        result.retry().ifPresent(retry -> unsent.addAll(retry.tokens()));
        for (DeliveryError error : result.errors()) {
            errors.add(error.description());
        }
    }

    /** Adds tokens that were read but not attempted, and why. */
    void notAttempted(List<DeviceToken> tokens, String why) {
        if (tokens.isEmpty()) {
            return;
        }
        sent += tokens.size();
        unsent.addAll(tokens);
        errors.add(why);
    }

    /** How many tokens were read so far. */
    long sent() {
        return sent;
    }

    /** 2 when some are unsent, else 1 when some were rejected, else 0. */
    int exitCode() {
        if (!unsent.isEmpty()) {
            return ExitCodes.UNSENT;
        }
        return rejected.isEmpty() ? ExitCodes.OK : ExitCodes.REJECTED;
    }

    /**
     * The summary as compact JSON:
     * {@code {"sent":N,"accepted":N,"rejected":[{"token":..,"status":..,"reason":..}],"unsent":[..],"errors":[..]}}.
     */
    String toJson() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode root = nodes.objectNode();
        root.put("sent", sent);
        root.put("accepted", accepted);
        ArrayNode rejectedNode = root.putArray("rejected");
        for (Rejection rejection : rejected) {
            rejectedNode.addObject()
                    .put("token", rejection.token().toHex())
                    .put("status", rejection.status().code())
                    .put("reason", rejection.status().description());
        }
        ArrayNode unsentNode = root.putArray("unsent");
        unsent.forEach(token -> unsentNode.add(token.toHex()));
        ArrayNode errorsNode = root.putArray("errors");
        errors.forEach(errorsNode::add);
        try {
            return JsonMapper.builder().build().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The push summary could not be written as JSON.", e);
        }
    }

    /** The summary for people. */
    void printText(PrintStream out, String where, String backend, long elapsedMillis) {
        out.printf(Locale.ROOT, "Sent %,d notification%s to %s through the %s backend in %.1f s.%n", sent,
                sent == 1 ? "" : "s", where, backend, elapsedMillis / 1000.0);
        out.printf(Locale.ROOT, "  accepted  %,d%n", accepted);
        out.printf(Locale.ROOT, "  rejected  %,d%n", rejected.size());
        out.printf(Locale.ROOT, "  unsent    %,d%n", unsent.size());
        if (!rejected.isEmpty()) {
            out.println("Rejected by the server (stop sending to these tokens):");
            for (int i = 0; i < rejected.size() && i < TEXT_LIST_LIMIT; i++) {
                out.println("  " + rejected.get(i).token().toHex() + "  " + rejected.get(i).status().description());
            }
            more(out, rejected.size());
        }
        if (!unsent.isEmpty()) {
            out.println("Unsent (send these again later):");
            for (int i = 0; i < unsent.size() && i < TEXT_LIST_LIMIT; i++) {
                out.println("  " + unsent.get(i).toHex());
            }
            more(out, unsent.size());
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
