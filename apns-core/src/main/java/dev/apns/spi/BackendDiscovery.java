package dev.apns.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The backends on a class path, as the SDK finds them: every {@link Backend} provider that
 * {@link ServiceLoader} lists is instantiated and asked its {@link Backend#name() name},
 * {@link Backend#priority() priority} and {@link Backend#availability() availability}. A provider that
 * cannot be loaded or instantiated, or whose answers throw (or are null or a blank name), is listed as
 * {@linkplain #broken() broken} and skipped, so one broken jar does not hide the others.
 *
 * <p>The SDK chooses its backend from this list, and tools (the CLI, the conformance suite) list backends with
 * it. Discovery is cheap by the SPI's contract: no backend creates a thread or socket before its first
 * connect. The instances belong to the caller, who closes the ones it does not keep
 * ({@link #closeAllExcept(Backend)}). Immutable once made; each {@link #of(ClassLoader)} discovers afresh.
 */
public final class BackendDiscovery {
    /** Guards against a provider iterator that keeps failing without advancing. */
    private static final int MAX_PROVIDER_ENTRIES = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(BackendDiscovery.class);

    /** Highest priority first, ties broken by class name, so the order is deterministic. */
    private static final Comparator<Found> PREFERENCE = Comparator
            .comparingInt(Found::priority).reversed()
            .thenComparing(Found::className);

    private final List<Found> found;
    private final List<Broken> broken;

    private BackendDiscovery(List<Found> found, List<Broken> broken) {
        this.found = found;
        this.broken = broken;
    }

    /**
     * Finds the backends listed in {@code META-INF/services/dev.apns.spi.Backend} (or provided by modules)
     * that {@code loader} sees, instantiating each.
     */
    public static BackendDiscovery of(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        List<Found> found = new ArrayList<>();
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
                found.add(new Found(backend, name.trim(), priority, availability));
            } catch (RuntimeException | LinkageError e) {
                broken.add(new Broken(className, "failed in " + step, e));
                closeQuietly(backend, className);
            }
        }
        found.sort(PREFERENCE);
        return new BackendDiscovery(List.copyOf(found), List.copyOf(broken));
    }

    /** The backends found, highest priority first, ties broken by class name; available or not. */
    public List<Found> found() {
        return found;
    }

    /** The providers that could not be used, in the order met. */
    public List<Broken> broken() {
        return broken;
    }

    /** The backends found that work in this JVM, in the order of {@link #found()}. */
    public List<Found> available() {
        return found.stream().filter(f -> f.availability().isAvailable()).toList();
    }

    /**
     * Closes every backend found except {@code keep} (which may be {@code null}: close all). A failing
     * {@code close()} is logged and ignored: an unused backend holds no resources yet.
     */
    public void closeAllExcept(Backend keep) {
        for (Found candidate : found) {
            if (candidate.backend() != keep) {
                closeQuietly(candidate.backend(), candidate.className());
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

    @Override
    public String toString() {
        return "BackendDiscovery[found=" + found + ", broken=" + broken.size() + "]";
    }

    /**
     * A backend found: the instance and its answers (the name without surrounding spaces).
     *
     * @param backend the instance, owned by the caller of {@link #of(ClassLoader)}
     * @param name its name, trimmed, never blank
     * @param priority its priority
     * @param availability whether it works here, and why not
     */
    public record Found(Backend backend, String name, int priority, Availability availability) {
        /** A found backend; all parts required. */
        public Found {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(availability, "availability");
        }

        /** The backend's class name. */
        public String className() {
            return backend.getClass().getName();
        }

        /** For messages: {@code 'netty' (dev.apns.backend.netty.NettyBackend, priority 7, available)}. */
        public String describe() {
            return "'" + name + "' (" + className() + ", priority " + priority + ", "
                    + (availability.isAvailable() ? "available" : "unavailable") + ")";
        }
    }

    /**
     * A provider that could not be used.
     *
     * @param className its class name, or {@code null} when loading failed before the class was known
     * @param what what went wrong, for example {@code failed in name()}
     * @param error what was thrown
     */
    public record Broken(String className, String what, Throwable error) {
        /** A broken provider; {@code what} and {@code error} required. */
        public Broken {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(error, "error");
        }

        /** One sentence for messages, with up to three causes. */
        public String describe() {
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
