package dev.apns.gateway.store;

import dev.apns.gateway.AppKey;
import java.util.Objects;

/**
 * An app as the store holds it: its provisioning document (credentials included), a fingerprint of its
 * credentials, when they expire (0: never), and a version that grows with every re-provisioning.
 */
public record AppRecord(AppKey key, String spec, String fingerprint, long expiresAt, long version, long updatedAt) {
    /** Checks the required parts. */
    public AppRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** Leaves the provisioning document out: it holds credentials. */
    @Override
    public String toString() {
        return "AppRecord[" + key + ", fingerprint=" + fingerprint + ", version=" + version + "]";
    }
}
