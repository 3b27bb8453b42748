package dev.apns.internal.credentials;

import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.UnrecoverableEntryException;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.crypto.BadPaddingException;

/**
 * Reads certificates and private keys from PEM and PKCS#12 with the JDK alone, for {@link Credentials}
 * and {@link dev.apns.Trust}. Nothing is written to disk; decrypted key bytes are zeroed after use;
 * passwords are neither kept nor put in messages. Certificate validity dates are not checked here
 * ({@link Credentials#checkValidity} does that).
 *
 * <p>Stateless and thread-safe.
 */
public final class CredentialsParser {
    private CredentialsParser() {
    }

    /**
     * Reads credentials from PEM: the certificates of {@code certificateText} (leaf first) and the one private
     * key of {@code keyText}. Pass the same string twice when both are in one text. When the key belongs to a
     * certificate other than the first, that certificate is moved to the front and the others keep their
     * order.
     *
     * @param password decrypts an encrypted key; may be {@code null} for a plain one
     * @param source names the input in messages, such as "the PEM text" or "file /x/y.pem"
     * @throws CredentialsException MALFORMED, NO_CERTIFICATE, NO_PRIVATE_KEY, PASSWORD_REQUIRED,
     *     WRONG_PASSWORD, KEY_MISMATCH or UNSUPPORTED
     */
    public static Credentials fromPem(String certificateText, String keyText, char[] password, String source) {
        boolean oneText = certificateText.equals(keyText);
        String certificateSource = oneText ? source : "the certificate text of " + source;
        String keySource = oneText ? source : "the key text of " + source;

        List<PemBlock> certificateBlocks = readPem(certificateText, certificateSource);
        try {
            List<PemBlock> keyBlocks = oneText ? certificateBlocks : readPem(keyText, keySource);
            try {
                List<X509Certificate> certificates = certificates(certificateBlocks, certificateSource);
                List<PemBlock> keys = keyBlocks.stream().filter(PemBlock::isPrivateKey).toList();
                if (keys.isEmpty()) {
                    throw new CredentialsException(Problem.NO_PRIVATE_KEY, capitalize(keySource)
                            + " holds no private key ('-----BEGIN ... PRIVATE KEY-----' block)"
                            + (oneText ? "; give the key in the same text or as a second text." : "."));
                }
                if (keys.size() > 1) {
                    throw new CredentialsException(Problem.MALFORMED,
                            capitalize(keySource) + " holds " + keys.size() + " private keys; it must hold exactly one.");
                }
                PrivateKey key = PrivateKeyReader.read(keys.get(0), password, keySource);
                return Credentials.of(key, leafFirst(key, certificates, source));
            } finally {
                eraseKeys(keyBlocks);
            }
        } finally {
            eraseKeys(certificateBlocks);
        }
    }

    private static void eraseKeys(List<PemBlock> blocks) {
        for (PemBlock block : blocks) {
            if (block.isPrivateKey()) {
                block.erase();
            }
        }
    }

