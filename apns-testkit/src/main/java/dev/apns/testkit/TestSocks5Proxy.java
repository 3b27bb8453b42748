package dev.apns.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A small SOCKS5 proxy on 127.0.0.1 (RFC 1928, CONNECT only) that relays bytes both ways, for testing clients
 * that connect through SOCKS. It records the authentication methods each client offered, the user it
 * authenticated as, and the target it asked for ({@link #nextRequest(Duration)}); it can require username and
 * password authentication (RFC 1929), refuse every CONNECT with a reply code of the test's choosing, or stall.
 * Only loopback targets are relayed (see {@link TestProxyServer}); others get reply 2, "not allowed".
 *
 * <p>Thread-safe; the behaviour may be changed between connections.
 */
public final class TestSocks5Proxy extends TestProxyServer {
    private static final int NO_AUTHENTICATION = 0x00;
    private static final int USERNAME_PASSWORD = 0x02;

    /**
     * One client's exchange as the proxy saw it.
     *
     * @param offeredMethods the authentication methods the client offered, in its order
     * @param username the user it authenticated as; empty without authentication
     * @param targetHost the target's host, as sent (a name, or an IP literal)
     * @param targetPort the target's port
     */
    public record Request(List<Integer> offeredMethods, Optional<String> username, String targetHost, int targetPort) {
        /** Checks and copies the components. */
        public Request {
            offeredMethods = List.copyOf(offeredMethods);
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(targetHost, "targetHost");
        }
    }

    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private volatile String requiredUser;
    private volatile String requiredPassword;
    private volatile int replyCode;
    private volatile boolean stalling;

    private TestSocks5Proxy() throws IOException {
        super();
    }

    /** A relaying proxy without authentication, accepting on 127.0.0.1. */
    public static TestSocks5Proxy start() throws IOException {
        TestSocks5Proxy proxy = new TestSocks5Proxy();
        proxy.startAccepting();
        return proxy;
    }

    /** Accepts only clients that authenticate with this username and password (RFC 1929). */
    public TestSocks5Proxy requireUsernamePassword(String user, String password) {
        requiredUser = Objects.requireNonNull(user, "user");
        requiredPassword = Objects.requireNonNull(password, "password");
        return this;
    }

    /** Answers every CONNECT with this failure code (1 to 8 per RFC 1928 §6) instead of relaying. */
    public TestSocks5Proxy replyWith(int code) {
        if (code < 1 || code > 255) {
            throw new IllegalArgumentException("A SOCKS5 failure code is 1 to 255; was " + code + ".");
        }
        replyCode = code;
        return this;
    }

    /** Reads each client's greeting and never answers (until the proxy closes, at most 30 s). */
    public TestSocks5Proxy stall() {
        stalling = true;
        return this;
    }

    /** The next completed request, waiting up to {@code timeout}; null if none. */
    public Request nextRequest(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void serve(Socket client) throws Exception {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        if (in.readUnsignedByte() != 5) {
            return;
        }
        int count = in.readUnsignedByte();
        List<Integer> methods = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            methods.add(in.readUnsignedByte());
        }
        if (stalling) {
            holdSilently();
            return;
        }
        String user = requiredUser;
        Optional<String> authenticated = Optional.empty();
        if (user != null) {
            if (!methods.contains(USERNAME_PASSWORD)) {
                out.write(new byte[] {5, (byte) 0xFF});
                return;
            }
            out.write(new byte[] {5, USERNAME_PASSWORD});
            if (in.readUnsignedByte() != 1) {
                return;
            }
            String name = readString(in);
            String password = readString(in);
            boolean ok = user.equals(name) && requiredPassword.equals(password);
            out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
            if (!ok) {
                lingeringClose(client);
                return;
            }
            authenticated = Optional.of(name);
        } else {
            if (!methods.contains(NO_AUTHENTICATION)) {
                out.write(new byte[] {5, (byte) 0xFF});
                return;
            }
            out.write(new byte[] {5, NO_AUTHENTICATION});
        }
        if (in.readUnsignedByte() != 5 || in.readUnsignedByte() != 1) {
            return; // not a SOCKS5 CONNECT
        }
        in.readUnsignedByte(); // reserved
        String host = switch (in.readUnsignedByte()) {
            case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
            case 3 -> readString(in);
            case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
            default -> null;
        };
        if (host == null) {
            reply(out, 8);
            return;
        }
        int port = in.readUnsignedShort();
        requests.add(new Request(methods, authenticated, host, port));
        if (replyCode != 0) {
            reply(out, replyCode);
            lingeringClose(client);
            return;
        }
        if (!isAllowedTarget(host) && !"0:0:0:0:0:0:0:1".equals(host)) {
            reply(out, 2);
            return;
        }
        Socket target;
        try {
            target = connectToTarget(port);
        } catch (IOException e) {
            reply(out, 5);
            return;
        }
        reply(out, 0);
        relay(client, target);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readUnsignedByte();
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** A reply with the bound address 0.0.0.0:0. */
    private static void reply(OutputStream out, int code) throws IOException {
        out.write(new byte[] {5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0});
        out.flush();
    }
}
