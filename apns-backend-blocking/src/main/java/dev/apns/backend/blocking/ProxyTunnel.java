package dev.apns.backend.blocking;

import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.ProxyException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a {@link Proxy} for a tunnel to the target over an open connection to the proxy: the HTTP
 * {@code CONNECT} exchange (RFC 9110 §9.3.6, basic authentication per RFC 7617), or the SOCKS5 exchange
 * (RFC 1928, username and password per RFC 1929). Written here rather than taken from the JDK: the JDK's
 * SOCKS client takes credentials only from the JVM-wide {@code java.net.Authenticator}, reports a refusal
 * as an untyped {@code SocketException}, and has no HTTP CONNECT for plain sockets; this way both kinds
 * share one timeout (the caller's socket timeout and watchdog) and one typed failure.
 *
 * <p>Reads exactly the proxy's answer and nothing more (byte by byte for HTTP, whose answer ends with an
 * empty line), so the bytes that follow belong to the tunnel. Every answer is bounded: an HTTP response head
 * of at most {@link #MAX_RESPONSE_HEAD} bytes, SOCKS5 replies of known size. Any refusal or malformed answer
 * is a {@link ProxyException} naming the proxy and quoting its answer; the password never appears in it.
 * Stateless.
 */
final class ProxyTunnel {
    /** The longest HTTP response head accepted from a proxy. */
    static final int MAX_RESPONSE_HEAD = 16 * 1024;

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([0-9]{3})(?: .*)?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final int SOCKS_VERSION = 5;
    private static final int NO_AUTHENTICATION = 0x00;
    private static final int USERNAME_PASSWORD = 0x02;
    private static final int NO_ACCEPTABLE_METHOD = 0xFF;
    private static final int ADDRESS_IPV4 = 0x01;
    private static final int ADDRESS_DOMAIN = 0x03;
    private static final int ADDRESS_IPV6 = 0x04;

    private ProxyTunnel() {
    }

    /**
     * Asks {@code proxy}, reached through {@code in} and {@code out}, for a tunnel to {@code target}, and
     * returns once the proxy agreed.
     *
     * @throws ProxyException when the proxy refuses, closes, or answers something malformed
     * @throws IOException when reading or writing fails (the caller knows whether a timeout caused it)
     */
    static void open(InputStream in, OutputStream out, Proxy proxy, Endpoint target) throws IOException {
        if (proxy.type() == Proxy.Type.HTTP_CONNECT) {
            httpConnect(in, out, proxy, target);
        } else {
            socks5(in, out, proxy, target);
        }
    }

    // --------------------------------------------------------------------------------------------------
    // HTTP CONNECT.

    private static void httpConnect(InputStream in, OutputStream out, Proxy proxy, Endpoint target)
            throws IOException {
        String authority = authority(target);
        StringBuilder request = new StringBuilder(128)
                .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        if (proxy.username().isPresent()) {
            String pair = proxy.username().get() + ":" + proxy.password().orElse("");
            request.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();

        String head = readResponseHead(in, proxy, target);
        int endOfLine = head.indexOf('\n');
        String statusLine = (endOfLine < 0 ? head : head.substring(0, endOfLine)).strip();
        Matcher matcher = STATUS_LINE.matcher(statusLine);
        if (!matcher.matches()) {
            throw new ProxyException(proxy, target, statusLine, "its answer to CONNECT is not an HTTP/1.x status "
                    + "line", null);
        }
        int status = Integer.parseInt(matcher.group(1));
        if (status >= 200 && status < 300) {
            return;
        }
        String problem;
        if (status == 407) {
            problem = proxy.username().isPresent()
                    ? "it refused the credentials of user " + proxy.username().get() + " (407)"
                    : "it requires authentication (407); give credentials with Proxy.withBasicAuth";
        } else {
            problem = "it refused the tunnel with status " + status;
        }
        throw new ProxyException(proxy, target, statusLine, problem, null);
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    static String authority(Endpoint target) {
        String host = target.host();
        boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return (ipv6 ? "[" + host + "]" : host) + ":" + target.port();
    }

    /** The status line and headers, up to and without the empty line that ends them; bounded. */
    private static String readResponseHead(InputStream in, Proxy proxy, Endpoint target) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int lineLength = 0;
        int read = 0;
        while (true) {
            int b = in.read();
            read++;
            if (b < 0) {
                String partial = head.toString(StandardCharsets.ISO_8859_1).strip();
                throw new ProxyException(proxy, target, partial.isEmpty() ? null : partial,
                        "it closed the connection before answering CONNECT in full", null);
            }
            if (b == '\n') {
                if (lineLength == 0) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
                head.write(b);
                lineLength = 0;
            } else if (b != '\r') {
                head.write(b);
                lineLength++;
            }
            if (read >= MAX_RESPONSE_HEAD) {
                String start = head.toString(StandardCharsets.ISO_8859_1);
                int endOfLine = start.indexOf('\n');
                throw new ProxyException(proxy, target, endOfLine < 0 ? start : start.substring(0, endOfLine),
                        "its answer to CONNECT does not end within " + MAX_RESPONSE_HEAD + " bytes", null);
            }
        }
    }

    // --------------------------------------------------------------------------------------------------
    // SOCKS5.

    private static void socks5(InputStream in, OutputStream out, Proxy proxy, Endpoint target) throws IOException {
        boolean credentials = proxy.username().isPresent();
        out.write(credentials
                ? new byte[] {SOCKS_VERSION, 2, NO_AUTHENTICATION, USERNAME_PASSWORD}
                : new byte[] {SOCKS_VERSION, 1, NO_AUTHENTICATION});
        out.flush();
        byte[] choice = readExactly(in, 2, proxy, target, "the method selection");
        if (choice[0] != SOCKS_VERSION) {
            throw new ProxyException(proxy, target, "version " + (choice[0] & 0xFF), "it does not speak SOCKS5", null);
        }
        int method = choice[1] & 0xFF;
        if (method == NO_ACCEPTABLE_METHOD) {
            throw new ProxyException(proxy, target, "no acceptable method", "it accepts none of the offered "
                    + "authentication methods (" + (credentials ? "none, username/password" : "none; it may need "
                    + "credentials: give them with Proxy.withUsernamePassword") + ")", null);
        }
        if (method == USERNAME_PASSWORD && credentials) {
            authenticate(in, out, proxy, target);
        } else if (method != NO_AUTHENTICATION) {
            throw new ProxyException(proxy, target, "method " + method, "it chose an authentication method that "
                    + "was not offered", null);
        }

        byte[] address = targetAddress(proxy, target);
        byte[] connect = new byte[3 + address.length + 2];
        connect[0] = SOCKS_VERSION;
        connect[1] = 1; // CONNECT
        connect[2] = 0; // reserved
        System.arraycopy(address, 0, connect, 3, address.length);
        connect[3 + address.length] = (byte) (target.port() >>> 8);
        connect[4 + address.length] = (byte) target.port();
        out.write(connect);
        out.flush();

        byte[] reply = readExactly(in, 4, proxy, target, "the CONNECT reply");
        if (reply[0] != SOCKS_VERSION) {
            throw new ProxyException(proxy, target, "version " + (reply[0] & 0xFF), "it does not speak SOCKS5", null);
        }
        int code = reply[1] & 0xFF;
        if (code != 0) {
            throw new ProxyException(proxy, target, "SOCKS5 reply " + code + " (" + replyMeaning(code) + ")",
                    "it refused the tunnel", null);
        }
        int boundLength = switch (reply[3] & 0xFF) {
            case ADDRESS_IPV4 -> 4;
            case ADDRESS_IPV6 -> 16;
            case ADDRESS_DOMAIN -> readExactly(in, 1, proxy, target, "the bound address")[0] & 0xFF;
            default -> throw new ProxyException(proxy, target, "address type " + (reply[3] & 0xFF),
                    "its CONNECT reply has an unknown address type", null);
        };
        readExactly(in, boundLength + 2, proxy, target, "the bound address");
    }

    private static void authenticate(InputStream in, OutputStream out, Proxy proxy, Endpoint target)
            throws IOException {
        byte[] user = proxy.username().orElseThrow().getBytes(StandardCharsets.UTF_8);
        byte[] password = proxy.password().orElse("").getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[3 + user.length + password.length];
        message[0] = 1; // the sub-negotiation's version
        message[1] = (byte) user.length;
        System.arraycopy(user, 0, message, 2, user.length);
        message[2 + user.length] = (byte) password.length;
        System.arraycopy(password, 0, message, 3 + user.length, password.length);
        out.write(message);
        out.flush();
        Arrays.fill(message, (byte) 0);
        byte[] status = readExactly(in, 2, proxy, target, "the authentication reply");
        if (status[1] != 0) {
            throw new ProxyException(proxy, target, "authentication status " + (status[1] & 0xFF),
                    "it refused the credentials of user " + proxy.username().orElseThrow(), null);
        }
    }

    /** The address field of the CONNECT request: an IP literal as such, a host name as a domain name. */
    private static byte[] targetAddress(Proxy proxy, Endpoint target) throws ProxyException {
        String host = target.host();
        if (IPV4.matcher(host).matches() || host.indexOf(':') >= 0) {
            try {
                byte[] ip = InetAddress.getByName(host).getAddress(); // a literal: no name lookup
                byte[] field = new byte[1 + ip.length];
                field[0] = (byte) (ip.length == 4 ? ADDRESS_IPV4 : ADDRESS_IPV6);
                System.arraycopy(ip, 0, field, 1, ip.length);
                return field;
            } catch (UnknownHostException e) {
                throw new ProxyException(proxy, target, null, "the target host is not a valid IP literal", e);
            }
        }
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        if (name.length > 255) {
            throw new ProxyException(proxy, target, null, "SOCKS5 carries host names of at most 255 bytes", null);
        }
        byte[] field = new byte[2 + name.length];
        field[0] = ADDRESS_DOMAIN;
        field[1] = (byte) name.length;
        System.arraycopy(name, 0, field, 2, name.length);
        return field;
    }

    private static byte[] readExactly(InputStream in, int count, Proxy proxy, Endpoint target, String what)
            throws IOException {
        byte[] bytes = new byte[count];
        int read = 0;
        while (read < count) {
            int n = in.read(bytes, read, count - read);
            if (n < 0) {
                throw new ProxyException(proxy, target, null, "it closed the connection during " + what, null);
            }
            read += n;
        }
        return bytes;
    }

    /** RFC 1928 §6. */
    static String replyMeaning(int code) {
        return switch (code) {
            case 1 -> "general SOCKS server failure";
            case 2 -> "connection not allowed by ruleset";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "unassigned code";
        };
    }
}
