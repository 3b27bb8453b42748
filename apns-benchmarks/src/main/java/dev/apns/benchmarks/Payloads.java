package dev.apns.benchmarks;

/** The payloads benchmarks send. */
final class Payloads {
    private Payloads() {
    }

    /** A realistic alert of about 100 bytes. */
    static String realistic() {
        return "{\"aps\":{\"alert\":\"Your order #48213 has shipped and arrives Thursday\",\"badge\":3,\"sound\":\"default\"}}";
    }
}
