package dev.apns.internal.session;

import dev.apns.BackendException;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds and chooses the transport backend: named in code, then system property {@code apns.backend}, then
 * priority.
 *
 * <p>Providers are loaded one by one with {@link ServiceLoader}; a provider that cannot be loaded or
 * instantiated, or whose {@code name()}, {@code priority()} or {@code availability()} throws, is recorded
 * as broken and skipped, so one broken jar does not hide the others. Every backend instantiated but not
 * chosen is closed. Stateless and thread-safe: each call discovers afresh.
 */
public final class BackendSelector {
    /** The system property that names a backend when code does not. */
    public static final String PROPERTY = "apns.backend";

    /** The artifact to add when nothing is found. */
    static final String DEFAULT_ARTIFACT = "dev.apns:apns-backend-blocking";

    /** Guards against a provider iterator that keeps failing without advancing. */
    private static final int MAX_PROVIDER_ENTRIES = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(BackendSelector.class);

    private static final Comparator<Candidate> PREFERENCE = Comparator
            .comparingInt(Candidate::priority).reversed()
            .thenComparing(Candidate::className);

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
        Discovery found = discover(loader);

        String codeName = normalise(requestedName);
        String propertyName = normalise(System.getProperty(PROPERTY));
        Candidate chosen;
        try {
            if (codeName != null) {
                chosen = byName(found, codeName, "given in code");
            } else if (propertyName != null) {
                chosen = byName(found, propertyName, "given by the system property " + PROPERTY);
            } else {
                chosen = byPriority(found);
            }
        } catch (BackendException e) {
            closeAll(found.candidates, null);
            throw e;
        }
        closeAll(found.candidates, chosen);
        if (!found.broken.isEmpty()) {
            LOG.warn("Using APNs backend '{}'; some backend providers are broken and were skipped: {}", chosen.name,
                    found.broken.stream().map(Broken::describe).collect(Collectors.joining(" ")));
        }
        return chosen.backend;
    }

    private static Candidate byName(Discovery found, String name, String source) {
        List<Candidate> named = found.candidates.stream()
                .filter(c -> c.name.toLowerCase(Locale.ROOT).equals(name))
                .sorted(PREFERENCE)
                .collect(Collectors.toList());
        if (named.isEmpty()) {
            StringBuilder message = new StringBuilder()
                    .append("No APNs backend named '").append(name).append("' (").append(source)
                    .append(") was found on the class path. ");
            if (found.candidates.isEmpty()) {
                message.append("No backend was found at all. Add a dependency on ").append(DEFAULT_ARTIFACT)
                        .append(" (JSSE, no further dependencies) or on the artifact of the backend you named.");
            } else {
                message.append("Found: ").append(describeAll(found.candidates)).append(". ")
                        .append(howToChoose());
            }
            throw failure(message, found.broken);
        }
        Candidate first = named.get(0);
        if (named.size() > 1) {
            LOG.debug("Several APNs backends are named '{}': {}; using {}.", name,
                    named.stream().map(c -> c.className).collect(Collectors.joining(", ")), first.className);
        }
        for (Candidate candidate : named) {
            if (candidate.availability.isAvailable()) {
                LOG.debug("Using APNs backend '{}' ({}), {}.", candidate.name, candidate.className, source);
                return candidate;
            }
        }
        StringBuilder message = new StringBuilder()
                .append("The APNs backend '").append(first.name).append("' (").append(source)
                .append(") is not available here: ").append(reason(first.availability));
        List<Candidate> available = available(found.candidates);
        if (available.isEmpty()) {
            message.append(" No other backend is available either.");
        } else {
            message.append(" Available instead: ")
                    .append(available.stream().map(c -> c.name).distinct().collect(Collectors.joining(", ")))
                    .append(". ").append(howToChoose());
        }
        throw failure(message, found.broken);
    }

    private static Candidate byPriority(Discovery found) {
        if (found.candidates.isEmpty()) {
            StringBuilder message = new StringBuilder("No APNs backend found on the class path. Add a dependency on ")
                    .append(DEFAULT_ARTIFACT)
                    .append(" (JSSE, no further dependencies) or on another backend such as dev.apns:apns-backend-netty.");
            throw failure(message, found.broken);
        }
        List<Candidate> available = available(found.candidates);
        if (available.isEmpty()) {
            StringBuilder message = new StringBuilder("No APNs backend is available here. Found: ");
            message.append(found.candidates.stream()
                    .map(c -> "'" + c.name + "' (" + c.className + "): " + reason(c.availability))
                    .collect(Collectors.joining(" ")));
            message.append(" Add a dependency on ").append(DEFAULT_ARTIFACT)
                    .append(" (JSSE, no further dependencies), which works on every JVM.");
            throw failure(message, found.broken);
        }
        Candidate chosen = available.get(0);
        if (available.size() > 1) {
            LOG.debug("Several APNs backends are available: {}. Using '{}' ({}), the highest priority. {}",
                    describeAll(available), chosen.name, chosen.className, howToChoose());
        } else {
            LOG.debug("Using APNs backend '{}' ({}).", chosen.name, chosen.className);
        }
        return chosen;
    }

    private static Discovery discover(ClassLoader loader) {
        List<Candidate> candidates = new ArrayList<>();
        List<Broken> broken = new ArrayList<>();
        Iterator<Backend> providers = ServiceLoader.load(Backend.class, loader).iterator();
        for (int entries = 0; entries < MAX_PROVIDER_ENTRIES; entries++) {
            Backend backend;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                backend = providers.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                // A broken provider jar: record why and go on with the next provider.
                broken.add(new Broken(null, "could not be loaded or instantiated", e));
                continue;
            }
            String className = backend.getClass().getName();
            String step = "name()";
            try {
                String name = backend.name();
                if (name == null || name.isBlank()) {
                    throw new IllegalStateException("name() returned " + (name == null ? "null" : "a blank name") + ".");
                }
                step = "priority()";
                int priority = backend.priority();
                step = "availability()";
                Availability availability = backend.availability();
                if (availability == null) {
                    throw new IllegalStateException("availability() returned null.");
                }
                candidates.add(new Candidate(backend, name.trim(), priority, availability, className));
            } catch (RuntimeException | LinkageError e) {
                broken.add(new Broken(className, "failed in " + step, e));
                closeQuietly(backend, className);
            }
        }
        candidates.sort(PREFERENCE);
        return new Discovery(List.copyOf(candidates), List.copyOf(broken));
    }

    private static List<Candidate> available(List<Candidate> candidates) {
        return candidates.stream().filter(c -> c.availability.isAvailable()).collect(Collectors.toList());
    }

    private static String describeAll(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::describe).collect(Collectors.joining(", "));
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
        broken.forEach(b -> exception.addSuppressed(b.error));
        return exception;
    }

    private static void closeAll(List<Candidate> candidates, Candidate keep) {
        for (Candidate candidate : candidates) {
            if (candidate != keep) {
                closeQuietly(candidate.backend, candidate.className);
            }
        }
    }

    private static void closeQuietly(Backend backend, String className) {
        try {
            backend.close();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Closing the unused APNs backend {} failed; it held no resources yet.", className, e);
        }
    }

    private static String normalise(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        return name.trim().toLowerCase(Locale.ROOT);
    }

    private record Discovery(List<Candidate> candidates, List<Broken> broken) {
    }

    private record Candidate(Backend backend, String name, int priority, Availability availability, String className) {
        String describe() {
            return "'" + name + "' (" + className + ", priority " + priority + ", "
                    + (availability.isAvailable() ? "available" : "unavailable") + ")";
        }
    }

    /** A provider that could not be used; {@code className} is null when loading failed before it was known. */
    private record Broken(String className, String what, Throwable error) {
        String describe() {
            StringBuilder text = new StringBuilder();
            text.append(className == null ? "A provider" : "Provider " + className).append(' ').append(what)
                    .append(": ")
                    .append(error instanceof ServiceConfigurationError ? error.getMessage() : error.toString());
            Throwable cause = error.getCause();
            for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
                text.append("; caused by ").append(cause);
            }
            String last = text.toString();
            return last.endsWith(".") ? last : last + ".";
        }
    }
}
