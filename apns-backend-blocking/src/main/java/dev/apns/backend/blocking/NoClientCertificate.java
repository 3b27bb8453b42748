package dev.apns.backend.blocking;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of a connection that presents no client certificate (HTTP/2 token authentication): it
 * has no identity, so the client answers a server's certificate request with an empty certificate list. An
 * explicit empty key manager rather than {@code null}, because some providers fill a {@code null} with a
 * default key manager that might find a key store configured for the whole JVM. Stateless and thread-safe.
 */
final class NoClientCertificate extends X509ExtendedKeyManager {
    private static final KeyManager[] KEY_MANAGERS = {new NoClientCertificate()};

    private NoClientCertificate() {
    }

    /** The key managers to build a context with; shared, never modified. */
    static KeyManager[] keyManagers() {
        return KEY_MANAGERS;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String toString() {
        return "NoClientCertificate";
    }
}
