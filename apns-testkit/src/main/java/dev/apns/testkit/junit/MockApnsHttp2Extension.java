package dev.apns.testkit.h2;

import dev.apns.testkit.TestCertificates;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A JUnit 5 extension that runs a {@link MockApnsHttp2Server} with its own {@link TestCertificates} and a
 * {@link TestSigningKey} registered for {@code com.example.app} (or the topics given).
 *
 * <pre>{@code
 * @RegisterExtension
 * static MockApnsHttp2Extension apns = new MockApnsHttp2Extension();
 * }</pre>
 *
 * On a static field one server serves the class: started before all tests, {@linkplain MockApnsHttp2Server#reset()
 * reset} before each, closed after all. On an instance field each test gets a fresh server, closed after it. A reset
 * keeps connections, registered keys and certificate topics. The certificates and the key exist from construction
 * on, so clients can be configured before the server starts. Thread-safe once started.
 */
public final class MockApnsHttp2Extension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    private final TestCertificates certificates;
    private final TestSigningKey signingKey;
    private final Set<String> topics;
    private final UnaryOperator<MockApnsHttp2Server.Builder> configuration;
    private volatile MockApnsHttp2Server server;
    private volatile boolean perTest;

    /** An extension with a new authority, a new signing key for {@code com.example.app} and default settings. */
    public MockApnsHttp2Extension() {
        this(Set.of("com.example.app"), UnaryOperator.identity());
    }

    /** An extension whose key may send to {@code topics} and whose server {@code configuration} configures. */
    public MockApnsHttp2Extension(Set<String> topics, UnaryOperator<MockApnsHttp2Server.Builder> configuration) {
        this.certificates = TestCertificates.create();
        this.signingKey = TestSigningKey.generate();
        this.topics = Set.copyOf(topics);
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException outside the tests of the class that registered the extension
     */
    public MockApnsHttp2Server server() {
        MockApnsHttp2Server current = server;
        if (current == null) {
            throw new IllegalStateException("The mock HTTP/2 APNs server is not running; it runs while the tests of the "
                    + "class that registered this extension run.");
        }
        return current;
    }

    /** The certificates: the authority clients trust and the server's certificate. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** The signing key the server accepts provider tokens from. */
    public TestSigningKey signingKey() {
        return signingKey;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = start();
        perTest = false;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        MockApnsHttp2Server current = server;
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

    private MockApnsHttp2Server start() {
        MockApnsHttp2Server.Builder builder = configuration.apply(MockApnsHttp2Server.builder(certificates));
        if (builder == null) {
            throw new IllegalStateException("The MockApnsHttp2Extension configuration returned no builder; return the "
                    + "one it was given.");
        }
        MockApnsHttp2Server started = builder.start();
        signingKey.register(started, topics);
        return started;
    }

    private void stop() {
        MockApnsHttp2Server current = server;
        server = null;
        if (current != null) {
            current.close();
        }
    }
}
