package dev.apns;

import java.util.Objects;

/**
 * A host and port of an APNs service: the HTTP/2 provider API, the binary gateway or the feedback service.
 * Immutable. Apple's hosts are constants here; any host and port is accepted for private gateways and
 * tests.
 */
public record Endpoint(String host, int port) {
    /** The production HTTP/2 provider API. */
    public static final Endpoint API_PRODUCTION = new Endpoint("api.push.apple.com", 443);
    /** The development (sandbox) HTTP/2 provider API. */
    public static final Endpoint API_SANDBOX = new Endpoint("api.sandbox.push.apple.com", 443);
    /** The port Apple also serves the HTTP/2 provider API on, for networks that block 443. */
    public static final int API_ALTERNATE_PORT = 2197;
    /** The production push gateway (binary protocol). */
    public static final Endpoint GATEWAY_PRODUCTION = new Endpoint("gateway.push.apple.com", 2195);
    /** The sandbox (development) push gateway (binary protocol). */
    public static final Endpoint GATEWAY_SANDBOX = new Endpoint("gateway.sandbox.push.apple.com", 2195);
    /** The production feedback service. */
    public static final Endpoint FEEDBACK_PRODUCTION = new Endpoint("feedback.push.apple.com", 2196);
    /** The sandbox (development) feedback service. */
    public static final Endpoint FEEDBACK_SANDBOX = new Endpoint("feedback.sandbox.push.apple.com", 2196);

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("Endpoint host must not be blank.");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Endpoint port must be between 1 and 65535, was " + port + ".");
        }
    }

    /** The same host on another port, for example {@link #API_ALTERNATE_PORT}. */
    public Endpoint withPort(int port) {
        return new Endpoint(host, port);
    }

    /** An endpoint at {@code host:port}. */
    public static Endpoint of(String host, int port) {
        return new Endpoint(host, port);
    }

    /**
     * Parses {@code host:port} (IPv6 literals in brackets: {@code [::1]:2195}).
     *
     * @throws IllegalArgumentException naming the text when it is not of that form
     */
    public static Endpoint parse(String hostAndPort) {
        Objects.requireNonNull(hostAndPort, "hostAndPort");
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException("Endpoint '" + hostAndPort + "' is not of the form host:port.");
        }
        String host = hostAndPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostAndPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Endpoint '" + hostAndPort + "' has a port that is not a number.", e);
        }
        return new Endpoint(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
