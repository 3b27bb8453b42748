package dev.apns.gateway.http;

import dev.apns.gateway.AppKey;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * Who may do what: requests carry an API key as {@code Authorization: Bearer <key>}. With no keys configured the
 * gateway is open, which it allows only on a loopback address (pyapns's behaviour, for local use).
 */
final class Access {
    private final List<ApiKey> keys;

    Access(List<ApiKey> keys) {
        this.keys = List.copyOf(keys);
    }

    boolean isOpen() {
        return keys.isEmpty();
    }

    /** Checks that the request may use {@code app}. */
    void requireApp(Context ctx, AppKey app) {
        if (isOpen()) {
            return;
        }
        ApiKey key = presented(ctx);
        if (!key.permits(app)) {
            throw new RestException(403, "API key \"" + key.name() + "\" may not use app " + app, null);
        }
    }

    /** Checks that the request may provision apps and see all of them. */
    void requireAdmin(Context ctx) {
        if (isOpen()) {
            return;
        }
        ApiKey key = presented(ctx);
        if (!key.isAdmin()) {
            throw new RestException(403, "API key \"" + key.name() + "\" may not provision apps or list all apps",
                    null);
        }
    }

    /** The key of the request, if it has a valid one; empty when the gateway is open or none was presented. */
    Optional<ApiKey> keyOf(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] digest = ApiKey.sha256(header.substring(7).trim());
        return keys.stream().filter(key -> key.matches(digest)).findFirst();
    }

    private ApiKey presented(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) {
            throw new RestException(401, "an API key is required: send \"Authorization: Bearer <key>\"", null);
        }
        return keyOf(ctx).orElseThrow(() -> new RestException(401, "the API key is not valid", null));
    }
}
