package dev.apns.spi.support;

import dev.apns.Trust;
import dev.apns.spi.Certificate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.TrustManagerFactory;

/**
 * A backend's TLS contexts (a JSSE {@code SSLContext}, a Netty {@code SslContext}, whatever type {@code C} the
 * TLS library uses), built once per {@link Key} and reused, and the trust managers of each {@link Trust}, built
 * once and shared by every context. Certificates compare by digest, so the same identity read twice shares its
 * context. Thread-safe; two threads asking for a new key at the same moment may both build, and one result is
 * dropped.
 *
 * @param <C> the context type
 */
public final class TlsContextCache<C> {
    private final ConcurrentHashMap<Key, C> contexts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Trust, TrustManagerFactory> trustManagers = new ConcurrentHashMap<>();

    /** An empty cache. */
    public TlsContextCache() {
    }

    /**
     * What a context is built for: the client identity (empty: the client presents none), the trust, and the
     * ALPN protocols when the library configures them on the context rather than per connection (else empty).
     *
     * @param certificate the client identity, or empty for none
     * @param trust which servers to trust
     * @param applicationProtocols the ALPN offer when it is part of the context, else empty
     */
    public record Key(Optional<Certificate> certificate, Trust trust, List<String> applicationProtocols) {
        /** A key; the protocols are copied. */
        public Key {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(trust, "trust");
            applicationProtocols = List.copyOf(applicationProtocols);
        }

        /** A key for a library that sets ALPN per connection. */
        public Key(Optional<Certificate> certificate, Trust trust) {
            this(certificate, trust, List.of());
        }

        /** For messages: the certificate (never its key) or {@code no client certificate}, and the trust. */
        public String describe() {
            return certificate.map(String::valueOf).orElse("no client certificate") + " and " + trust;
        }
    }

    /**
     * Builds one context.
     *
     * @param <C> the context type
     * @param <E> what building may throw
     */
    @FunctionalInterface
    public interface Factory<C, E extends Exception> {
        /** A new context for {@code key}. */
        C create(Key key) throws E;
    }

    /** The context for {@code key}, built by {@code factory} the first time. */
    public <E extends Exception> C get(Key key, Factory<C, E> factory) throws E {
        C context = contexts.get(key);
        if (context != null) {
            return context;
        }
        C built = factory.create(key);
        C raced = contexts.putIfAbsent(key, built);
        return raced != null ? raced : built;
    }

    /** The trust managers of {@code trust}, built once ({@link Trust#trustManagerFactory()}) and shared. */
    public TrustManagerFactory trustManagerFactory(Trust trust) {
        return trustManagers.computeIfAbsent(trust, Trust::trustManagerFactory);
    }

    /** How many contexts are cached. */
    public int size() {
        return contexts.size();
    }

    /** Forgets every context and trust manager (a backend's close). */
    public void clear() {
        contexts.clear();
        trustManagers.clear();
    }
}
