package dev.apns.backend.conscrypt;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Lets the JDK's trust manager judge servers for Conscrypt under TLS 1.3. TLS 1.3 has no key-exchange
 * "auth type"; BoringSSL, and so Conscrypt, reports {@code GENERIC} where the JDK's own TLS stack reports
 * {@code UNKNOWN}, and the JDK's {@code X509TrustManagerImpl} refuses every server with
 * "Unknown authType: GENERIC" (google/conscrypt issue 1033). This wrapper hands the JDK trust manager
 * {@code UNKNOWN} instead, exactly what it sees under JSSE, and passes everything else (the chain, the
 * socket or engine that carries the endpoint identification algorithm, TLS 1.2 auth types) through
 * unchanged, so trust and hostname verification are the JDK's. Immutable and thread-safe.
 */
final class Tls13AuthTypeTrustManager extends X509ExtendedTrustManager {
    /** What BoringSSL calls the TLS 1.3 auth type. */
    static final String BORINGSSL_TLS13 = "GENERIC";
    /** What the JDK calls it. */
    static final String JDK_TLS13 = "UNKNOWN";

    private final X509ExtendedTrustManager delegate;

    private Tls13AuthTypeTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    /** The trust managers with each {@link X509ExtendedTrustManager} wrapped; others are kept as they are. */
    static TrustManager[] adapt(TrustManager[] trustManagers) {
        TrustManager[] adapted = trustManagers.clone();
        for (int i = 0; i < adapted.length; i++) {
            if (adapted[i] instanceof X509ExtendedTrustManager extended) {
                adapted[i] = new Tls13AuthTypeTrustManager(extended);
            }
        }
        return adapted;
    }

    private static String jdkAuthType(String authType) {
        return BORINGSSL_TLS13.equals(authType) ? JDK_TLS13 : authType;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkServerTrusted(chain, jdkAuthType(authType), socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkServerTrusted(chain, jdkAuthType(authType), engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, jdkAuthType(authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, jdkAuthType(authType), socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(chain, jdkAuthType(authType), engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, jdkAuthType(authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    @Override
    public String toString() {
        return "Tls13AuthTypeTrustManager[" + delegate + "]";
    }
}
