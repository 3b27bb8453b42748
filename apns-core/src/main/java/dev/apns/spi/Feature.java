package dev.apns.spi;

/**
 * Optional capabilities a backend may declare in {@link Backend#features()}. The conformance suite skips
 * (never fails) tests of features a backend does not declare.
 */
public enum Feature {
    /** TLS 1.3 can be negotiated (TLS 1.2 is required of every backend). */
    TLS_1_3,
    /** A write blocked longer than {@link ConnectRequest#writeTimeout()} fails the connection. */
    WRITE_TIMEOUT,
    /** A TLS handshake not finished within {@link ConnectRequest#connectTimeout()} fails the connect. */
    HANDSHAKE_TIMEOUT,
    /**
     * The {@link ConnectRequest#applicationProtocols()} are offered with ALPN, and
     * {@link Connection#applicationProtocol()} reports the server's choice.
     */
    ALPN,
    /** A {@link ConnectRequest#proxy()} (HTTP CONNECT, with or without basic authentication, and SOCKS5) is honoured. */
    PROXY
}
