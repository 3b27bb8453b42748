package dev.apns.backend.conscrypt;

import dev.apns.Endpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A JSSE server on 127.0.0.1 that only handshakes, with a server identity and protocols the mock APNs
 * server does not offer (a certificate for another host, TLS 1.2 only), for tests of what the client
 * accepts. Each connection is handshaken on the acceptor thread and then held open until {@link #close()};
 * failed handshakes are recorded. Thread-safe.
 */
final class HandshakeOnlyServer implements AutoCloseable {
    private final SSLServerSocket listener;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final List<IOException> failedHandshakes = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    HandshakeOnlyServer(SSLContext context, String... protocols) throws IOException {
        listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(true);
        if (protocols.length > 0) {
            listener.setEnabledProtocols(protocols);
        }
        acceptor = new Thread(this::acceptAndHandshake, "handshake-only-server-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", listener.getLocalPort());
    }

    /** The handshakes that failed on the server's side, in order. */
    List<IOException> failedHandshakes() {
        return List.copyOf(failedHandshakes);
    }

    private void acceptAndHandshake() {
        while (!listener.isClosed()) {
            SSLSocket socket;
            try {
                socket = (SSLSocket) listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    failedHandshakes.add(e);
                }
                return; // the listener is closed or broken: nothing more to accept
            }
            held.add(socket);
            try {
                socket.startHandshake();
            } catch (IOException refused) {
                failedHandshakes.add(refused);
            }
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
        for (Socket socket : held) {
            socket.close();
        }
        acceptor.join(1_000);
    }
}
