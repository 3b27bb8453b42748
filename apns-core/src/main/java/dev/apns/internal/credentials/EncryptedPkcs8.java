package dev.apns.internal.credentials;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;
import dev.apns.internal.credentials.DerReader.DerException;

import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts a PKCS#8 {@code EncryptedPrivateKeyInfo} ({@code BEGIN ENCRYPTED PRIVATE KEY}).
 *
 * <p>PBES2 (what OpenSSL writes) is read here, with the JDK's PBKDF2 and ciphers: HMAC-SHA1/224/256/384/512
 * PRFs and AES-128/192/256-CBC, DES-EDE3-CBC or DES-CBC. The JDK's own {@link EncryptedPrivateKeyInfo}
 * rejects PBES2 with AES-192 or DES-EDE3 while parsing, so it is used for the legacy PBES1 and PKCS#12
 * schemes only, whose names the JDK knows ({@code PBEWithMD5AndDES}, {@code PBEWithSHA1AndDESede}, ...).
 *
 * <p>Stateless and thread-safe. Derived keys are zeroed after use.
 */
final class EncryptedPkcs8 {
    /** Far above any real file (OpenSSL writes 2048), low enough that a hostile file cannot stall a thread for minutes. */
    static final int MAX_ITERATIONS = 10_000_000;

    private EncryptedPkcs8() {
    }

