package dev.apns.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP proxy on 127.0.0.1 that opens tunnels with {@code CONNECT} (RFC 9110 §9.3.6) and relays bytes
 * both ways, for testing clients that connect through proxies. It records every request's request line and
 * {@code Proxy-Authorization} header ({@link #nextRequest(Duration)}), can require basic authentication
 * (answering 407 otherwise and, as proxies commonly do, keeping the connection open for a retry until the
 * client closes it), and can misbehave on purpose: answer every {@code CONNECT} with a status of the test's
 * choosing and close, close without answering, or stall. Only loopback targets are relayed (see
 * {@link TestProxyServer}).
 *
 * <pre>{@code
 * try (TestHttpProxy proxy = TestHttpProxy.start()) {
 *     proxy.requireBasicAuth("pusher", "secret");
 *     // connect through proxy.endpoint() ...
 * }
 * }</pre>
 *
 * <p>Thread-safe; the behaviour may be changed between connections.
 */
public final class TestHttpProxy extends TestProxyServer {
    /** The longest request head the proxy reads. */
    private static final int MAX_HEAD = 16 * 1024;
    private static final Pattern CONNECT_LINE = Pattern.compile("CONNECT (\\S+):([0-9]{1,5}) HTTP/1\\.[01]");

    /** What the proxy does with a {@code CONNECT}. */
    private enum Behaviour { RELAY, ANSWER, CLOSE, STALL }

    /** One {@code CONNECT} as the proxy received it. */
    public record Request(String requestLine, Optional<String> proxyAuthorization) {
        /** Checks the components. */
        public Request {
            Objects.requireNonNull(requestLine, "requestLine");
            Objects.requireNonNull(proxyAuthorization, "proxyAuthorization");
        }
    }

    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final List<Request> allRequests = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = Behaviour.RELAY;
    private volatile String answer;
    private volatile String expectedAuthorization;

    private TestHttpProxy() throws IOException {
        super();
    }

    /** A relaying proxy without authentication, accepting on 127.0.0.1. */
    public static TestHttpProxy start() throws IOException {
        TestHttpProxy proxy = new TestHttpProxy();
        proxy.startAccepting();
        return proxy;
    }

    /** Relays only requests carrying {@code Proxy-Authorization: Basic base64(user:password)}; 407 otherwise. */
    public TestHttpProxy requireBasicAuth(String user, String password) {
        String pair = user + ":" + password;
        expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Answers every {@code CONNECT} with {@code status} and {@code reason}, then closes; relays nothing. */
    public TestHttpProxy answerWith(int status, String reason) {
        answer = "HTTP/1.1 " + status + " " + reason;
        behaviour = Behaviour.ANSWER;
        return this;
    }

    /** Closes each connection once it read the {@code CONNECT}, without answering. */
    public TestHttpProxy closeWithoutAnswering() {
        behaviour = Behaviour.CLOSE;
        return this;
    }

    /** Reads each {@code CONNECT} and never answers (until the proxy closes, at most 30 s). */
    public TestHttpProxy stall() {
        behaviour = Behaviour.STALL;
        return this;
    }

    /** The next request received, waiting up to {@code timeout}; null if none. */
    public Request nextRequest(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every request received so far, in order. */
    public List<Request> requests() {
        return List.copyOf(allRequests);
    }

    @Override
    protected void serve(Socket client) throws Exception {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        List<String> head = readHead(in);
        if (head.isEmpty()) {
            return;
        }
        Optional<String> authorization = Optional.empty();
        for (String header : head.subList(1, head.size())) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("proxy-authorization")) {
                authorization = Optional.of(header.substring(colon + 1).trim());
            }
        }
        Request request = new Request(head.get(0), authorization);
        allRequests.add(request);
        requests.add(request);

        switch (behaviour) {
            case CLOSE -> {
                return;
            }
            case STALL -> {
                holdSilently();
                return;
            }
            case ANSWER -> {
                respond(out, answer);
                lingeringClose(client);
                return;
            }
            case RELAY -> {
                // below
            }
        }
        String expected = expectedAuthorization;
        if (expected != null && !authorization.map(expected::equals).orElse(false)) {
            // As proxies commonly do, the connection stays open after a 407 (the client may retry on it); the
            // client closes it.
            out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitClientClose(client);
            return;
        }
        Matcher connect = CONNECT_LINE.matcher(head.get(0));
        if (!connect.matches()) {
            respond(out, "HTTP/1.1 405 Method Not Allowed");
            return;
        }
        String host = connect.group(1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(connect.group(2));
        if (!isAllowedTarget(host) || port < 1 || port > 65_535) {
            respond(out, "HTTP/1.1 403 Forbidden");
            return;
        }
        Socket target;
        try {
            target = connectToTarget(port);
        } catch (IOException e) {
            respond(out, "HTTP/1.1 502 Bad Gateway");
            return;
        }
        out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        relay(client, target);
    }

    private static void respond(OutputStream out, String head) throws IOException {
        out.write((head + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The request line and headers, read byte by byte so nothing of the tunnel is consumed; empty at EOF. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (++total > MAX_HEAD) {
                throw new IOException("The request head exceeds " + MAX_HEAD + " bytes.");
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else if (b != '\r') {
                line.write(b);
            }
        }
        return List.of();
    }
}
