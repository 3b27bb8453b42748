package dev.apns.gateway.http;

import dev.apns.gateway.AppKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Set;

/**
 * One API key: a name for logs, the SHA-256 digest of the secret (the secret itself is not kept), the app ids
 * it may use ({@code *} for all) and whether it may provision apps and read the whole gateway's status.
 */
public final class ApiKey {
    private final String name;
    private final byte[] digest;
    private final Set<String> apps;
    private final boolean admin;

    private ApiKey(String name, byte[] digest, Set<String> apps, boolean admin) {
        this.name = name;
        this.digest = digest;
        this.apps = Set.copyOf(apps);
        this.admin = admin;
    }

    /**
     * A key from its secret.
     *
     * @param apps  app ids ({@code com.example.app}), app and environment ({@code com.example.app/sandbox}), or
     *              {@code *}
     * @param admin whether it may provision apps and read the status of all of them
     */
    public static ApiKey of(String name, String secret, Set<String> apps, boolean admin) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secret, "secret");
        if (secret.length() < 16) {
            throw new IllegalArgumentException("API key \"" + name + "\" is shorter than 16 characters");
        }
        return new ApiKey(name, sha256(secret), apps, admin);
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether {@code presented} is this key's secret (compared in constant time). */
    boolean matches(byte[] presentedDigest) {
        return MessageDigest.isEqual(digest, presentedDigest);
    }

    /** Whether this key may use {@code app}. */
    public boolean permits(AppKey app) {
        return admin || apps.contains("*") || apps.contains(app.appId()) || apps.contains(app.toString());
    }

    /** Whether this key may provision apps and read everything. */
    public boolean isAdmin() {
        return admin;
    }

    /** The key's name. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + (admin ? ", admin" : "") + ", apps=" + apps + "]";
    }
}
