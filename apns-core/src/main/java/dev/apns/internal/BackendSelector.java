package dev.apns.internal;

import dev.apns.spi.Backend;

/** Finds and chooses the transport backend: named in code, then system property {@code apns.backend}, then priority. */
public final class BackendSelector {
    /** The system property that names a backend when code does not. */
    public static final String PROPERTY = "apns.backend";

    private BackendSelector() {
    }

    /**
     * Chooses a backend.
     *
     * @param requestedName the name given in code, or {@code null}
     * @param loader where to look for {@code META-INF/services/dev.apns.spi.Backend}
     * @throws dev.apns.BackendException when none is usable, saying what was found and what to add
     */
    public static Backend select(String requestedName, ClassLoader loader) {
        throw new UnsupportedOperationException("TODO");
    }
}
