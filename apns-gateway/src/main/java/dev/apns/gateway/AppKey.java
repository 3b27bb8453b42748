package dev.apns.gateway;

import dev.apns.Environment;
import java.util.Locale;
import java.util.Objects;

/**
 * One provisioned app: its app id (the bundle id, as pyapns names apps) and the Apple environment it sends to,
 * {@code sandbox} or {@code production}. The pair is the app's address under {@code /apps/{app id}/{environment}}.
 */
public record AppKey(String appId, String environment) {
    /** Checks the parts: an app id of 1 to 255 printable characters without '/', and a known environment. */
    public AppKey {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(environment, "environment");
        if (appId.isEmpty() || appId.length() > 255 || !appId.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/')) {
            throw new IllegalArgumentException("app id must be 1 to 255 printable ASCII characters without '/' or spaces");
        }
        if (!environment.equals("sandbox") && !environment.equals("production")) {
            throw new IllegalArgumentException("environment must be \"sandbox\" or \"production\", was \""
                    + environment.substring(0, Math.min(environment.length(), 40)) + "\"");
        }
    }

    /** The SDK's environment this app sends to. */
    public Environment sdkEnvironment() {
        return Environment.valueOf(environment.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return appId + "/" + environment;
    }
}
