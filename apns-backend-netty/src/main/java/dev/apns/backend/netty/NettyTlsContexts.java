package dev.apns.backend.netty;

import dev.apns.Trust;
import dev.apns.spi.Certificate;
import dev.apns.spi.support.TlsContextCache;
import dev.apns.spi.support.TlsSettings;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLException;

/**
 * The Netty backend's client {@link SslContext}s, built once per (client certificate or none, trust, offered
 * ALPN protocols) and reused: Netty configures ALPN on the context, not per connection, so the protocols are
 * part of the key. Trust managers are built once per trust and shared by every certificate. TLS 1.3 and 1.2,
 * HTTPS endpoint identification. Thread-safe.
 */
final class NettyTlsContexts {
    private final SslProvider provider;
    private final TlsContextCache<SslContext> contexts = new TlsContextCache<>();

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
        return contexts.get(new TlsContextCache.Key(certificate, trust, applicationProtocols), this::build);
    }

    private SslContext build(TlsContextCache.Key key) throws SSLException {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(provider)
                    .trustManager(contexts.trustManagerFactory(key.trust()))
                    .protocols(TlsSettings.protocols())
                    .endpointIdentificationAlgorithm(TlsSettings.ENDPOINT_IDENTIFICATION);
            if (key.certificate().isPresent()) {
                builder.keyManager(new SingleKeyManager(key.certificate().get().credentials()));
            }
            if (!key.applicationProtocols().isEmpty()) {
                // NO_ADVERTISE and ACCEPT: a server without ALPN, or without a common protocol, still connects
                // (and the connection reports no protocol); the combination both providers support.
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, key.applicationProtocols()));
            }
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            // Netty's messages name files and algorithms, never key material.
            throw new SSLException("Could not build a TLS context (" + provider + ") for " + key.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    /** How many contexts are cached; for tests. */
    int size() {
        return contexts.size();
    }

    /** Forgets every context and trust manager. */
    void clear() {
        contexts.clear();
    }
}
