package dev.apns;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection through a {@link Proxy} failed at the proxy: it could not be reached, refused the tunnel
 * (an HTTP status other than 2xx, such as 407 or 403, or a SOCKS5 failure code), closed the connection, or
 * did not answer within the connect timeout. The message names the proxy and the target, and quotes the
 * proxy's answer; it never contains the proxy's password. Failures after the tunnel stands (the TLS
 * handshake with the target, for instance) are not proxy failures.
 */
public final class ProxyException extends IOException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_ANSWER_CHARS = 200;

    private final transient Proxy proxy;
    private final transient Endpoint target;
    private final String answer;

    /**
     * A failure at {@code proxy} while tunnelling to {@code target}.
     *
     * @param answer the proxy's answer, for example {@code HTTP/1.1 407 Proxy Authentication Required} or
     *     {@code SOCKS5 reply 5 (connection refused)}; null when it gave none
     * @param problem what went wrong, in a sentence, without secrets
     * @param cause the underlying failure, or null
     */
    public ProxyException(Proxy proxy, Endpoint target, String answer, String problem, Throwable cause) {
        super(message(proxy, target, answer, problem), cause);
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.target = Objects.requireNonNull(target, "target");
        this.answer = answer == null ? null : printable(answer);
    }

    /** The proxy that failed. */
    public Proxy proxy() {
        return proxy;
    }

    /** Where the tunnel was to go. */
    public Endpoint target() {
        return target;
    }

    /** The proxy's answer (status line or SOCKS5 reply), when it gave one. */
    public Optional<String> answer() {
        return Optional.ofNullable(answer);
    }

    private static String message(Proxy proxy, Endpoint target, String answer, String problem) {
        return "Could not tunnel to " + target + " through the " + proxy + ": " + problem
                + (answer == null ? "" : " (the proxy answered: " + printable(answer) + ")");
    }

    /** The proxy's words are from outside: at most 200 characters, control characters escaped. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_ANSWER_CHARS) + 16);
        for (int i = 0; i < text.length() && i < MAX_ANSWER_CHARS; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX_ANSWER_CHARS) {
            out.append("...");
        }
        return out.toString();
    }
}
