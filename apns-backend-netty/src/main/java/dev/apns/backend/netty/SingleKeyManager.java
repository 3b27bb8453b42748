package dev.apns.backend.netty;

import dev.apns.Credentials;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager holding exactly one identity, the provider's certificate and key, which it offers
 * whatever the server asks for (a mismatch fails the handshake, as it should). It exists because the usual
 * route, a {@code KeyManagerFactory} over a PKCS#12 key store, encrypts the key with 10,000 PBKDF2 rounds
 * on the way in: about 20 ms per certificate, which a service with a thousand apps pays a thousand times.
 * Immutable and thread-safe; {@code toString()} names the certificate only.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "apns";

    private final Credentials credentials;
    private final X509Certificate[] chain;

    SingleKeyManager(Credentials credentials) {
        this.credentials = credentials;
        this.chain = credentials.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? credentials.privateKey() : null;
    }

    /** A client identity serves no server side. */
    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    /** A client identity serves no server side. */
    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    /** A client identity serves no server side. */
    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String toString() {
        return "SingleKeyManager[" + credentials.subject() + "]";
    }
}
