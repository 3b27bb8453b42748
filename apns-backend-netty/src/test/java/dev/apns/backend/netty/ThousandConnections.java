package dev.apns.backend.netty;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The scale scenario of the Netty backend: one {@link NettyBackend} (its own event-loop group, twice the
 * cores) carries one connection per app, each app with its own EC client certificate, to one in-process
 * {@link MockApnsServer}, through one {@link ApnsSession} that sends a few notifications per app from a pool
 * of sender threads; then the session and the backend are closed. Used by {@link ThousandConnectionsTest},
 * and runnable on its own to look at the process while every connection is open:
 *
 * <pre>
 * java -cp ... dev.apns.backend.netty.ThousandConnections [connections] [seconds to hold them open] [portable]
 * </pre>
 *
 * where {@code portable} runs the backend on NIO and the JDK's TLS instead of epoll and OpenSSL.
 *
 * Not thread-safe; one run at a time.
 */
final class ThousandConnections {
    static final int NOTIFICATIONS_PER_APP = 5;
    private static final int SENDER_THREADS = 64;

    /** What a run saw; heap figures are bytes used after a collection, and include the in-process mock server. */
    record Report(int connections, String transport, String tls, int eventLoopThreads, List<String> eventLoopThreadNames,
                  long accepted, int serverOpenWhileOpen, int sessionOpenWhileOpen, int distinctClientSubjects,
                  List<Result> results, long heapBefore, long heapOpen, long heapAfter, long nettyDirectOpen,
                  int serverOpenAfterClose, List<String> threadsLeftAfterClose, Duration issuing, Duration sending,
                  Duration whole) {

        String describe() {
            return String.format(Locale.ROOT, "Netty backend, %d connections (%s transport, %s TLS): %d event-loop threads "
                            + "%s; heap used %.1f MiB before, %.1f MiB with all open (+%.1f MiB, %.1f KiB per connection, "
                            + "in-process mock server included), %.1f MiB after close; Netty direct memory %.1f MiB while "
                            + "open; %d certificates issued in %.1f s, all connected and sent in %.1f s, whole run %.1f s; "
                            + "after close: server open connections %d, apns-netty threads left %s",
                    connections, transport, tls, eventLoopThreads, eventLoopThreadNames, mib(heapBefore), mib(heapOpen),
                    mib(heapOpen - heapBefore), (heapOpen - heapBefore) / 1024.0 / connections, mib(heapAfter),
                    mib(nettyDirectOpen), connections, issuing.toMillis() / 1e3, sending.toMillis() / 1e3,
                    whole.toMillis() / 1e3, serverOpenAfterClose, threadsLeftAfterClose);
        }
    }

    private ThousandConnections() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Duration hold = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 0);
        boolean portable = args.length > 2 && args[2].equals("portable");
        System.out.println(run(connections, hold, portable).describe());
    }

    /**
     * Runs the scenario; {@code hold} keeps every connection open that long once all are (0: not at all);
     * {@code portable} keeps the backend off epoll and OpenSSL.
     */
    static Report run(int connections, Duration hold, boolean portable) throws Exception {
        long started = System.nanoTime();
        TestCertificates pki = TestCertificates.create();
        List<Credentials> apps = issue(pki, connections);
        long issued = System.nanoTime();
        List<DeviceToken> tokens = IntStream.rangeClosed(1, NOTIFICATIONS_PER_APP)
                .mapToObj(i -> DeviceToken.fromHex(String.format("%064x", i))).toList();
        Message message = Message.builder().tokens(tokens).alert("hello").build();

        try (MockApnsServer server = MockApnsServer.builder(pki).recordAccepted(false).start()) {
            long heapBefore = usedHeapAfterGc();
            NettyBackend backend = portable
                    ? NettyBackend.builder().nativeTransport(false).openSsl(false).build()
                    : new NettyBackend();
            ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                    .backend(backend)
                    .credentials(apps.get(0))
                    .gateway(server.gateway())
                    .trust(Trust.fromPem(server.authorityPem()))
                    .connectTimeout(Duration.ofSeconds(20))
                    // No notification is rejected here, so the quiet period only paces each send.
                    .confirmation(Confirmation.quietPeriod(Duration.ofMillis(50)))
                    .build();
            List<Result> results;
            long sent;
            long accepted;
            int serverOpen;
            int sessionOpen;
            int subjects;
            List<String> eventLoops;
            long heapOpen;
            long nettyDirect;
            String transport;
            String tls;
            try {
                results = sendForEveryApp(session, apps, message);
                sent = System.nanoTime();
                server.awaitAccepted((long) connections * NOTIFICATIONS_PER_APP, Duration.ofSeconds(10));
                accepted = server.acceptedCount();
                serverOpen = server.openConnections();
                sessionOpen = session.openConnections();
                subjects = new HashSet<>(server.clientSubjects()).size();
                eventLoops = NettyBackendTest.nettyThreads();
                transport = backend.runtimeIfStarted().transport();
                tls = backend.runtimeIfStarted().tlsProvider();
                heapOpen = usedHeapAfterGc();
                nettyDirect = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
                if (!hold.isZero()) {
                    System.out.println("All " + connections + " connections are open; holding them for " + hold + ".");
                    TimeUnit.MILLISECONDS.sleep(hold.toMillis());
                }
            } finally {
                session.close();
                backend.close();
            }
            server.awaitUntil(s -> s.openConnections() == 0, Duration.ofSeconds(10));
            int serverOpenAfter = server.openConnections();
            List<String> left = NettyBackendTest.nettyThreadsStillAliveAfter(Duration.ofSeconds(5));
            long heapAfter = usedHeapAfterGc();
            return new Report(connections, transport, tls, eventLoops.size(), eventLoops, accepted, serverOpen,
                    sessionOpen, subjects, results, heapBefore, heapOpen, heapAfter, nettyDirect, serverOpenAfter, left,
                    Duration.ofNanos(issued - started), Duration.ofNanos(sent - issued),
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** EC certificates are quick to make; both cores make them. */
    private static List<Credentials> issue(TestCertificates pki, int count) {
        return IntStream.range(0, count).parallel()
                .mapToObj(i -> pki.client(String.format("com.example.app%04d", i), KeyType.EC).credentials())
                .toList();
    }

    private static List<Result> sendForEveryApp(ApnsSession session, List<Credentials> apps, Message message)
            throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(SENDER_THREADS);
        try {
            List<Future<Result>> pending = new ArrayList<>(apps.size());
            for (Credentials app : apps) {
                pending.add(senders.submit(() -> session.send(app, message)));
            }
            List<Result> results = new ArrayList<>(apps.size());
            for (Future<Result> result : pending) {
                results.add(result.get(50, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            senders.shutdownNow();
            if (!senders.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The sender threads did not stop within 5 s.");
            }
        }
    }

    /** Heap in use after asking for a collection (twice, so that garbage waiting for reference processing goes too). */
    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(100); // a measurement settling, not a wait for a state
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
