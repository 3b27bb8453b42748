package dev.apns.internal;

import dev.apns.Credentials;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Reads certificates and private keys from PEM and PKCS#12 with the JDK alone. */
public final class CredentialsParser {
    private CredentialsParser() {
    }

    public static Credentials fromPem(String certificateText, String keyText, char[] password, String source) {
        throw new UnsupportedOperationException("TODO: PEM parsing");
    }

    public static Credentials fromPkcs12(byte[] pkcs12, char[] password, String source) {
        throw new UnsupportedOperationException("TODO: PKCS#12 parsing");
    }

    public static List<X509Certificate> certificatesFromPem(String pem, String source) {
        throw new UnsupportedOperationException("TODO: certificate parsing");
    }

    public static void requireMatchingKey(PrivateKey key, X509Certificate certificate) {
        // TODO: check that the key belongs to the certificate
    }
}
