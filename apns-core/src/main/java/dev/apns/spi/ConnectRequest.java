package dev.apns.spi;

import dev.apns.Endpoint;
import dev.apns.Trust;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything a backend needs to open one connection: where, as whom, whom to trust, and how long each
 * step may take. Hostname verification is always on and TLS 1.2 is the minimum. Immutable.
 *
 * @param endpoint the server to connect to
 * @param certificate the client identity, made by the same backend
 * @param trust which server certificates to accept
 * @param connectTimeout the limit for the TCP connect and, separately, for the TLS handshake
 * @param writeTimeout how long one {@link Connection#write} may stay blocked by a peer that does not read
 */
public record ConnectRequest(Endpoint endpoint, Certificate certificate, Trust trust, Duration connectTimeout,
                             Duration writeTimeout) {
    public ConnectRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(trust, "trust");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(writeTimeout, "writeTimeout");
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration + ".");
        }
    }
}
