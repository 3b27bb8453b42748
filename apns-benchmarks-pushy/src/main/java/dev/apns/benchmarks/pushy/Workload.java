package dev.apns.benchmarks.pushy;

import java.time.Instant;

/**
 * What both clients send: the payload of the binary-protocol benchmarks ({@code apns-benchmarks}' {@code Payloads}),
 * 10,000 distinct device tokens in turn, one topic, push type alert, priority 10 and one expiration a day ahead, so
 * that both put the same headers on every request.
 */
final class Workload {
    /** The realistic alert of the binary benchmarks, 98 bytes. */
    static final String PAYLOAD =
            "{\"aps\":{\"alert\":\"Your order #48213 has shipped and arrives Thursday\",\"badge\":3,\"sound\":\"default\"}}";
    /** The device tokens sent to, in turn. */
    static final int TOKENS = 10_000;
    /** Immediate delivery, as both clients default to. */
    static final int PRIORITY = 10;

    private Workload() {
    }

    /** The i-th device token as 64 hex digits. */
    static String tokenHex(int i) {
        return String.format("%064x", i + 1);
    }

    /** The expiration both clients send (a day ahead, Pushy's default). */
    static Instant expiration() {
        return Instant.now().plusSeconds(86_400);
    }
}
