package dev.apns.backend.netty;

import dev.apns.Trust;
import dev.apns.spi.Certificate;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Netty backend's client {@link SslContext}s, built once per (client certificate or none, trust, offered
 * ALPN protocols) and reused: Netty configures ALPN on the context, not per connection, so the protocols are
 * part of the key. Trust managers are built once per trust and shared by every certificate. TLS 1.3 and 1.2,
 * HTTPS endpoint identification. Thread-safe.
 */
final class NettyTlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslProvider provider;
    private final ConcurrentHashMap<Key, SslContext> contexts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Trust, TrustManagerFactory> trustManagers = new ConcurrentHashMap<>();

    NettyTlsContexts(SslProvider provider) {
        this.provider = provider;
    }

    /**
     * The context for this identity (none: the client presents no certificate, whatever the server asks),
     * trust and ALPN offer (empty: no ALPN extension).
     *
     * @throws SSLException when Netty cannot build it; the message names the certificate, never the key
     */
    SslContext context(Optional<Certificate> certificate, Trust trust, List<String> applicationProtocols)
            throws SSLException {
        Key key = new Key(certificate, trust, applicationProtocols);
        SslContext context = contexts.get(key);
        if (context != null) {
            return context;
        }
        SslContext built;
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(provider)
                    .trustManager(trustManagers.computeIfAbsent(trust, Trust::trustManagerFactory))
                    .protocols(PROTOCOLS)
                    .endpointIdentificationAlgorithm("HTTPS");
            if (certificate.isPresent()) {
                builder.keyManager(new SingleKeyManager(certificate.get().credentials()));
            }
            if (!applicationProtocols.isEmpty()) {
                // NO_ADVERTISE and ACCEPT: a server without ALPN, or without a common protocol, still connects
                // (and the connection reports no protocol); the combination both providers support.
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, applicationProtocols));
            }
            built = builder.build();
        } catch (SSLException | RuntimeException e) {
            // Netty's messages name files and algorithms, never key material.
            throw new SSLException("Could not build a TLS context (" + provider + ") for "
                    + certificate.map(String::valueOf).orElse("no client certificate") + " and " + trust + ": "
                    + e.getMessage(), e);
        }
        SslContext raced = contexts.putIfAbsent(key, built);
        return raced != null ? raced : built;
    }

    /** How many contexts are cached; for tests. */
    int size() {
        return contexts.size();
    }

    /** Forgets every context and trust manager. */
    void clear() {
        contexts.clear();
        trustManagers.clear();
    }

    /** Certificates compare by digest. */
    private record Key(Optional<Certificate> certificate, Trust trust, List<String> applicationProtocols) {
    }
}
