package dev.apns.backend.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.Trust;
import dev.apns.spi.Backend;
import dev.apns.spi.ConnectFailure;
import dev.apns.spi.ConnectRequest;
import dev.apns.spi.Connection;
import dev.apns.spi.Feature;
import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.testkit.RecordingListener;
import dev.apns.mock.credentials.TestCertificates;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * The backend as a whole, against apns-mock's mock APNs server: discovery, availability, the event-loop
 * group it makes or is given, and what its close leaves behind.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NettyBackendTest {
    private static final Duration GENEROUS = Duration.ofSeconds(5);

    private static TestCertificates certs;
    private static MockApnsServer server;
    private static Trust trust;

    @BeforeAll
    static void startServer() {
        certs = TestCertificates.create();
        server = MockApnsServer.builder(certs).start();
        trust = Trust.fromPem(server.authorityPem());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void resetServer() {
        server.reset();
    }

    @Test
    void declaresItsNamePriorityAvailabilityFeaturesAndCertificateSubject() {
        NettyBackend backend = new NettyBackend();

        assertThat(backend.name()).isEqualTo("netty");
        assertThat(backend.priority()).isEqualTo(7);
        assertThat(backend.availability().isAvailable()).isTrue();
        assertThat(backend.features()).containsExactlyInAnyOrder(Feature.TLS_1_3, Feature.WRITE_TIMEOUT,
                Feature.HANDSHAKE_TIMEOUT, Feature.ALPN, Feature.PROXY);
        assertThat(backend.certificate(certs.client("provider", KeyType.EC).credentials()).toString())
                .contains("CN=provider");
        backend.close();
    }

    @Test
    void discoveryCreatesNoEventLoopAndNoThread() {
        List<String> before = nettyThreads();

        NettyBackend backend = new NettyBackend();
        backend.name();
        backend.priority();
        backend.availability();
        backend.features();
        backend.certificate(certs.client("provider", KeyType.EC).credentials());

        assertThat(backend.runtimeIfStarted()).isNull();
        assertThat(nettyThreads()).isEqualTo(before);
        backend.close();
        assertThat(backend.runtimeIfStarted()).isNull();
    }

    @Test
    void withoutNettyOnTheClassPathServiceLoaderStillFindsItAndItReportsItselfUnavailable() throws Exception {
        // A class loader that sees this module, core and SLF4J, but no Netty.
        List<URL> urls = new ArrayList<>();
        for (Class<?> type : List.of(NettyBackend.class, Backend.class, org.slf4j.LoggerFactory.class,
                org.slf4j.simple.SimpleLogger.class)) {
            urls.add(type.getProtectionDomain().getCodeSource().getLocation());
        }
        try (URLClassLoader withoutNetty = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            assertThat(catchingLoad(withoutNetty, "io.netty.channel.Channel")).isEmpty();
            Class<?> backendInterface = Class.forName(Backend.class.getName(), false, withoutNetty);

            List<?> found = ServiceLoader.load(backendInterface, withoutNetty).stream()
                    .map(ServiceLoader.Provider::get).toList();

            assertThat(found).singleElement().satisfies(backend -> {
                assertThat(backend.getClass().getName()).isEqualTo(NettyBackend.class.getName());
                Object availability = call(backendInterface, backend, "availability");
                assertThat(call(availability.getClass(), availability, "isAvailable")).isEqualTo(false);
                assertThat((Optional<?>) call(availability.getClass(), availability, "reason"))
                        .hasValueSatisfying(text -> assertThat(text.toString())
                                .startsWith("The Netty backend needs Netty 4.2 or newer on the class path")
                                .contains("io.netty"));
                assertThat(call(backendInterface, backend, "name")).isEqualTo("netty");
                assertThat(call(backendInterface, backend, "priority")).isEqualTo(7);
                call(backendInterface, backend, "close");
            });
        }
    }

    /** Calls a method found on {@code type} (an SPI type of the other class loader), never on the backend class. */
    private static Object call(Class<?> type, Object target, String method) {
        try {
            return type.getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Calling " + method + " failed.", e);
        }
    }

    @Test
    void itsOwnEventLoopGroupHasTwiceAsManyThreadsAsProcessors() throws Exception {
        try (NettyBackend backend = new NettyBackend()) {
            backend.connect(request(backend), new RecordingListener());

            assertThat(backend.runtimeIfStarted().eventLoopThreads())
                    .isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void aGivenEventLoopGroupCarriesTheConnectionsAndOutlivesTheBackend() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("user-loop", true),
                NioIoHandler.newFactory());
        try {
            NettyBackend backend = NettyBackend.builder().eventLoopGroup(group).build();
            RecordingListener listener = new RecordingListener();
            Connection connection = backend.connect(request(backend), listener);
            server.rejectNotification(1, dev.apns.Status.of(8));
            connection.write(ByteBuffer.wrap(frame(1)));

            assertThat(listener.awaitBytes(6, GENEROUS)).hasSize(6);
            assertThat(listener.dataThread()).startsWith("user-loop");
            assertThat(backend.runtimeIfStarted().transport()).isEqualTo("nio (given group)");

            backend.close();

            assertThat(group.isShuttingDown()).isFalse();
            assertThat(group.submit(() -> "still running").get(1, TimeUnit.SECONDS)).isEqualTo("still running");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(2, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGivenGroupOfAnotherTransportIsRefused() throws Exception {
        EventLoopGroup local = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        try {
            assertThatThrownBy(() -> NettyBackend.builder().eventLoopGroup(local))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NIO or epoll");
        } finally {
            local.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(2, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTimedOutHandshakeLeavesNoThreadBehindOnceTheBackendCloses() throws Exception {
        NettyBackend backend = new NettyBackend();
        server.stallHandshakes(true);
        ConnectRequest request = new ConnectRequest(server.gateway(),
                backend.certificate(certs.client("stalled", KeyType.EC).credentials()), trust, Duration.ofMillis(200),
                GENEROUS);

        assertThatThrownBy(() -> backend.connect(request, new RecordingListener()))
                .isInstanceOf(ConnectFailure.class)
                .satisfies(e -> assertThat(((ConnectFailure) e).kind()).isEqualTo(ConnectFailure.Kind.TIMED_OUT));

        backend.close();
        assertThat(nettyThreadsStillAliveAfter(Duration.ofSeconds(3))).isEmpty();
    }

    private static ConnectRequest request(NettyBackend backend) {
        return new ConnectRequest(server.gateway(), backend.certificate(certs.client("provider", KeyType.EC).credentials()),
                trust, GENEROUS, GENEROUS);
    }

    /** A command-2 notification with identifier {@code id}, written by hand to stay independent of core's encoder. */
    private static byte[] frame(int id) {
        byte[] payload = "{\"aps\":{}}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer frame = ByteBuffer.allocate(5 + 3 + 32 + 3 + payload.length + 3 + 4);
        frame.put((byte) 2).putInt(3 + 32 + 3 + payload.length + 3 + 4);
        frame.put((byte) 1).putShort((short) 32).put(new byte[32]);
        frame.put((byte) 2).putShort((short) payload.length).put(payload);
        frame.put((byte) 3).putShort((short) 4).putInt(id);
        return frame.array();
    }

    private static Optional<Class<?>> catchingLoad(ClassLoader loader, String name) {
        try {
            return Optional.of(Class.forName(name, false, loader));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    static List<String> nettyThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("apns-netty")).sorted().toList();
    }

    /** Threads named apns-netty* still alive after waiting for each of them up to a shared deadline. */
    static List<String> nettyThreadsStillAliveAfter(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("apns-netty")) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
                if (thread.isAlive()) {
                    alive.add(thread.getName());
                }
            }
        }
        return alive;
    }
}
