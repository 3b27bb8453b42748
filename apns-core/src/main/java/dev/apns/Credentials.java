package dev.apns;

import dev.apns.internal.credentials.CredentialsParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;

/**
 * The provider's identity: a client certificate (with its chain) and the private key that belongs to
 * it. Read from PEM (certificate and key together or apart; PKCS#8 plain or encrypted, PKCS#1 RSA,
 * SEC1 EC) or PKCS#12, from strings, bytes, streams or files; nothing is ever written to disk.
 *
 * <p>Immutable and thread-safe. Two credentials are equal when their leaf certificates have the same
 * SHA-256 digest, so credentials key the connection pool. {@link #toString()} names the certificate and
 * never shows the key; passwords given to the factory methods are not kept.
 */
public final class Credentials {
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final byte[] digest;

    private Credentials(PrivateKey privateKey, List<X509Certificate> chain) {
        this.privateKey = privateKey;
        this.chain = chain;
        this.digest = sha256(chain.get(0));
    }

    /**
     * Credentials from a key and its certificate chain, leaf first.
     *
     * @throws CredentialsException {@link CredentialsException.Problem#KEY_MISMATCH} when the key does not
     *     belong to the leaf certificate
     */
    public static Credentials of(PrivateKey privateKey, List<X509Certificate> chain) {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new CredentialsException(CredentialsException.Problem.NO_CERTIFICATE,
                    "Credentials need at least one certificate; the chain given is empty.");
        }
        List<X509Certificate> copy = List.copyOf(chain);
        CredentialsParser.requireMatchingKey(privateKey, copy.get(0));
        return new Credentials(privateKey, copy);
    }

    /** Credentials from a key and its certificate chain, leaf first. */
    public static Credentials of(PrivateKey privateKey, X509Certificate... chain) {
        return of(privateKey, Arrays.asList(chain));
    }

    /** Reads one PEM text holding the certificate (chain) and an unencrypted private key. */
    public static Credentials fromPem(String pem) {
        return fromPem(pem, null);
    }

    /**
     * Reads one PEM text holding the certificate (chain) and the private key; {@code password} decrypts
     * an encrypted key and may be {@code null} for a plain one.
     */
    public static Credentials fromPem(String pem, char[] password) {
        Objects.requireNonNull(pem, "pem");
        return CredentialsParser.fromPem(pem, pem, password, "the PEM text");
    }

    /** Reads PEM bytes (UTF-8 or ASCII) holding the certificate (chain) and the private key. */
    public static Credentials fromPem(byte[] pem, char[] password) {
        Objects.requireNonNull(pem, "pem");
        return fromPem(new String(pem, StandardCharsets.UTF_8), password);
    }

    /** Reads a PEM stream holding the certificate (chain) and the private key. The stream is not closed. */
    public static Credentials fromPem(InputStream pem, char[] password) {
        Objects.requireNonNull(pem, "pem");
        return fromPem(readAll(pem, "the PEM stream"), password);
    }

    /** Reads a PEM file holding the certificate (chain) and the private key. */
    public static Credentials fromPem(Path pemFile, char[] password) {
        Objects.requireNonNull(pemFile, "pemFile");
        String text = new String(readFile(pemFile), StandardCharsets.UTF_8);
        return CredentialsParser.fromPem(text, text, password, "file " + pemFile);
    }

    /**
     * Reads the certificate (chain) and the private key from two PEM texts; {@code password} decrypts an
     * encrypted key and may be {@code null}.
     */
    public static Credentials fromPem(String certificatePem, String keyPem, char[] password) {
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(keyPem, "keyPem");
        return CredentialsParser.fromPem(certificatePem, keyPem, password, "the PEM texts");
    }

    /** Reads a PKCS#12 store (a {@code .p12} export) given as bytes. */
    public static Credentials fromPkcs12(byte[] pkcs12, char[] password) {
        Objects.requireNonNull(pkcs12, "pkcs12");
        return CredentialsParser.fromPkcs12(pkcs12, password, "the PKCS#12 bytes");
    }

    /** Reads a PKCS#12 store from a stream. The stream is not closed. */
    public static Credentials fromPkcs12(InputStream pkcs12, char[] password) {
        Objects.requireNonNull(pkcs12, "pkcs12");
        return CredentialsParser.fromPkcs12(readAll(pkcs12, "the PKCS#12 stream"), password, "the PKCS#12 stream");
    }

    /** Reads a PKCS#12 file. */
    public static Credentials fromPkcs12(Path pkcs12File, char[] password) {
        Objects.requireNonNull(pkcs12File, "pkcs12File");
        return CredentialsParser.fromPkcs12(readFile(pkcs12File), password, "file " + pkcs12File);
    }

    /** The leaf (client) certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The certificate chain, leaf first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The private key. Handed to backends to build their TLS context; never printed. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The SHA-256 digest of the leaf certificate's DER encoding, as lower-case hex. */
    public String digest() {
        return HexFormat.of().formatHex(digest);
    }

    /** The leaf certificate's subject, as an RFC 2253 string. */
    public String subject() {
        return certificate().getSubjectX500Principal().getName();
    }

    /** When the leaf certificate stops being valid. */
    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    /**
     * Checks that the leaf certificate is valid at {@code now}.
     *
     * @throws CredentialsException {@code EXPIRED} or {@code NOT_YET_VALID}, naming the dates
     */
    public void checkValidity(Instant now) {
        X509Certificate leaf = certificate();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new CredentialsException(CredentialsException.Problem.EXPIRED,
                    "The certificate '" + subject() + "' expired at " + leaf.getNotAfter().toInstant()
                            + "; Apple refuses it. Renew it in the developer portal.");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new CredentialsException(CredentialsException.Problem.NOT_YET_VALID,
                    "The certificate '" + subject() + "' is not valid before " + leaf.getNotBefore().toInstant() + ".");
        }
    }

    /**
     * A JDK key manager factory holding these credentials, for backends that use JSSE key managers. The
     * key store behind it lives in memory only.
     */
    public KeyManagerFactory keyManagerFactory() {
        try {
            char[] storePassword = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("apns", privateKey, storePassword, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, storePassword);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new CredentialsException(CredentialsException.Problem.UNSUPPORTED,
                    "The JVM could not build a key manager for '" + subject() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Credentials that && MessageDigest.isEqual(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "Credentials[subject=" + subject() + ", notAfter=" + notAfter() + ", sha256=" + digest() + "]";
    }

    private static byte[] sha256(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new CredentialsException(CredentialsException.Problem.MALFORMED,
                    "The certificate '" + certificate.getSubjectX500Principal() + "' cannot be encoded: " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(InputStream in, String source) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CredentialsException(CredentialsException.Problem.MALFORMED,
                    "Could not read " + source + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CredentialsException(CredentialsException.Problem.MALFORMED,
                    "Could not read file " + file + ": " + e, e);
        }
    }
}
