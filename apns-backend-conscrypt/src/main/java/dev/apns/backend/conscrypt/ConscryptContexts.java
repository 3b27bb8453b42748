package dev.apns.backend.conscrypt;

import org.conscrypt.Conscrypt;

import java.security.GeneralSecurityException;
import java.security.Provider;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Builds the Conscrypt backend's {@code SSLContext}s from one Conscrypt JCA provider per class loader, made
 * on first use and never installed in the JVM's provider list ({@code Security.insertProviderAt} is not
 * called), so nothing else in the JVM changes its TLS. The only class of this backend that links to
 * Conscrypt, so that discovering the backend without Conscrypt on the class path loads none of its
 * classes. Thread-safe.
 */
final class ConscryptContexts {
    private ConscryptContexts() {
    }

    /**
     * A {@code TLS} context of Conscrypt's provider with these key managers (Conscrypt hands the private key
     * they return to BoringSSL from memory) and these trust managers, adapted to TLS 1.3 as
     * {@link Tls13AuthTypeTrustManager} explains. The first call loads BoringSSL if the availability probe
     * has not already.
     */
    static SSLContext create(KeyManager[] keyManagers, TrustManager[] trustManagers) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS", Holder.PROVIDER);
        context.init(keyManagers, Tls13AuthTypeTrustManager.adapt(trustManagers), null);
        return context;
    }

    private static final class Holder {
        static final Provider PROVIDER = Conscrypt.newProvider();
    }
}
