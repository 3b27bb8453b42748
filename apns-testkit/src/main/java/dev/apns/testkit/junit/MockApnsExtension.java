package dev.apns.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A JUnit 5 extension that runs a {@link MockApnsServer} with its own {@link TestCertificates}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static MockApnsExtension apns = new MockApnsExtension();
 * }</pre>
 *
 * Registered on a static field, one server serves the whole class: started before all tests,
 * {@linkplain MockApnsServer#reset() reset} before each, closed after all. Registered on an instance field,
 * each test gets a fresh server that is closed after it. A reset does not close connections, so close your
 * clients at the end of each test (or call {@link MockApnsServer#disconnectAll()}). The certificates exist from
 * construction on, so clients can be configured before the server starts. Thread-safe once started.
 */
public final class MockApnsExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    private final TestCertificates certificates;
    private final UnaryOperator<MockApnsServer.Builder> configuration;
    private volatile MockApnsServer server;
    private volatile boolean perTest;

    /** An extension with a new authority and a server with default settings. */
    public MockApnsExtension() {
        this(TestCertificates.create(), UnaryOperator.identity());
    }

    /** An extension whose server is configured by {@code configuration} (ports, client certificates, ...). */
    public MockApnsExtension(UnaryOperator<MockApnsServer.Builder> configuration) {
        this(TestCertificates.create(), configuration);
    }

    /** An extension using the given certificates and configuration. */
    public MockApnsExtension(TestCertificates certificates, UnaryOperator<MockApnsServer.Builder> configuration) {
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException outside the tests of the class that registered the extension
     */
    public MockApnsServer server() {
        MockApnsServer current = server;
        if (current == null) {
            throw new IllegalStateException("The mock APNs server is not running; it runs while the tests of the class "
                    + "that registered this extension run.");
        }
        return current;
    }

    /** The certificates: the authority clients trust, the server's certificate, and client certificates to issue. */
    public TestCertificates certificates() {
        return certificates;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = start();
        perTest = false;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        MockApnsServer current = server;
        if (current == null) {
            server = start();
            perTest = true;
        } else {
            current.reset();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private MockApnsServer start() {
        MockApnsServer.Builder builder = configuration.apply(MockApnsServer.builder(certificates));
        if (builder == null) {
            throw new IllegalStateException("The MockApnsExtension configuration returned no builder; return the one "
                    + "it was given.");
        }
        return builder.start();
    }

    private void stop() {
        MockApnsServer current = server;
        server = null;
        if (current != null) {
            current.close();
        }
    }
}
