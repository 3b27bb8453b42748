package dev.apns.spi.support;

import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The TLS set-up the SPI asks of every connection, for JSSE sockets and engines (the JDK's, Conscrypt's,
 * Netty's): TLS 1.3 and 1.2 only, hostname verification by HTTPS endpoint identification (IP literals too),
 * and the request's ALPN protocols offered in their order (none: no ALPN extension at all). Stateless.
 */
public final class TlsSettings {
    /** The protocol versions a connection may use, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** The endpoint identification algorithm that turns on hostname verification. */
    public static final String ENDPOINT_IDENTIFICATION = "HTTPS";

    private TlsSettings() {
    }

    /** {@link #PROTOCOLS} as the array JSSE and Netty take; a new array each call. */
    public static String[] protocols() {
        return PROTOCOLS.toArray(String[]::new);
    }

    /**
     * Sets the protocol versions, hostname verification and, when {@code applicationProtocols} is not empty,
     * the ALPN offer on {@code parameters}; returns them.
     */
    public static SSLParameters configure(SSLParameters parameters, List<String> applicationProtocols) {
        parameters.setProtocols(protocols());
        parameters.setEndpointIdentificationAlgorithm(ENDPOINT_IDENTIFICATION);
        if (!applicationProtocols.isEmpty()) {
            parameters.setApplicationProtocols(applicationProtocols.toArray(String[]::new));
        }
        return parameters;
    }

    /** Applies {@link #configure(SSLParameters, List)} to a socket before its handshake. */
    public static void configure(SSLSocket socket, List<String> applicationProtocols) {
        socket.setSSLParameters(configure(socket.getSSLParameters(), applicationProtocols));
    }

    /**
     * Turns on hostname verification on an engine whose protocol versions and ALPN offer come from its
     * context (as with Netty's {@code SslContext}).
     */
    public static void verifyHostname(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(ENDPOINT_IDENTIFICATION);
        engine.setSSLParameters(parameters);
    }

    /**
     * The protocol the server selected with ALPN, from what the TLS library reports after the handshake:
     * JSSE says {@code null} before or without ALPN and {@code ""} when the server selected none; both are
     * empty here.
     */
    public static Optional<String> selectedProtocol(String reported) {
        return reported == null || reported.isEmpty() ? Optional.empty() : Optional.of(reported);
    }
}
