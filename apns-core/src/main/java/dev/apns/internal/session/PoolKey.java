package dev.apns.internal.session;

import dev.apns.Endpoint;
import dev.apns.spi.Certificate;

/** What a pooled connection is for: an endpoint and the certificate it authenticates with. */
public record PoolKey(Endpoint endpoint, Certificate certificate) {
}
