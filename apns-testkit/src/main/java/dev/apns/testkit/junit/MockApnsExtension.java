package dev.apns.testkit.junit;

import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A JUnit 5 extension that runs a binary-protocol {@link MockApnsServer} with its own {@link TestCertificates}.
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
 * construction on, so clients can be configured before the server starts. Thread-safe once started. For the
 * HTTP/2 mock, see {@link MockApnsHttp2Extension}.
 */
public final class MockApnsExtension extends MockServerExtension<MockApnsServer> {
    private final TestCertificates certificates;
    private final UnaryOperator<MockApnsServer.Builder> configuration;

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

    /** The certificates: the authority clients trust, the server's certificate, and client certificates to issue. */
    public TestCertificates certificates() {
        return certificates;
    }

    @Override
    MockApnsServer start() {
        MockApnsServer.Builder builder = configuration.apply(MockApnsServer.builder(certificates));
        if (builder == null) {
            throw noBuilder("MockApnsExtension");
        }
        return builder.start();
    }

    @Override
    void reset(MockApnsServer server) {
        server.reset();
    }

    @Override
    void stop(MockApnsServer server) {
        server.close();
    }

    @Override
    String serverName() {
        return "mock APNs server";
    }
}
