package dev.apns.mock.h2;

import io.netty.util.AsciiString;

import java.util.Map;
import java.util.Set;

/**
 * One connection's authentication, as APNs keeps it: with a client certificate, the topics configured for its
 * subject; otherwise provider tokens, where the first good token binds the connection's team, a token is
 * verified once and then remembered, a token older than the configured lifetime is expired, and a change of
 * token sooner than the configured interval after the previous change is refused. Used on the connection's event
 * loop only.
 */
final class Authenticator {
    /** What authentication found: a failure reason, or the topics the request may use and who it is. */
    record Result(String failure, Set<String> topics, boolean exactTopics, String teamId, String keyId,
                  String certificateSubject) {
        static Result failed(String reason) {
            return new Result(reason, Set.of(), false, null, null, null);
        }

        boolean ok() {
            return failure == null;
        }
    }

    private static final String BEARER = "bearer ";

    private final MockApnsHttp2Server server;
    private final String certificateSubject;
    private String currentToken;
    /** The header value that carried {@link #currentToken}, to skip re-reading the same header on every request. */
    private CharSequence currentHeader;
    private ProviderTokens.Registration currentKey;
    private Result currentResult;
    private long currentIssuedAtSeconds;
    private long changedAtMillis;
    private String boundTeam;

    Authenticator(MockApnsHttp2Server server, String certificateSubject) {
        this.server = server;
        this.certificateSubject = certificateSubject;
    }

    /** Whether this connection authenticates with provider tokens (the client presented no certificate). */
    boolean tokenMode() {
        return certificateSubject == null;
    }

    String certificateSubject() {
        return certificateSubject;
    }

    Result authenticate(CharSequence authorization) {
        if (certificateSubject != null) {
            Set<String> topics = server.certificateTopics(certificateSubject);
            return topics == null || topics.isEmpty() ? Result.failed("BadCertificate")
                    : new Result(null, topics, true, null, null, certificateSubject);
        }
        if (authorization == null || authorization.length() == 0) {
            return Result.failed("MissingProviderToken");
        }
        if (currentHeader != null
                && (currentHeader == authorization || AsciiString.contentEquals(currentHeader, authorization))
                && server.keys().get(currentKey.keyId()) == currentKey) {
            return current(server.clock().millis()); // the common case: the same token as on the last request
        }
        String value = authorization.toString();
        if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Result.failed("InvalidProviderToken");
        }
        String token = value.substring(BEARER.length()).trim();
        long now = server.clock().millis();
        if (!token.equals(currentToken)) {
            Map<String, ProviderTokens.Registration> keys = server.keys();
            ProviderTokens.Verification verification = ProviderTokens.verify(token, keys);
            if (!verification.valid()) {
                return Result.failed(verification.failure());
            }
            ProviderTokens.Registration key = verification.registration();
            if (boundTeam != null && !boundTeam.equals(key.teamId())) {
                return Result.failed("InvalidProviderToken");
            }
            if (currentToken != null && now - changedAtMillis < server.tokenUpdateInterval().toMillis()) {
                return Result.failed("TooManyProviderTokenUpdates");
            }
            currentToken = token;
            currentKey = key;
            currentResult = new Result(null, key.topics(), false, key.teamId(), key.keyId(), null);
            currentIssuedAtSeconds = verification.issuedAtSeconds();
            changedAtMillis = now;
            boundTeam = key.teamId();
        } else if (server.keys().get(currentKey.keyId()) != currentKey) {
            // The key was unregistered or replaced since the token was verified: verify it again.
            currentToken = null;
            currentHeader = null;
            return authenticate(authorization);
        }
        // The header's own instance: HPACK hands out the same one for an indexed field, so the next check is ==.
        currentHeader = authorization;
        return current(now);
    }

    private Result current(long now) {
        if (now - currentIssuedAtSeconds * 1000 > server.tokenLifetime().toMillis()) {
            return Result.failed("ExpiredProviderToken");
        }
        return currentResult;
    }
}
