package dev.apns.internal.session;

import dev.apns.Credentials;
import dev.apns.spi.Availability;
import dev.apns.spi.Backend;
import dev.apns.spi.Certificate;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Small {@link Backend}s for selector tests, named in fixture service files by their binary names. Each
 * instance records itself so tests can check which ones were closed. Not thread-safe across tests: the
 * registry is cleared before each test.
 */
final class FakeBackends {
    /** Every fake instantiated since the last {@link #reset()}. */
    static final List<Fake> CREATED = new CopyOnWriteArrayList<>();

    private FakeBackends() {
    }

    static void reset() {
        CREATED.clear();
    }

    /** The binary name ServiceLoader needs for a nested class. */
    static String serviceName(Class<?> type) {
        return type.getName();
    }

    /** A backend that is discovered, never connected. */
    public abstract static class Fake implements Backend {
        private final String name;
        private final int priority;
        private final Availability availability;
        private volatile boolean closed;

        Fake(String name, int priority, Availability availability) {
            this.name = name;
            this.priority = priority;
            this.availability = availability;
            CREATED.add(this);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Availability availability() {
            return availability;
        }

        @Override
        public Certificate certificate(Credentials credentials) {
            throw new UnsupportedOperationException("A fake backend makes no certificates.");
        }

        @Override
        public Connection connect(ConnectRequest request, Connection.Listener listener) {
            throw new UnsupportedOperationException("A fake backend opens no connections.");
        }

        @Override
        public void close() {
            closed = true;
        }

        boolean isClosed() {
            return closed;
        }
    }

    public static final class LowBackend extends Fake {
        public LowBackend() {
            super("low", 3, Availability.available());
        }
    }

    public static final class HighBackend extends Fake {
        public HighBackend() {
            super("high", 7, Availability.available());
        }
    }

    public static final class AlphaBackend extends Fake {
        public AlphaBackend() {
            super("alpha", 5, Availability.available());
        }
    }

    public static final class BetaBackend extends Fake {
        public BetaBackend() {
            super("beta", 5, Availability.available());
        }
    }

    /** The highest priority, but unusable here. */
    public static final class NativeBackend extends Fake {
        static final String REASON = "The native library libfake does not load on linux-sparc.";

        public NativeBackend() {
            super("native", 9, Availability.unavailable(REASON));
        }
    }

    public static final class OtherNativeBackend extends Fake {
        static final String REASON = "The class org.example.Missing is not on the class path.";

        public OtherNativeBackend() {
            super("other-native", 8, Availability.unavailable(REASON));
        }
    }

    /** A provider whose constructor fails, as when a jar misses a dependency. */
    public static final class ExplodingBackend extends Fake {
        public ExplodingBackend() {
            super("exploding", 10, Availability.available());
            throw new IllegalStateException("The exploding backend cannot start.");
        }
    }

    /** A provider that breaks the discovery contract by throwing from availability(). */
    public static final class ThrowingProbeBackend extends Fake {
        public ThrowingProbeBackend() {
            super("throwing-probe", 10, Availability.available());
        }

        @Override
        public Availability availability() {
            throw new IllegalStateException("The probe of throwing-probe failed.");
        }
    }
}
