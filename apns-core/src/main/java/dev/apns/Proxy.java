package dev.apns;

import java.util.Objects;
import java.util.Optional;

/**
 * A proxy that connections to APNs go through: an HTTP proxy that opens a tunnel with {@code CONNECT}
 * (RFC 9110 §9.3.6), optionally with basic authentication (RFC 7617), or a SOCKS5 proxy (RFC 1928),
 * optionally with username and password (RFC 1929). The TLS handshake with APNs then runs through the
 * tunnel, end to end: the proxy sees only the target's host name and port, never the notifications.
 *
 * <pre>{@code
 * Proxy corporate = Proxy.httpConnect("proxy.example.com", 3128).withBasicAuth("pusher", secret);
 * Proxy socks = Proxy.socks5("127.0.0.1", 1080);
 * }</pre>
 *
 * <p>Immutable and thread-safe. Equal when type, address and credentials are equal. The password never
 * appears in {@link #toString()} nor in any exception about the proxy.
 */
public final class Proxy {
    /** How the client asks the proxy for a tunnel. */
    public enum Type {
        /** An HTTP proxy, asked with {@code CONNECT host:port HTTP/1.1}. */
        HTTP_CONNECT,
        /** A SOCKS5 proxy, asked with a CONNECT command carrying the target's host name. */
        SOCKS5
    }

    /** RFC 1929 carries each of username and password with a one-byte length. */
    private static final int MAX_SOCKS_CREDENTIAL_BYTES = 255;

    private final Type type;
    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private Proxy(Type type, String host, int port, String username, String password) {
        this.type = type;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /**
     * An HTTP proxy at {@code host:port} that opens tunnels with {@code CONNECT}, without authentication.
     *
     * @throws IllegalArgumentException when the host is blank or the port is not within 1..65535
     */
    public static Proxy httpConnect(String host, int port) {
        return new Proxy(Type.HTTP_CONNECT, checkHost(host), checkPort(port), null, null);
    }

    /**
     * A SOCKS5 proxy at {@code host:port}, without authentication. The target's host name is sent to the
     * proxy (address type "domain name"), so the proxy resolves it.
     *
     * @throws IllegalArgumentException when the host is blank or the port is not within 1..65535
     */
    public static Proxy socks5(String host, int port) {
        return new Proxy(Type.SOCKS5, checkHost(host), checkPort(port), null, null);
    }

    /**
     * This HTTP proxy with basic authentication: every {@code CONNECT} carries
     * {@code Proxy-Authorization: Basic base64(user:password)} (UTF-8).
     *
     * @throws IllegalStateException when this is not an HTTP CONNECT proxy
     * @throws IllegalArgumentException when the user is empty or contains a colon, or either contains a
     *     control character (which could split the request's headers)
     */
    public Proxy withBasicAuth(String user, String password) {
        if (type != Type.HTTP_CONNECT) {
            throw new IllegalStateException("Basic authentication is for HTTP CONNECT proxies; " + this
                    + " is a SOCKS5 proxy: use withUsernamePassword.");
        }
        checkText(user, "user");
        checkText(password, "password");
        if (user.isEmpty() || user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("A basic-authentication user must not be empty nor contain ':' "
                    + "(RFC 7617); was '" + user + "'.");
        }
        return new Proxy(type, host, port, user, password);
    }

    /**
     * This SOCKS5 proxy with username and password authentication (RFC 1929), offered to the proxy next to
     * "no authentication". RFC 1929 names no character set, so both must be printable ASCII, which every
     * SOCKS5 implementation reads alike.
     *
     * @throws IllegalStateException when this is not a SOCKS5 proxy
     * @throws IllegalArgumentException when either is empty, longer than 255 characters, or not printable
     *     ASCII
     */
    public Proxy withUsernamePassword(String username, String password) {
        if (type != Type.SOCKS5) {
            throw new IllegalStateException("Username and password authentication (RFC 1929) is for SOCKS5 "
                    + "proxies; " + this + " is an HTTP CONNECT proxy: use withBasicAuth.");
        }
        checkSocksCredential(username, "username");
        checkSocksCredential(password, "password");
        return new Proxy(type, host, port, username, password);
    }

    /** How the tunnel is asked for. */
    public Type type() {
        return type;
    }

    /** The proxy's host name or IP literal. */
    public String host() {
        return host;
    }

    /** The proxy's port. */
    public int port() {
        return port;
    }

    /** The proxy's address as an endpoint, for connecting to it. */
    public Endpoint endpoint() {
        return Endpoint.of(host, port);
    }

    /** The user name to authenticate with; empty when the proxy is used without authentication. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /**
     * The password to authenticate with; empty when the proxy is used without authentication. For backends
     * that speak to the proxy: never log it nor put it in a message.
     */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Proxy that && type == that.type && port == that.port && host.equals(that.host)
                && Objects.equals(username, that.username) && Objects.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, host, port, username, password);
    }

    /** For example {@code HTTP CONNECT proxy proxy.example.com:3128 (user pusher)}; never the password. */
    @Override
    public String toString() {
        String kind = type == Type.HTTP_CONNECT ? "HTTP CONNECT proxy " : "SOCKS5 proxy ";
        return kind + endpoint() + (username == null ? "" : " (user " + username + ")");
    }

    private static String checkHost(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("A proxy's host must not be blank.");
        }
        return host;
    }

    private static int checkPort(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("A proxy's port must be between 1 and 65535, was " + port + ".");
        }
        return port;
    }

    private static void checkSocksCredential(String text, String what) {
        Objects.requireNonNull(text, what);
        if (text.isEmpty() || text.length() > MAX_SOCKS_CREDENTIAL_BYTES) {
            throw new IllegalArgumentException("A SOCKS5 " + what + " must be 1 to 255 characters (RFC 1929); it "
                    + "has " + text.length() + ".");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                // The value is not shown: it may be the password.
                throw new IllegalArgumentException("A SOCKS5 " + what + " must be printable ASCII; the character at "
                        + "index " + i + " is not.");
            }
        }
    }

    private static void checkText(String text, String what) {
        Objects.requireNonNull(text, what);
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                // The value is not shown: it may be the password.
                throw new IllegalArgumentException("The proxy " + what + " contains a control character at index "
                        + i + "; it would corrupt the request to the proxy.");
            }
        }
    }
}
