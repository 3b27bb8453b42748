package dev.apns.internal.session;

import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Protocol;
import dev.apns.SenderOptions;
import dev.apns.Proxy;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.spi.Backend;

import java.time.Duration;

/** The options of an {@code ApnsSession}, as its builder collected them. */
public record SessionConfig(Backend backend, String backendName, Protocol protocol, Credentials credentials,
                            SigningKey signingKey, Endpoint gateway, Endpoint feedback, Trust trust, Proxy proxy,
                            Duration connectTimeout, Duration writeTimeout, Duration readTimeout,
                            Confirmation confirmation, boolean automaticResend, int writeChunkBytes,
                            int maxAttemptsWithoutProgress, long firstIdentifier, SenderOptions senderOptions) {
}
