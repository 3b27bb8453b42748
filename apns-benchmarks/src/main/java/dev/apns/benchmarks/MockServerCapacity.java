package dev.apns.benchmarks;

import dev.apns.protocol.binary.NotificationEncoder;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * How many notifications per second apns-mock's mock APNs server parses, so that benchmarks of the SDK
 * can show the server is not what limits them. Raw JSSE clients write pre-encoded frames (command 2, a
 * 32-byte token, a 100-byte payload) as fast as they can over TLS on 127.0.0.1; the server parses and
 * counts every notification without recording it. Clients run in the same JVM, so the figure is a lower
 * bound of the server's capacity.
 *
 * <p>Arguments: {@code [connections=1] [notificationsPerConnection=2000000]}.
 */
public final class MockServerCapacity {
    private MockServerCapacity() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int perConnection = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        byte[] payload = Payloads.realistic().getBytes(StandardCharsets.UTF_8);
        int frameSize = NotificationEncoder.frameSize(32, payload.length, true, true);
        int framesPerChunk = 65_536 / frameSize;
        ByteBuffer chunk = ByteBuffer.allocate(framesPerChunk * frameSize);
        byte[] token = new byte[32];
        for (int i = 0; i < framesPerChunk; i++) {
            token[31] = (byte) i;
            NotificationEncoder.writeFrame(chunk, i + 1, token, payload, 0, 10);
        }
        byte[] bytes = chunk.array();
        int chunks = Math.max(1, perConnection / framesPerChunk);
        long total = (long) chunks * framesPerChunk * connections;

        TestCertificates pki = TestCertificates.create();
        try (MockApnsServer server = MockApnsServer.builder(pki).recordAccepted(false).start()) {
            SSLContext context = pki.client("capacity").sslContext(pki.authority().certificate());
            List<SSLSocket> sockets = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.gateway().port());
                socket.startHandshake();
                sockets.add(socket);
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (SSLSocket socket : sockets) {
                Thread writer = new Thread(() -> {
                    try {
                        start.await();
                        OutputStream out = socket.getOutputStream();
                        for (int i = 0; i < chunks; i++) {
                            out.write(bytes);
                        }
                        out.flush();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "capacity-writer");
                writer.start();
                writers.add(writer);
            }
            long began = System.nanoTime();
            start.countDown();
            if (!server.awaitAccepted(total, Duration.ofMinutes(5))) {
                throw new IllegalStateException("The server accepted only " + server.acceptedCount() + " of " + total);
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            for (Thread writer : writers) {
                writer.join();
            }
            for (SSLSocket socket : sockets) {
                socket.close();
            }
            System.out.printf("mock server capacity: %d connection(s), %,d notifications of %d bytes in %.2f s = %,.0f notifications/s (%s)%n",
                    connections, total, frameSize, seconds, total / seconds, sockets.get(0).getSession().getProtocol());
        }
    }
}
