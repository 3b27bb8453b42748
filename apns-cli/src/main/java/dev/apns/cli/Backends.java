package dev.apns.cli;

import dev.apns.spi.Availability;
import dev.apns.spi.BackendDiscovery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The transport backends on the class path, found as the SDK finds them ({@link BackendDiscovery}), so that
 * {@code --backend} can be checked and {@code demo} can go through each. A provider that cannot be loaded is
 * logged and skipped. Stateless and thread-safe: each call discovers afresh.
 */
final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private Backends() {
    }

    /** A backend found on the class path: its name and whether it works in this JVM. */
    record Found(String name, Availability availability) {
    }

    /** Every backend found, sorted by name. Each instance made for the look-up is closed again. */
    static List<Found> discover() {
        BackendDiscovery discovery = BackendDiscovery.of(Backends.class.getClassLoader());
        discovery.closeAllExcept(null);
        for (BackendDiscovery.Broken broken : discovery.broken()) {
            LOG.warn("A backend provider could not be loaded and is skipped: {}", broken.describe());
        }
        List<Found> found = new ArrayList<>();
        for (BackendDiscovery.Found each : discovery.found()) {
            found.add(new Found(each.name(), each.availability()));
        }
        found.sort(Comparator.comparing(Found::name));
        return found;
    }

    /** The names of the backends that work here, sorted. */
    static List<String> availableNames() {
        return discover().stream().filter(f -> f.availability().isAvailable()).map(Found::name).distinct()
                .collect(Collectors.toList());
    }

    /**
     * Fails with a one-line report (exit code 3) when no backend on the class path has this name; whether
     * it is available here is left to the session, whose message says why not.
     */
    static void requireKnown(String name) {
        List<Found> found = discover();
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        if (found.stream().noneMatch(f -> f.name().toLowerCase(Locale.ROOT).equals(wanted))) {
            throw CliException.badInput("--backend " + name + ": no backend of that name is on the class path; "
                    + (found.isEmpty() ? "none was found at all."
                    : "found: " + found.stream().map(f -> f.name() + (f.availability().isAvailable() ? ""
                    : " (unavailable here)")).distinct().collect(Collectors.joining(", ")) + "."));
        }
    }
}
