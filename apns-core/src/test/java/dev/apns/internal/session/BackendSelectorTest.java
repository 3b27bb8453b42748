package dev.apns.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.apns.BackendException;
import dev.apns.internal.session.FakeBackends.AlphaBackend;
import dev.apns.internal.session.FakeBackends.BetaBackend;
import dev.apns.internal.session.FakeBackends.ExplodingBackend;
import dev.apns.internal.session.FakeBackends.Fake;
import dev.apns.internal.session.FakeBackends.HighBackend;
import dev.apns.internal.session.FakeBackends.LowBackend;
import dev.apns.internal.session.FakeBackends.NativeBackend;
import dev.apns.internal.session.FakeBackends.OtherNativeBackend;
import dev.apns.internal.session.FakeBackends.ThrowingProbeBackend;
import dev.apns.spi.Backend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

class BackendSelectorTest {
    private static final String SERVICE_FILE = "META-INF/services/dev.apns.spi.Backend";

    @TempDir
    Path root;

    private final List<URLClassLoader> loaders = new ArrayList<>();
    private String savedProperty;

    @BeforeEach
    void rememberProperty() {
        savedProperty = System.getProperty(BackendSelector.PROPERTY);
        System.clearProperty(BackendSelector.PROPERTY);
        FakeBackends.reset();
    }

    @AfterEach
    void restoreProperty() throws IOException {
        if (savedProperty == null) {
            System.clearProperty(BackendSelector.PROPERTY);
        } else {
            System.setProperty(BackendSelector.PROPERTY, savedProperty);
        }
        for (URLClassLoader loader : loaders) {
            loader.close();
        }
    }

    @Test
    void highestPriorityAvailableBackendWins() throws IOException {
        ClassLoader loader = providers(LowBackend.class, HighBackend.class, AlphaBackend.class);

        Backend chosen = BackendSelector.select(null, loader);

        assertThat(chosen).isInstanceOf(HighBackend.class);
    }

    @Test
    void equalPrioritiesAreBrokenByClassNameWhateverTheServiceFileOrder() throws IOException {
        Backend first = BackendSelector.select(null, providers(BetaBackend.class, AlphaBackend.class));
        Backend second = BackendSelector.select(null, providers(AlphaBackend.class, BetaBackend.class));

        assertThat(first).isInstanceOf(AlphaBackend.class);
        assertThat(second).isInstanceOf(AlphaBackend.class);
    }

    @Test
    void backendsNotChosenAreClosedAndTheChosenOneIsNot() throws IOException {
        Backend chosen = BackendSelector.select(null, providers(LowBackend.class, HighBackend.class, NativeBackend.class));

        assertThat(FakeBackends.CREATED).hasSize(3);
        for (Fake fake : FakeBackends.CREATED) {
            assertThat(fake.isClosed()).as("%s closed", fake.name()).isEqualTo(fake != chosen);
        }
    }

    @Test
    void unavailableBackendIsPassedOverEvenWithTheHighestPriority() throws IOException {
        Backend chosen = BackendSelector.select(null, providers(NativeBackend.class, LowBackend.class));

        assertThat(chosen).isInstanceOf(LowBackend.class);
    }

    @Test
    void systemPropertyBeatsPriority() throws IOException {
        System.setProperty(BackendSelector.PROPERTY, "low");

        Backend chosen = BackendSelector.select(null, providers(LowBackend.class, HighBackend.class));

        assertThat(chosen).isInstanceOf(LowBackend.class);
    }

    @Test
    void nameGivenInCodeBeatsSystemProperty() throws IOException {
        System.setProperty(BackendSelector.PROPERTY, "low");

        Backend chosen = BackendSelector.select("alpha", providers(LowBackend.class, HighBackend.class, AlphaBackend.class));

        assertThat(chosen).isInstanceOf(AlphaBackend.class);
    }

    @Test
    void namesAreMatchedIgnoringCaseAndSurroundingSpaces() throws IOException {
        Backend chosen = BackendSelector.select(" LOW ", providers(LowBackend.class, HighBackend.class));

        assertThat(chosen).isInstanceOf(LowBackend.class);
    }

    @Test
    void unknownNameListsWhatWasFoundAndHowToChoose() throws IOException {
        ClassLoader loader = providers(LowBackend.class, NativeBackend.class);

        assertThatThrownBy(() -> BackendSelector.select("netty", loader))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("No APNs backend named 'netty' (given in code)")
                .hasMessageContaining("'low' (" + LowBackend.class.getName() + ", priority 3, available)")
                .hasMessageContaining("'native' (" + NativeBackend.class.getName() + ", priority 9, unavailable)")
                .hasMessageContaining("-Dapns.backend=<name>")
                .hasMessageContaining("ApnsSession.builder().backend(\"<name>\")");
        assertThat(FakeBackends.CREATED).allMatch(Fake::isClosed);
    }

