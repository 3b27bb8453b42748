package dev.apns.backend.blocking;

import java.security.GeneralSecurityException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Where a {@link SocketTransport} gets its TLS: builds an initialised {@link SSLContext} from the JSSE key
 * managers of one client identity and the JSSE trust managers of one {@link dev.apns.Trust}. This is the
 * extension point that lets another backend reuse the blocking backend's sockets, threads and timeouts with
 * another JSSE provider (the Conscrypt backend does).
 *
 * <p>For a request without a client certificate the key managers hold no identity (the client then presents
 * none), and the context must use them as given, not the JVM's default key store. The transport builds the
 * key managers once per certificate, from the credentials in memory, and the
 * trust managers with {@link dev.apns.Trust#trustManagerFactory()}; it caches the context per (certificate,
 * trust) pair (no certificate being one identity), so a factory is normally called once per pair (when two threads connect with a new pair at
 * the same moment it may be called twice and one result is dropped). Hostname verification and the
 * protocol versions and the ALPN protocols are set on each socket by the transport. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TlsContextFactory {

    /**
     * An initialised context that authenticates with {@code keyManagers} and accepts the servers that
     * {@code trustManagers} accept.
     *
     * @throws GeneralSecurityException when the provider cannot build such a context
     */
    SSLContext create(KeyManager[] keyManagers, TrustManager[] trustManagers) throws GeneralSecurityException;

    /** Contexts from the JVM's preferred provider of {@code SSLContext.TLS} (SunJSSE unless configured otherwise). */
    static TlsContextFactory jdk() {
        return (keyManagers, trustManagers) -> {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        };
    }
}
