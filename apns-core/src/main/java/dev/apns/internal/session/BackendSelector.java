package dev.apns.internal.session;

import dev.apns.BackendException;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.BackendDiscovery;
import dev.apns.spi.BackendDiscovery.Broken;
import dev.apns.spi.BackendDiscovery.Found;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Finds and chooses the transport backend: named in code, then system property {@code apns.backend}, then
 * priority.
 *
 * <p>Providers are found by {@link BackendDiscovery}: a provider that cannot be loaded or instantiated, or
 * whose {@code name()}, {@code priority()} or {@code availability()} throws, is recorded as broken and
 * skipped, so one broken jar does not hide the others. Every backend instantiated but not chosen is closed.
 * Stateless and thread-safe: each call discovers afresh.
 */
public final class BackendSelector {
    /** The system property that names a backend when code does not. */
    public static final String PROPERTY = "apns.backend";

    /** The artifact to add when nothing is found. */
    static final String DEFAULT_ARTIFACT = "dev.apns:apns-backend-blocking";

    private static final Logger LOG = LoggerFactory.getLogger(BackendSelector.class);

    private BackendSelector() {
    }

    /**
     * Chooses a backend.
     *
     * @param requestedName the name given in code, or {@code null} (a blank name counts as none); names
     *     are compared ignoring case and surrounding spaces
     * @param loader where to look for {@code META-INF/services/dev.apns.spi.Backend}
     * @throws dev.apns.BackendException when none is usable, saying what was found and what to add
     */
    public static Backend select(String requestedName, ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        BackendDiscovery found = BackendDiscovery.of(loader);

        String codeName = normalise(requestedName);
        String propertyName = normalise(System.getProperty(PROPERTY));
        Found chosen;
        try {
            if (codeName != null) {
                chosen = byName(found, codeName, "given in code");
            } else if (propertyName != null) {
                chosen = byName(found, propertyName, "given by the system property " + PROPERTY);
            } else {
                chosen = byPriority(found);
            }
        } catch (BackendException e) {
            found.closeAllExcept(null);
            throw e;
        }
        found.closeAllExcept(chosen.backend());
        if (!found.broken().isEmpty()) {
            LOG.warn("Using APNs backend '{}'; some backend providers are broken and were skipped: {}", chosen.name(),
                    found.broken().stream().map(Broken::describe).collect(Collectors.joining(" ")));
        }
        return chosen.backend();
    }

    private static Found byName(BackendDiscovery found, String name, String source) {
        List<Found> named = found.found().stream()
                .filter(c -> c.name().toLowerCase(Locale.ROOT).equals(name))
                .collect(Collectors.toList());
        if (named.isEmpty()) {
            StringBuilder message = new StringBuilder()
                    .append("No APNs backend named '").append(name).append("' (").append(source)
                    .append(") was found on the class path. ");
            if (found.found().isEmpty()) {
                message.append("No backend was found at all. Add a dependency on ").append(DEFAULT_ARTIFACT)
                        .append(" (JSSE, no further dependencies) or on the artifact of the backend you named.");
            } else {
                message.append("Found: ").append(describeAll(found.found())).append(". ")
                        .append(howToChoose());
            }
            throw failure(message, found.broken());
        }
        Found first = named.get(0);
        if (named.size() > 1) {
            LOG.debug("Several APNs backends are named '{}': {}; using {}.", name,
                    named.stream().map(c -> c.className()).collect(Collectors.joining(", ")), first.className());
        }
        for (Found candidate : named) {
            if (candidate.availability().isAvailable()) {
                LOG.debug("Using APNs backend '{}' ({}), {}.", candidate.name(), candidate.className(), source);
                return candidate;
            }
        }
        StringBuilder message = new StringBuilder()
                .append("The APNs backend '").append(first.name()).append("' (").append(source)
                .append(") is not available here: ").append(reason(first.availability()));
        List<Found> available = found.available();
        if (available.isEmpty()) {
            message.append(" No other backend is available either.");
        } else {
            message.append(" Available instead: ")
                    .append(available.stream().map(c -> c.name()).distinct().collect(Collectors.joining(", ")))
                    .append(". ").append(howToChoose());
        }
        throw failure(message, found.broken());
    }

    private static Found byPriority(BackendDiscovery found) {
        if (found.found().isEmpty()) {
            StringBuilder message = new StringBuilder("No APNs backend found on the class path. Add a dependency on ")
                    .append(DEFAULT_ARTIFACT)
                    .append(" (JSSE, no further dependencies) or on another backend such as dev.apns:apns-backend-netty.");
            throw failure(message, found.broken());
        }
        List<Found> available = found.available();
        if (available.isEmpty()) {
            StringBuilder message = new StringBuilder("No APNs backend is available here. Found: ");
            message.append(found.found().stream()
                    .map(c -> "'" + c.name() + "' (" + c.className() + "): " + reason(c.availability()))
                    .collect(Collectors.joining(" ")));
            message.append(" Add a dependency on ").append(DEFAULT_ARTIFACT)
                    .append(" (JSSE, no further dependencies), which works on every JVM.");
            throw failure(message, found.broken());
        }
        Found chosen = available.get(0);
        if (available.size() > 1) {
            LOG.debug("Several APNs backends are available: {}. Using '{}' ({}), the highest priority. {}",
                    describeAll(available), chosen.name(), chosen.className(), howToChoose());
        } else {
            LOG.debug("Using APNs backend '{}' ({}).", chosen.name(), chosen.className());
        }
        return chosen;
    }

    private static String describeAll(List<Found> candidates) {
        return candidates.stream().map(Found::describe).collect(Collectors.joining(", "));
    }

    private static String howToChoose() {
        return "Choose one by name with ApnsSession.builder().backend(\"<name>\") or the system property -D"
                + PROPERTY + "=<name>.";
    }

    private static String reason(Availability availability) {
        return availability.reason().orElse("no reason given.");
    }

    /** The exception for {@code message}, naming the broken providers and carrying their errors as suppressed. */
    private static BackendException failure(StringBuilder message, List<Broken> broken) {
        if (!broken.isEmpty()) {
            message.append(broken.size() == 1 ? " One provider is broken and was skipped: "
                    : " " + broken.size() + " providers are broken and were skipped: ");
            message.append(broken.stream().map(Broken::describe).collect(Collectors.joining(" ")));
        }
        BackendException exception = new BackendException(message.toString());
        broken.forEach(b -> exception.addSuppressed(b.error()));
        return exception;
    }

    private static String normalise(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
