package dev.apns.mock.credentials;

import dev.apns.Credentials;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate issued by {@link TestCertificates} with its private key, in every form a test needs: JDK
 * objects, PEM (certificate, key as PKCS#8 plain or encrypted, PKCS#1 / SEC1 plain or encrypted) and
 * PKCS#12. Immutable. These keys are for tests only, so unlike the SDK this class does hand out key
 * material as text.
 */
public final class IssuedCertificate {
    /**
     * The ciphers OpenSSL's formats need (AES/CBC/PKCS7Padding, its PEM key derivation) are not in the JDK's
     * providers, so the encryptors use this instance; it is never registered globally, so the SDK under test
     * still sees the JDK's providers only.
     */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;

    IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** Leaf first, then the issuing authority (the authority's own chain is just itself). */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The SDK's credentials for this certificate. */
    public Credentials credentials() {
        return Credentials.of(privateKey, chain);
    }

    /** The leaf certificate as PEM. */
    public String certificatePem() {
        return pem(certificate);
    }

    /** The whole chain as PEM, leaf first. */
    public String chainPem() {
        StringBuilder text = new StringBuilder();
        for (X509Certificate c : chain) {
            text.append(pem(c));
        }
        return text.toString();
    }

    /** The key as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public String privateKeyPkcs8Pem() {
        try {
            return pem(new JcaPKCS8Generator(privateKey, null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key as encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}, PBES2 with AES-256-CBC and HMAC-SHA256). */
    public String privateKeyPkcs8Pem(char[] password) {
        try {
            JceOpenSSLPKCS8EncryptorBuilder encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC);
            encryptor.setProvider(BOUNCY_CASTLE);
            encryptor.setPRF(PKCS8Generator.PRF_HMACSHA256);
            encryptor.setPassword(password);
            encryptor.setIterationCount(2048);
            return pem(new JcaPKCS8Generator(privateKey, encryptor.build()));
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The key in OpenSSL's traditional form: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
     * ({@code BEGIN EC PRIVATE KEY}, naming its curve and carrying its public key, as OpenSSL writes it).
     */
    public String privateKeyTraditionalPem() {
        try {
            return pem(new JcaMiscPEMGenerator(traditionalKey()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The traditional form encrypted the OpenSSL way ({@code Proc-Type: 4,ENCRYPTED}, AES-256-CBC). */
    public String privateKeyTraditionalPem(char[] password) {
        return privateKeyTraditionalPem(password, "AES-256-CBC");
    }

    /**
     * The traditional form encrypted the OpenSSL way with the given {@code DEK-Info} cipher, such as
     * {@code AES-128-CBC} or {@code DES-EDE3-CBC}.
     */
    public String privateKeyTraditionalPem(char[] password, String cipher) {
        try {
            return pem(new JcaMiscPEMGenerator(traditionalKey(),
                    new JcePEMEncryptorBuilder(cipher).setProvider(BOUNCY_CASTLE).build(password)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The key as BouncyCastle turns it into PKCS#1 or SEC1. The JDK's PKCS#8 encoding of an EC key leaves the
     * curve out of the inner SEC1 structure (the outer algorithm names it), and BouncyCastle copies that inner
     * structure as is, which no tool can read back; so the SEC1 structure is rebuilt with the curve and the
     * public key, as OpenSSL writes it.
     */
    private Object traditionalKey() {
        if (!(privateKey instanceof ECPrivateKey ec)) {
            return privateKey;
        }
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(privateKey.getEncoded());
        AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
        ASN1Encodable curve = algorithm.getParameters();
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                ec.getParams().getOrder().bitLength(), ec.getS(), publicKey.getPublicKeyData(), curve);
        try {
            return new PrivateKeyInfo(algorithm, sec1);
        } catch (IOException e) {
            throw new IllegalStateException("Could not rebuild the SEC1 key: " + e, e);
        }
    }

    /** The chain and the unencrypted PKCS#8 key in one PEM text. */
    public String combinedPem() {
        return chainPem() + privateKeyPkcs8Pem();
    }

    /** A PKCS#12 store holding the key and chain, protected by {@code password}. */
    public byte[] pkcs12(char[] password) {
        try {
            KeyStore store = keyStore(password);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return out.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not write PKCS#12: " + e, e);
        }
    }

    /** An in-memory key store holding the key and chain under the alias {@code key}. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", privateKey, password, chain.toArray(new X509Certificate[0]));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not build a key store: " + e, e);
        }
    }

    /**
     * A TLS context presenting this certificate and trusting {@code trusted} for the peer's certificate;
     * for servers and raw clients in tests.
     */
    public SSLContext sslContext(X509Certificate... trusted) {
        try {
            char[] password = new char[0];
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(password), password);
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                trustStore.setCertificateEntry("trusted-" + i, trusted[i]);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not build a TLS context: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    private static String pem(org.bouncycastle.util.io.pem.PemObjectGenerator generator) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(generator);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }
}
