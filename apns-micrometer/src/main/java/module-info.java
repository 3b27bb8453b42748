/**
 * Micrometer meters for an {@code ApnsSender}'s counters and gauges: bind {@code ApnsSenderMetrics} to any
 * {@code MeterRegistry}. Depends on core and micrometer-core only.
 */
module dev.apns.micrometer {
    requires transitive dev.apns.core;
    requires transitive micrometer.core;

    exports dev.apns.micrometer;
}
