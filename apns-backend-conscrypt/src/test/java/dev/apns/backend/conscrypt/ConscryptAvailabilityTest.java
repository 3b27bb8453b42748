package dev.apns.backend.conscrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.apns.ApnsSession;
import dev.apns.spi.Availability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where Conscrypt cannot work (absent, too old, or a native library that does not load on this platform)
 * the backend says so without throwing, and a session chooses another backend. Stand-in classes play the
 * Conscrypt that fails, since this machine's Conscrypt works.
 */
@Timeout(10)
class ConscryptAvailabilityTest {
    /** The platforms whose BoringSSL the uber jar carries. */
    private static final Set<String> BUNDLED = Set.of("linux-x86_64", "linux-aarch64", "osx-x86_64", "osx-aarch64",
            "windows-x86_64");

    @Test
    void isAvailableWhereTheUberJarCarriesANativeLibraryAndSaysWhyNotElsewhere() {
        Availability availability = new ConscryptBackend().availability();

        if (BUNDLED.contains(ConscryptProbe.platform())) {
            assertThat(availability.isAvailable()).as(availability.toString()).isTrue();
            assertThat(availability.reason()).isEmpty();
        } else {
            assertThat(availability.reason())
                    .hasValueSatisfying(reason -> assertThat(reason).contains(ConscryptProbe.platform()));
        }
    }

    @Test
    void withConscryptHiddenFromTheClassLoaderTheProbeSaysUnavailableAndWhy() {
        ClassLoader hidingConscrypt = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("org.conscrypt.")) {
                    throw new ClassNotFoundException(name + " is hidden by this test.");
                }
                return super.loadClass(name, resolve);
            }
        };

        Availability availability = ConscryptProbe.probe(hidingConscrypt);

        assertThat(availability.isAvailable()).isFalse();
        assertThat(availability.reason()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("Conscrypt is not on the class path: add org.conscrypt:conscrypt-openjdk-uber")
                .contains("org.conscrypt.Conscrypt is hidden by this test"));
    }

    @Test
    void aNativeLibraryThatDoesNotLoadMakesItUnavailableNamingThePlatformAndTheError() {
        Availability availability = ConscryptProbe.probe(getClass().getClassLoader(), NativeLibraryMissing.class.getName());

        assertThat(availability.isAvailable()).isFalse();
        assertThat(availability.reason()).hasValue("Conscrypt's native library did not load on " + ConscryptProbe.platform()
                + ": java.lang.UnsatisfiedLinkError: no conscrypt_openjdk_jni in java.library.path. "
                + "Use another backend here, such as blocking.");
    }

    @Test
    void aConscryptThatFailsToInitialiseMakesItUnavailableWithTheCause() {
        Availability availability = ConscryptProbe.probe(getClass().getClassLoader(), FailsToInitialise.class.getName());

        assertThat(availability.isAvailable()).isFalse();
        assertThat(availability.reason()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("Conscrypt did not initialise on " + ConscryptProbe.platform()
                        + ": java.lang.ExceptionInInitializerError")
                .contains("caused by java.lang.IllegalStateException: BoringSSL self-test failed"));
    }

    @Test
    void aNativeLibraryErrorInsideAnInitialiserErrorIsStillReportedAsTheNativeLibrary() {
        Availability availability = ConscryptProbe.probe(getClass().getClassLoader(), NativeInitFails.class.getName());

        assertThat(availability.reason()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("Conscrypt's native library did not load on " + ConscryptProbe.platform()
                        + ": java.lang.ExceptionInInitializerError")
                .contains("caused by java.lang.UnsatisfiedLinkError: libconscrypt_openjdk_jni.so: wrong ELF class"));
    }

    @Test
    void aConscryptOlderThanTwoFiveIsUnavailable() {
        Availability availability = ConscryptProbe.probe(getClass().getClassLoader(), TooOld.class.getName());

        assertThat(availability.reason()).hasValue(
                "Conscrypt 2.4.0 is on the class path; the conscrypt backend needs 2.5.0 or newer.");
    }

    @Test
    void withoutConscryptASessionChoosesTheBlockingBackendAndNamingConscryptSaysWhy() throws Exception {
        try (URLClassLoader withoutConscrypt = new URLClassLoader(classPathWithoutConscrypt(),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName("org.conscrypt.Conscrypt", false, withoutConscrypt))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> sessionClass = Class.forName(ApnsSession.class.getName(), true, withoutConscrypt);

            Object chosenByPriority = build(sessionClass, null);
            try (AutoCloseable session = (AutoCloseable) chosenByPriority) {
                assertThat(sessionClass.getMethod("backendName").invoke(session)).isEqualTo("blocking");
            }
            Throwable refused = catchThrowableOfType(InvocationTargetException.class,
                    () -> build(sessionClass, "conscrypt")).getCause();
            assertThat(refused.getClass().getName()).isEqualTo("dev.apns.BackendException");
            assertThat(refused.getMessage())
                    .contains("The APNs backend 'conscrypt'")
                    .contains("Conscrypt is not on the class path")
                    .contains("Available instead: blocking");
        }
    }

    @Test
    void inThisJvmASessionWithoutANameChoosesConscryptOverBlocking() {
        try (ApnsSession session = ApnsSession.builder().build()) {
            assertThat(session.backendName()).isEqualTo("conscrypt");
        }
    }

    /** {@code ApnsSession.builder()[.backend(name)].build()} in another class loader. */
    private static Object build(Class<?> sessionClass, String backendName) throws ReflectiveOperationException {
        Object builder = sessionClass.getMethod("builder").invoke(null);
        if (backendName != null) {
            builder.getClass().getMethod("backend", String.class).invoke(builder, backendName);
        }
        return builder.getClass().getMethod("build").invoke(builder);
    }

    /** This test's class path (Surefire sets it in {@code java.class.path}) less Conscrypt's jar. */
    private static URL[] classPathWithoutConscrypt() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty() && !entry.contains("conscrypt-openjdk-uber")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        assertThat(urls).as("the test class path").isNotEmpty();
        return urls.toArray(new URL[0]);
    }

    /** Plays a Conscrypt whose native library is missing for this platform. */
    public static final class NativeLibraryMissing {
        public static Version version() {
            return new Version(2, 9, 0);
        }

        public static void checkAvailability() {
            throw new UnsatisfiedLinkError("no conscrypt_openjdk_jni in java.library.path");
        }
    }

    /** Plays a Conscrypt whose class initialisation fails. */
    public static final class FailsToInitialise {
        static {
            if (Boolean.parseBoolean("true")) {
                throw new IllegalStateException("BoringSSL self-test failed");
            }
        }

        public static Version version() {
            return new Version(2, 9, 0);
        }

        public static void checkAvailability() {
        }
    }

    /** Plays a Conscrypt whose native part fails while a class initialises. */
    public static final class NativeInitFails {
        public static Version version() {
            return new Version(2, 9, 0);
        }

        public static void checkAvailability() {
            throw new ExceptionInInitializerError(new UnsatisfiedLinkError("libconscrypt_openjdk_jni.so: wrong ELF class"));
        }
    }

    /** Plays a Conscrypt older than the backend supports. */
    public static final class TooOld {
        public static Version version() {
            return new Version(2, 4, 0);
        }

        public static void checkAvailability() {
        }
    }

    /** Conscrypt's {@code Conscrypt.Version}, as the probe reads it. */
    public record Version(int major, int minor, int patch) {
    }
}