    @Test
    void unknownNameFromSystemPropertySaysWhereTheNameCameFrom() throws IOException {
        System.setProperty(BackendSelector.PROPERTY, "nety");
        ClassLoader loader = providers(LowBackend.class);

        assertThatThrownBy(() -> BackendSelector.select(null, loader))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("No APNs backend named 'nety' (given by the system property apns.backend)");
    }

    @Test
    void namedBackendThatIsUnavailableFailsWithItsReason() throws IOException {
        ClassLoader loader = providers(LowBackend.class, NativeBackend.class);

        assertThatThrownBy(() -> BackendSelector.select("native", loader))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("The APNs backend 'native' (given in code) is not available here: "
                        + NativeBackend.REASON)
                .hasMessageContaining("Available instead: low.");
        assertThat(FakeBackends.CREATED).allMatch(Fake::isClosed);
    }

    @Test
    void noBackendAtAllTellsWhichArtifactToAdd() throws IOException {
        ClassLoader loader = providersNamed();

        assertThatThrownBy(() -> BackendSelector.select(null, loader))
                .isInstanceOf(BackendException.class)
                .hasMessageStartingWith("No APNs backend found on the class path. Add a dependency on "
                        + "dev.apns:apns-backend-blocking (JSSE, no further dependencies)");
    }

    @Test
    void allUnavailableListsEachReason() throws IOException {
        ClassLoader loader = providers(NativeBackend.class, OtherNativeBackend.class);

        assertThatThrownBy(() -> BackendSelector.select(null, loader))
                .isInstanceOf(BackendException.class)
                .hasMessageStartingWith("No APNs backend is available here.")
                .hasMessageContaining("'native' (" + NativeBackend.class.getName() + "): " + NativeBackend.REASON)
                .hasMessageContaining("'other-native' (" + OtherNativeBackend.class.getName() + "): "
                        + OtherNativeBackend.REASON)
                .hasMessageContaining("dev.apns:apns-backend-blocking");
        assertThat(FakeBackends.CREATED).allMatch(Fake::isClosed);
    }

    @Test
    void providerThatThrowsInItsConstructorDoesNotHideAGoodOne() throws IOException {
        Backend chosen = BackendSelector.select(null, providers(ExplodingBackend.class, LowBackend.class));

        assertThat(chosen).isInstanceOf(LowBackend.class);
    }

    @Test
    void providerThatThrowsInItsConstructorIsNamedWithItsErrorWhenNothingElseWorks() throws IOException {
        ClassLoader loader = providers(ExplodingBackend.class);

        BackendException failure = catchThrowableOfType(BackendException.class,
                () -> BackendSelector.select(null, loader));

        assertThat(failure).hasMessageStartingWith("No APNs backend found on the class path.")
                .hasMessageContaining("One provider is broken and was skipped")
                .hasMessageContaining(ExplodingBackend.class.getName())
                .hasMessageContaining("The exploding backend cannot start.");
        assertThat(failure.getSuppressed()).hasSize(1);
        assertThat(failure.getSuppressed()[0]).isInstanceOf(java.util.ServiceConfigurationError.class);
    }

    @Test
    void missingProviderClassAndThrowingProbeAreSkippedAndReported() throws IOException {
        ClassLoader loader = providersNamed("org.example.NotThere", ThrowingProbeBackend.class.getName(),
                NativeBackend.class.getName());

        assertThatThrownBy(() -> BackendSelector.select(null, loader))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("2 providers are broken and were skipped")
                .hasMessageContaining("org.example.NotThere")
                .hasMessageContaining("Provider " + ThrowingProbeBackend.class.getName() + " failed in availability()")
                .hasMessageContaining("The probe of throwing-probe failed.")
                .hasMessageContaining(NativeBackend.REASON);
        assertThat(FakeBackends.CREATED).allMatch(Fake::isClosed);
    }

    @Test
    void brokenProviderDoesNotPreventSelectingAnotherByName() throws IOException {
        ClassLoader loader = providersNamed("org.example.NotThere", ExplodingBackend.class.getName(),
                LowBackend.class.getName(), HighBackend.class.getName());

        Backend chosen = BackendSelector.select("low", loader);

        assertThat(chosen).isInstanceOf(LowBackend.class);
    }

    private ClassLoader providers(Class<?>... types) throws IOException {
        return providersNamed(Arrays.stream(types).map(FakeBackends::serviceName).toArray(String[]::new));
    }

    /** A class loader over a fresh directory holding a service file listing {@code classNames}. */
    private ClassLoader providersNamed(String... classNames) throws IOException {
        Path dir = Files.createTempDirectory(root, "providers");
        Path file = dir.resolve(SERVICE_FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# fixture\n" + String.join("\n", classNames) + "\n", StandardCharsets.UTF_8);
        URLClassLoader loader = new URLClassLoader(new URL[] {toUrl(dir)}, getClass().getClassLoader());
        loaders.add(loader);
        return loader;
    }

    private static URL toUrl(Path dir) throws MalformedURLException {
        return dir.toUri().toURL();
    }
}
