package dev.apns.testkit.junit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle both mock-server extensions share. Registered on a static field, one server serves the whole class:
 * started before all tests, reset before each, closed after all. Registered on an instance field, each test gets a
 * fresh server that is closed after it.
 *
 * @param <S> the server's type
 */
abstract class MockServerExtension<S> implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    private volatile S server;
    private volatile boolean perTest;

    MockServerExtension() {
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException outside the tests of the class that registered the extension
     */
    public S server() {
        S current = server;
        if (current == null) {
            throw new IllegalStateException("The " + serverName() + " is not running; it runs while the tests of the "
                    + "class that registered this extension run.");
        }
        return current;
    }

    /** Starts a server as configured. */
    abstract S start();

    /** Clears what the previous test scripted and observed. */
    abstract void reset(S server);

    /** Closes the server. */
    abstract void stop(S server);

    /** What the server is called in messages. */
    abstract String serverName();

    @Override
    public void beforeAll(ExtensionContext context) {
        server = start();
        perTest = false;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        S current = server;
        if (current == null) {
            server = start();
            perTest = true;
        } else {
            reset(current);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stopServer();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopServer();
    }

    /** A configuration function returned no builder. */
    static IllegalStateException noBuilder(String extension) {
        return new IllegalStateException("The " + extension + " configuration returned no builder; return the one it "
                + "was given.");
    }

    private void stopServer() {
        S current = server;
        server = null;
        if (current != null) {
            stop(current);
        }
    }
}
