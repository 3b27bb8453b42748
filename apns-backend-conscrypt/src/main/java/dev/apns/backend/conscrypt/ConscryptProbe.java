package dev.apns.backend.conscrypt;

import dev.apns.spi.Availability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Finds out whether Conscrypt works in this JVM: its classes are there, its version is recent enough, and
 * its native library (BoringSSL) loads on this platform. Reflective, so that it runs with any class loader
 * and links nothing when Conscrypt is absent. Never throws (except the JVM's own
 * {@link VirtualMachineError}s); every failure becomes an {@link Availability#unavailable} reason.
 * Stateless and thread-safe.
 */
final class ConscryptProbe {
    /** The class whose static methods say whether Conscrypt works. */
    static final String CONSCRYPT_CLASS = "org.conscrypt.Conscrypt";
    /** The oldest Conscrypt this backend accepts; its tests pass with 2.5.2 and with 2.9.0, the pinned one. */
    static final int MINIMUM_MAJOR = 2;
    static final int MINIMUM_MINOR = 5;

    private static final Logger LOG = LoggerFactory.getLogger(ConscryptProbe.class);

    private ConscryptProbe() {
    }

    /** Probes the real Conscrypt as seen from {@code loader}. */
    static Availability probe(ClassLoader loader) {
        return probe(loader, CONSCRYPT_CLASS);
    }

    /**
     * Probes {@code className}, which must offer Conscrypt's static {@code version()} and
     * {@code checkAvailability()}; tests pass stand-ins that fail the ways Conscrypt can.
     */
    static Availability probe(ClassLoader loader, String className) {
        Class<?> conscrypt;
        try {
            conscrypt = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debug("Conscrypt was not found by {}.", loader, e);
            return Availability.unavailable("Conscrypt is not on the class path: add org.conscrypt:conscrypt-openjdk-uber "
                    + "to use the conscrypt backend (" + e + ").");
        }
        String step = "version()";
        try {
            Object version = conscrypt.getMethod("version").invoke(null);
            int major = (Integer) version.getClass().getMethod("major").invoke(version);
            int minor = (Integer) version.getClass().getMethod("minor").invoke(version);
            int patch = (Integer) version.getClass().getMethod("patch").invoke(version);
            if (major < MINIMUM_MAJOR || major == MINIMUM_MAJOR && minor < MINIMUM_MINOR) {
                return Availability.unavailable("Conscrypt " + major + "." + minor + "." + patch + " is on the class "
                        + "path; the conscrypt backend needs " + MINIMUM_MAJOR + "." + MINIMUM_MINOR + ".0 or newer.");
            }
            step = "checkAvailability()";
            Method check = conscrypt.getMethod("checkAvailability");
            check.invoke(null);
            return Availability.available();
        } catch (InvocationTargetException e) {
            return failed(step, e.getCause() != null ? e.getCause() : e);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // LinkageErrors (UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError) and
            // reflection failures alike mean that Conscrypt cannot be used here.
            return failed(step, e);
        }
    }

    private static Availability failed(String step, Throwable error) {
        if (error instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        LOG.debug("Conscrypt's {} failed on {}.", step, platform(), error);
        String what;
        if (causedBy(error, UnsatisfiedLinkError.class)) {
            what = "Conscrypt's native library did not load on " + platform() + ": ";
        } else if (error instanceof LinkageError) {
            what = "Conscrypt did not initialise on " + platform() + ": ";
        } else if (error instanceof NoSuchMethodException || error instanceof IllegalAccessException
                || error instanceof ClassCastException) {
            what = "The Conscrypt on the class path is not one the conscrypt backend can use (" + step + " failed): ";
        } else {
            what = "Conscrypt's " + step + " failed on " + platform() + ": ";
        }
        StringBuilder reason = new StringBuilder(what).append(error);
        if (error.getCause() != null) {
            reason.append("; caused by ").append(error.getCause());
        }
        return Availability.unavailable(withoutFinalStop(reason.toString())
                + ". Use another backend here, such as blocking.");
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String withoutFinalStop(String text) {
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    /** The platform as Conscrypt's native libraries are named: {@code linux-x86_64}, {@code osx-aarch64}. */
    static String platform() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            os = "osx";
        } else if (os.startsWith("windows")) {
            os = "windows";
        } else {
            os = os.replace(' ', '_');
        }
        if (arch.equals("amd64") || arch.equals("x64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return os + "-" + arch;
    }
}
