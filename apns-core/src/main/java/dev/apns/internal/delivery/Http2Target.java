package dev.apns.internal.delivery;

import dev.apns.Endpoint;
import dev.apns.internal.auth.ProviderToken;
import dev.apns.internal.h2.Http2Options;
import dev.apns.spi.Certificate;

/**
 * Where an HTTP/2 sender's connections go and how they authenticate: a client certificate, a provider token,
 * or (for private gateways and tests) neither.
 *
 * @param endpoint the server
 * @param certificate the client certificate, or null with token authentication
 * @param tokens the provider tokens, or null with certificate authentication
 * @param engine the HTTP/2 settings of each connection
 */
public record Http2Target(Endpoint endpoint, Certificate certificate, ProviderTokenSource tokens, Http2Options engine) {

    /** The {@code :authority} of every request. */
    String authority() {
        return Http2Exchange.authority(endpoint);
    }

    /** Where provider tokens come from: one per signing key, shared by every connection that uses it. */
    public interface ProviderTokenSource {
        /** The token for a request sent now. */
        ProviderToken current();

        /** The server refused this token as expired: the next {@link #current()} has a new one. */
        void expired(ProviderToken token);
    }
}
