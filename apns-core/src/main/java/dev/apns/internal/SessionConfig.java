package dev.apns.internal;

import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Trust;
import dev.apns.spi.Backend;

import java.time.Duration;

/** The options of an {@code ApnsSession}, as its builder collected them. */
public record SessionConfig(Backend backend, String backendName, Credentials credentials, Endpoint gateway,
                            Endpoint feedback, Trust trust, Duration connectTimeout, Duration writeTimeout, Duration readTimeout,
                            Confirmation confirmation, boolean automaticResend, int writeChunkBytes,
                            int maxAttemptsWithoutProgress, long firstIdentifier) {
}
