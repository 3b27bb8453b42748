package dev.apns.spi;

import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.Trust;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a backend needs to open one connection: where, as whom, whom to trust, how long each step may
 * take, which application protocols to offer, and through which proxy. Hostname verification is always on
 * and TLS 1.2 is the minimum. Immutable.
 *
 * <p>Why a record with {@code Optional} components and withers: a request is a plain value (equality and
 * {@code toString()} come for free and show no secret: a certificate shows its subject, a proxy never its
 * password); the five-argument constructor of the binary-protocol SDK stays, so every existing caller
 * compiles and means what it meant (client certificate, no ALPN, no proxy); and the optional parts are added
 * with {@link #withApplicationProtocols}, {@link #withProxy} or started without a certificate by
 * {@link #withoutCertificate}. The certificate is an {@code Optional} rather than a nullable reference on
 * purpose: a backend written before certificate-less connections existed fails to compile against
 * {@link #certificate()} instead of failing at run time with a {@code NullPointerException}.
 *
 * @param endpoint the server to connect to
 * @param certificate the client identity, made by the same backend; empty to present no client
 *     certificate (HTTP/2 token authentication): the backend then offers none, whatever the server asks
 * @param trust which server certificates to accept
 * @param connectTimeout the limit for the TCP connect (to the proxy when there is one, together with the
 *     tunnel's set-up) and, separately, for the TLS handshake
 * @param writeTimeout how long one {@link Connection#write} may stay blocked by a peer that does not read
 * @param applicationProtocols the ALPN protocol names to offer, most preferred first (for example
 *     {@code h2}); empty to send no ALPN extension. Each is 1 to 255 printable ASCII characters, no
 *     duplicates. A backend without {@link Feature#ALPN} ignores them (and its connections report no
 *     protocol).
 * @param proxy the proxy to tunnel through; empty to connect directly. A backend without
 *     {@link Feature#PROXY} refuses a request with a proxy rather than connecting directly.
 */
public record ConnectRequest(Endpoint endpoint, Optional<Certificate> certificate, Trust trust,
                             Duration connectTimeout, Duration writeTimeout, List<String> applicationProtocols,
                             Optional<Proxy> proxy) {
    /** The longest protocol name ALPN can carry (a one-byte length). */
    private static final int MAX_PROTOCOL_LENGTH = 255;

    /**
     * Checks every component and copies the protocol list.
     *
     * @throws IllegalArgumentException for a non-positive timeout or an invalid protocol list
     */
    public ConnectRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(trust, "trust");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(writeTimeout, "writeTimeout");
        applicationProtocols = checkProtocols(applicationProtocols);
        Objects.requireNonNull(proxy, "proxy");
    }

    /**
     * A direct connection presenting {@code certificate}, without ALPN: the request of the binary protocol.
     */
    public ConnectRequest(Endpoint endpoint, Certificate certificate, Trust trust, Duration connectTimeout,
                          Duration writeTimeout) {
        this(endpoint, Optional.of(Objects.requireNonNull(certificate, "certificate")), trust, connectTimeout,
                writeTimeout, List.of(), Optional.empty());
    }

    /**
     * A direct connection that presents no client certificate, without ALPN (add it with
     * {@link #withApplicationProtocols}): for HTTP/2 token authentication. A server that requires a client
     * certificate refuses the handshake.
     */
    public static ConnectRequest withoutCertificate(Endpoint endpoint, Trust trust, Duration connectTimeout,
                                                    Duration writeTimeout) {
        return new ConnectRequest(endpoint, Optional.empty(), trust, connectTimeout, writeTimeout, List.of(),
                Optional.empty());
    }

    /**
     * This request offering {@code protocols} through ALPN, most preferred first, for example
     * {@code List.of("h2", "http/1.1")}; an empty list sends no ALPN extension.
     *
     * @throws IllegalArgumentException when a name is empty, longer than 255 characters, not printable
     *     ASCII, or repeated
     */
    public ConnectRequest withApplicationProtocols(List<String> protocols) {
        return new ConnectRequest(endpoint, certificate, trust, connectTimeout, writeTimeout, protocols, proxy);
    }

    /** This request tunnelling through {@code proxy}. */
    public ConnectRequest withProxy(Proxy proxy) {
        return new ConnectRequest(endpoint, certificate, trust, connectTimeout, writeTimeout, applicationProtocols,
                Optional.of(Objects.requireNonNull(proxy, "proxy")));
    }

    /** This request connecting directly, without a proxy. */
    public ConnectRequest withoutProxy() {
        return new ConnectRequest(endpoint, certificate, trust, connectTimeout, writeTimeout, applicationProtocols,
                Optional.empty());
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration + ".");
        }
    }

    private static List<String> checkProtocols(List<String> protocols) {
        List<String> copy = List.copyOf(Objects.requireNonNull(protocols, "applicationProtocols"));
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < copy.size(); i++) {
            String name = copy.get(i);
            if (name.isEmpty() || name.length() > MAX_PROTOCOL_LENGTH) {
                throw new IllegalArgumentException("An ALPN protocol name must be 1 to 255 characters; the one at "
                        + "index " + i + " has " + name.length() + ".");
            }
            for (int c = 0; c < name.length(); c++) {
                char ch = name.charAt(c);
                if (ch < 0x21 || ch > 0x7e) {
                    throw new IllegalArgumentException("An ALPN protocol name must be printable ASCII; '"
                            + name.replaceAll("[^\\x21-\\x7e]", "?") + "' (index " + i + ") has the character U+"
                            + String.format("%04X", (int) ch) + " at " + c + ".");
                }
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("The ALPN protocol '" + name + "' is offered twice; each name "
                        + "may appear once.");
            }
        }
        return copy;
    }
}