    /**
     * Reads credentials from a PKCS#12 store: the first private key entry and its certificate chain.
     *
     * @param password the store's password; {@code null} is read as the empty password
     * @param source names the input in messages, such as "the PKCS#12 bytes" or "file /x/y.p12"
     * @throws CredentialsException MALFORMED, NO_PRIVATE_KEY, NO_CERTIFICATE, PASSWORD_REQUIRED,
     *     WRONG_PASSWORD, KEY_MISMATCH or UNSUPPORTED
     */
    public static Credentials fromPkcs12(byte[] pkcs12, char[] password, String source) {
        char[] storePassword = password == null ? new char[0] : password;
        requireShallow(pkcs12, "The PKCS#12 store in " + source);
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            loadBounded(store, pkcs12, storePassword, source);
        } catch (IOException e) {
            if (isPasswordFailure(e)) {
                throw passwordFailure(password, "the PKCS#12 store in " + source, e);
            }
            throw new CredentialsException(Problem.MALFORMED,
                    "No PKCS#12 store can be read from " + source + ": " + reason(e) + ".", e);
        } catch (NoSuchAlgorithmException e) {
            throw new CredentialsException(Problem.UNSUPPORTED, "The PKCS#12 store in " + source
                    + " uses an algorithm this JVM does not support: " + reason(e) + ".", e);
        } catch (CertificateException e) {
            throw new CredentialsException(Problem.MALFORMED, "A certificate in the PKCS#12 store in " + source
                    + " cannot be read: " + reason(e) + ".", e);
        } catch (KeyStoreException e) {
            throw new CredentialsException(Problem.UNSUPPORTED, "This JVM has no PKCS#12 key store: " + reason(e) + ".", e);
        }

        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                    continue;
                }
                Key key = recoverKey(store, alias, storePassword, password, source);
                Certificate[] chain = store.getCertificateChain(alias);
                if (chain == null || chain.length == 0) {
                    throw new CredentialsException(Problem.NO_CERTIFICATE, "The private key '" + alias + "' in the "
                            + "PKCS#12 store in " + source + " has no certificate with it.");
                }
                List<X509Certificate> certificates = new ArrayList<>(chain.length);
                for (Certificate certificate : chain) {
                    if (!(certificate instanceof X509Certificate x509)) {
                        throw new CredentialsException(Problem.UNSUPPORTED, "The PKCS#12 store in " + source + " holds a "
                                + certificate.getType() + " certificate; only X.509 certificates are supported.");
                    }
                    certificates.add(x509);
                }
                return Credentials.of((PrivateKey) key, leafFirst((PrivateKey) key, certificates, source));
            }
        } catch (KeyStoreException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The entries of the PKCS#12 store in " + source + " cannot be listed: " + reason(e) + ".", e);
        }
        throw new CredentialsException(Problem.NO_PRIVATE_KEY, "The PKCS#12 store in " + source + " holds no private key"
                + " entry; export the certificate together with its private key (in Keychain Access, select both).");
    }

    /**
     * All certificates in a PEM text, in order.
     *
     * @throws CredentialsException {@code NO_CERTIFICATE} when it holds none, {@code MALFORMED} when one cannot
     *     be read or the text is not PEM
     */
    public static List<X509Certificate> certificatesFromPem(String pem, String source) {
        return certificates(readPem(pem, source), source);
    }

    /**
     * Checks that {@code key} belongs to {@code certificate}'s public key.
     *
     * @throws CredentialsException {@code KEY_MISMATCH} naming the certificate's subject when it does not,
     *     {@code UNSUPPORTED} when the key is of a kind that cannot be checked
     */
    public static void requireMatchingKey(PrivateKey key, X509Certificate certificate) {
        KeyMatching.Outcome outcome = KeyMatching.compare(key, certificate.getPublicKey());
        if (!outcome.matches()) {
            throw new CredentialsException(Problem.KEY_MISMATCH, "The private key does not belong to the certificate '"
                    + certificate.getSubjectX500Principal().getName() + "': " + outcome.reason() + ".");
        }
    }

    private static List<PemBlock> readPem(String text, String source) {
        List<PemBlock> blocks = PemReader.read(text, source);
        if (blocks.isEmpty()) {
            throw new CredentialsException(Problem.MALFORMED, "No PEM block was found in " + source
                    + ": it has no '-----BEGIN ...-----' line. A binary certificate (.cer, .der) must be converted to PEM"
                    + " first, and a .p12 file read with"
                    + " fromPkcs12.");
        }
        return blocks;
    }

    /**
     * Loads a PKCS#12 store. Its outer DER is checked by {@link #requireShallow} first; the content of encrypted
     * bags can only be seen once the JDK has decrypted it, so for that content (and only at this boundary, where
     * the store being loaded is local to this call and no shared state is half-updated) a stack overflow in the
     * JDK's recursive parser is turned into the typed error as a last resort.
     */
    private static void loadBounded(KeyStore store, byte[] pkcs12, char[] password, String source)
            throws IOException, NoSuchAlgorithmException, CertificateException {
        try {
            store.load(new ByteArrayInputStream(pkcs12), password);
        } catch (StackOverflowError e) {
            throw new CredentialsException(Problem.MALFORMED, "No PKCS#12 store can be read from " + source
                    + ": its content nests too deeply to parse.");
        }
    }

    /**
     * Refuses DER that nests deeper than {@link DerNesting#MAX_DEPTH} before a JDK parser sees it.
     *
     * @param what the thing, capitalised, for example "The certificate in cert.pem (PEM block 1)"
     * @throws CredentialsException {@code MALFORMED}
     */
    static void requireShallow(byte[] der, String what) {
        String problem = DerNesting.tooDeep(der);
        if (problem != null) {
            throw new CredentialsException(Problem.MALFORMED, what + " cannot be read: " + problem + ".");
        }
    }

    private static List<X509Certificate> certificates(List<PemBlock> blocks, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new CredentialsException(Problem.UNSUPPORTED, "This JVM cannot read X.509 certificates: " + reason(e), e);
        }
        for (PemBlock block : blocks) {
            if (!block.isCertificate()) {
                continue;
            }
            requireShallow(block.bytes(), "The certificate in " + source + " (PEM block " + block.number() + ")");
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.bytes())));
            } catch (CertificateException e) {
                throw new CredentialsException(Problem.MALFORMED, "The certificate in " + source + " (PEM block "
                        + block.number() + ") cannot be read: " + reason(e) + ".", e);
            }
        }
        if (certificates.isEmpty()) {
            throw new CredentialsException(Problem.NO_CERTIFICATE,
                    capitalize(source) + " holds no certificate ('-----BEGIN CERTIFICATE-----' block).");
        }
        return List.copyOf(certificates);
    }

    /** The chain with the certificate that {@code key} belongs to first; the others keep their order. */
    private static List<X509Certificate> leafFirst(PrivateKey key, List<X509Certificate> chain, String source) {
        KeyMatching.Outcome first = KeyMatching.compare(key, chain.get(0).getPublicKey());
        if (first.matches()) {
            return chain;
        }
        for (int i = 1; i < chain.size(); i++) {
            if (KeyMatching.compare(key, chain.get(i).getPublicKey()).matches()) {
                List<X509Certificate> reordered = new ArrayList<>(chain.size());
                reordered.add(chain.get(i));
                for (int j = 0; j < chain.size(); j++) {
                    if (j != i) {
                        reordered.add(chain.get(j));
                    }
                }
                return reordered;
            }
        }
        String subject = chain.get(0).getSubjectX500Principal().getName();
        throw new CredentialsException(Problem.KEY_MISMATCH, "The private key in " + source
                + " does not belong to the certificate '" + subject + "'"
                + (chain.size() > 1 ? " nor to any other certificate there" : "") + ": " + first.reason() + ".");
    }

    private static Key recoverKey(KeyStore store, String alias, char[] storePassword, char[] givenPassword, String source) {
        try {
            return store.getKey(alias, storePassword);
        } catch (UnrecoverableKeyException e) {
            throw passwordFailure(givenPassword, "the private key '" + alias + "' in the PKCS#12 store in " + source, e);
        } catch (NoSuchAlgorithmException e) {
            throw new CredentialsException(Problem.UNSUPPORTED, "The private key '" + alias + "' in the "
                    + "PKCS#12 store in " + source + " is protected with an algorithm this JVM does not support: "
                    + reason(e) + ".", e);
        } catch (KeyStoreException e) {
            throw new CredentialsException(Problem.MALFORMED, "The private key '" + alias + "' in the "
                    + "PKCS#12 store in " + source + " cannot be read: " + reason(e) + ".", e);
        }
    }

    /** Whether a PKCS#12 load failed because of the password rather than the data. */
    private static boolean isPasswordFailure(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecoverableKeyException || cause instanceof UnrecoverableEntryException
                    || cause instanceof BadPaddingException) {
                return true;
            }
            String message = cause.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("password")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static CredentialsException passwordFailure(char[] givenPassword, String what, Exception e) {
        if (Secrets.isMissing(givenPassword)) {
            return new CredentialsException(Problem.PASSWORD_REQUIRED,
                    capitalize(what) + " is protected by a password; give it.", e);
        }
        return new CredentialsException(Problem.WRONG_PASSWORD, "The password does not open " + what + ".", e);
    }

    /** What went wrong, for a message: the exception's message, or what its type says when it has none. */
    static String reason(Throwable e) {
        if (e instanceof EOFException) {
            return "the data ends too early";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
