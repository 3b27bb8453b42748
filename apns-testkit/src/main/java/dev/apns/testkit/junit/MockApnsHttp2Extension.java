package dev.apns.testkit.junit;

import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

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
 * on, so clients can be configured before the server starts. Thread-safe once started. For the binary protocol's
 * mock, see {@link MockApnsExtension}.
 */
public final class MockApnsHttp2Extension extends MockServerExtension<MockApnsHttp2Server> {
    private final TestCertificates certificates;
    private final TestSigningKey signingKey;
    private final Set<String> topics;
    private final UnaryOperator<MockApnsHttp2Server.Builder> configuration;

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

    /** The certificates: the authority clients trust and the server's certificate. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** The signing key the server accepts provider tokens from. */
    public TestSigningKey signingKey() {
        return signingKey;
    }

    @Override
    MockApnsHttp2Server start() {
        MockApnsHttp2Server.Builder builder = configuration.apply(MockApnsHttp2Server.builder(certificates));
        if (builder == null) {
            throw noBuilder("MockApnsHttp2Extension");
        }
        MockApnsHttp2Server started = builder.start();
        signingKey.register(started, topics);
        return started;
    }

    @Override
    void reset(MockApnsHttp2Server server) {
        server.reset();
    }

    @Override
    void stop(MockApnsHttp2Server server) {
        server.close();
    }

    @Override
    String serverName() {
        return "mock HTTP/2 APNs server";
    }
}