    /**
     * The decrypted content, which should be a PKCS#8 {@code PrivateKeyInfo}; the caller checks it (a result
     * that is not one means a wrong password) and erases it.
     *
     * @param what names the key for messages, such as "the private key (PEM block 2) in the PEM text"
     */
    static byte[] decrypt(byte[] der, char[] password, String what) {
        String schemeOid;
        DerReader scheme;
        byte[] encrypted;
        try {
            DerReader top = new DerReader(der);
            DerReader info = top.sequence();
            top.requireEnd("the EncryptedPrivateKeyInfo");
            scheme = info.sequence();
            schemeOid = scheme.objectIdentifier();
            encrypted = info.octetString();
            info.requireEnd("the encrypted data");
        } catch (DerException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The encrypted " + what + " is not a PKCS#8 EncryptedPrivateKeyInfo: " + CredentialsParser.reason(e) + ".", e);
        }
        if (schemeOid.equals(Oids.PBES2)) {
            try {
                return pbes2(scheme, encrypted, password, what);
            } catch (DerException e) {
                throw new CredentialsException(Problem.MALFORMED,
                        "The PBES2 parameters of the encrypted " + what + " cannot be read: "
                                + CredentialsParser.reason(e) + ".", e);
            }
        }
        try {
            checkLegacyIterations(scheme, what);
        } catch (DerException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The parameters of the encrypted " + what + " (" + Oids.describe(schemeOid) + ") cannot be read: "
                            + CredentialsParser.reason(e) + ".", e);
        }
        return legacy(der, password, what);
    }

    /**
     * The legacy schemes (PBES1 and PKCS#12's, RFC 8018 and 7292) carry {@code SEQUENCE { salt, iterationCount }};
     * the JDK runs whatever count it finds, so it is capped here, before the JDK sees it, at the same
     * {@link #MAX_ITERATIONS} as PBES2: a legacy key derivation costs no more per iteration than PBKDF2, so
     * the same cap bounds a hostile file's CPU the same way (seconds), while real files (OpenSSL writes 2048,
     * the JDK's keytool 10,000 at most) are far below it.
     */
    private static void checkLegacyIterations(DerReader scheme, String what) throws DerException {
        if (!scheme.nextIs(DerReader.SEQUENCE)) {
            return; // no parameters: the JDK refuses the key itself
        }
        DerReader parameters = scheme.sequence();
        parameters.octetString();
        if (!parameters.nextIs(DerReader.INTEGER)) {
            throw new DerException("the iteration count is missing");
        }
        int iterations = parameters.smallInteger(1, Integer.MAX_VALUE);
        if (iterations > MAX_ITERATIONS) {
            throw unsupported("The encrypted " + what + " asks for " + iterations + " key-derivation iterations; more "
                    + "than " + MAX_ITERATIONS + " are refused.");
        }
    }

    private static byte[] pbes2(DerReader scheme, byte[] encrypted, char[] password, String what) throws DerException {
        DerReader parameters = scheme.sequence();
        DerReader kdf = parameters.sequence();
        String kdfOid = kdf.objectIdentifier();
        if (!kdfOid.equals(Oids.PBKDF2)) {
            throw unsupported("The encrypted " + what + " derives its key with " + Oids.describe(kdfOid)
                    + "; only PBKDF2 is supported. Re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'.");
        }
        DerReader kdfParameters = kdf.sequence();
        byte[] salt = kdfParameters.octetString();
        int iterations = kdfParameters.smallInteger(1, Integer.MAX_VALUE);
        int declaredKeyLength = kdfParameters.nextIs(DerReader.INTEGER) ? kdfParameters.smallInteger(1, 64) : -1;
        String prfOid = Oids.HMAC_SHA1;
        if (kdfParameters.nextIs(DerReader.SEQUENCE)) {
            DerReader prf = kdfParameters.sequence();
            prfOid = prf.objectIdentifier();
        }
        DerReader cipherScheme = parameters.sequence();
        String cipherOid = cipherScheme.objectIdentifier();
        byte[] iv = cipherScheme.nextIs(DerReader.OCTET_STRING) ? cipherScheme.octetString() : null;

        String kdfAlgorithm = switch (prfOid) {
            case Oids.HMAC_SHA1 -> "PBKDF2WithHmacSHA1";
            case Oids.HMAC_SHA224 -> "PBKDF2WithHmacSHA224";
            case Oids.HMAC_SHA256 -> "PBKDF2WithHmacSHA256";
            case Oids.HMAC_SHA384 -> "PBKDF2WithHmacSHA384";
            case Oids.HMAC_SHA512 -> "PBKDF2WithHmacSHA512";
            default -> throw unsupported("The encrypted " + what + " uses the PBKDF2 function " + Oids.describe(prfOid)
                    + ", which is not supported; HMAC-SHA1, -SHA224, -SHA256, -SHA384 and -SHA512 are.");
        };
        BlockCipher cipher = switch (cipherOid) {
            case Oids.AES128_CBC -> new BlockCipher("AES", 16, 16);
            case Oids.AES192_CBC -> new BlockCipher("AES", 24, 16);
            case Oids.AES256_CBC -> new BlockCipher("AES", 32, 16);
            case Oids.DES_EDE3_CBC -> new BlockCipher("DESede", 24, 8);
            case Oids.DES_CBC -> new BlockCipher("DES", 8, 8);
            default -> throw unsupported("The encrypted " + what + " uses the cipher " + Oids.describe(cipherOid)
                    + ", which is not supported; AES-128/192/256-CBC, DES-EDE3-CBC and DES-CBC are.");
        };
        if (iv == null || iv.length != cipher.blockSize()) {
            throw new DerException("the " + Oids.describe(cipherOid) + " initialisation vector is missing or not "
                    + cipher.blockSize() + " bytes long");
        }
        if (declaredKeyLength != -1 && declaredKeyLength != cipher.keySize()) {
            throw new DerException("the PBKDF2 key length " + declaredKeyLength + " does not fit " + Oids.describe(cipherOid));
        }
        if (iterations > MAX_ITERATIONS) {
            throw unsupported("The encrypted " + what + " asks for " + iterations + " PBKDF2 iterations; more than "
                    + MAX_ITERATIONS + " are refused.");
        }

        byte[] derived = null;
        PBEKeySpec keySpec = new PBEKeySpec(password, salt, iterations, cipher.keySize() * 8);
        try {
            SecretKey secret = SecretKeyFactory.getInstance(kdfAlgorithm).generateSecret(keySpec);
            derived = secret.getEncoded();
            Cipher decryptor = Cipher.getInstance(cipher.name() + "/CBC/PKCS5Padding");
            decryptor.init(Cipher.DECRYPT_MODE, new SecretKeySpec(derived, cipher.name()), new IvParameterSpec(iv));
            return decryptor.doFinal(encrypted);
        } catch (BadPaddingException e) {
            throw wrongPassword(what, e);
        } catch (NoSuchAlgorithmException e) {
            throw unsupported("This JVM cannot decrypt the " + what + ": " + CredentialsParser.reason(e) + ".", e);
        } catch (GeneralSecurityException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The encrypted " + what + " cannot be decrypted: " + CredentialsParser.reason(e) + ".", e);
        } finally {
            keySpec.clearPassword();
            Secrets.erase(derived);
        }
    }

    private static byte[] legacy(byte[] der, char[] password, String what) {
        CredentialsParser.requireShallow(der, "The encrypted " + what);
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The encrypted " + what + " cannot be read: " + CredentialsParser.reason(e) + ".", e);
        }
        String algorithm = info.getAlgName();
        AlgorithmParameters parameters = info.getAlgParameters();
        PBEKeySpec keySpec = new PBEKeySpec(password);
        try {
            SecretKey secret = SecretKeyFactory.getInstance(algorithm).generateSecret(keySpec);
            Cipher decryptor = Cipher.getInstance(algorithm);
            decryptor.init(Cipher.DECRYPT_MODE, secret, parameters);
            return decryptor.doFinal(info.getEncryptedData());
        } catch (BadPaddingException e) {
            throw wrongPassword(what, e);
        } catch (NoSuchAlgorithmException e) {
            throw unsupported("The encrypted " + what + " uses " + algorithm
                    + ", which this JVM does not support; re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'.", e);
        } catch (InvalidKeySpecException e) {
            throw unsupported("This JVM cannot use the password given with " + algorithm + " (it accepts ASCII only): "
                    + CredentialsParser.reason(e) + ".", e);
        } catch (GeneralSecurityException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The encrypted " + what + " cannot be decrypted with " + algorithm + ": "
                            + CredentialsParser.reason(e) + ".", e);
        } finally {
            keySpec.clearPassword();
        }
    }

    static CredentialsException wrongPassword(String what, Throwable cause) {
        return new CredentialsException(Problem.WRONG_PASSWORD, "The password does not decrypt the " + what + ".", cause);
    }

    private static CredentialsException unsupported(String message) {
        return new CredentialsException(Problem.UNSUPPORTED, message);
    }

    private static CredentialsException unsupported(String message, Throwable cause) {
        return new CredentialsException(Problem.UNSUPPORTED, message, cause);
    }

    private record BlockCipher(String name, int keySize, int blockSize) {
    }
}
