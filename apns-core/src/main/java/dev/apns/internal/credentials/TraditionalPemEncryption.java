package dev.apns.internal.credentials;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts OpenSSL's traditional encrypted PEM keys: a {@code BEGIN RSA PRIVATE KEY} or
 * {@code BEGIN EC PRIVATE KEY} block with the headers {@code Proc-Type: 4,ENCRYPTED} and
 * {@code DEK-Info: <cipher>,<iv as hex>}. The key comes from OpenSSL's {@code EVP_BytesToKey} with MD5,
 * one iteration and the first 8 bytes of the IV as salt. Ciphers: AES-128/192/256-CBC, DES-EDE3-CBC and
 * DES-CBC.
 *
 * <p>Stateless and thread-safe. The password bytes and the derived key are zeroed after use.
 */
final class TraditionalPemEncryption {
    private static final int SALT_LENGTH = 8;

    private TraditionalPemEncryption() {
    }

    /** Whether the block carries OpenSSL's encryption headers. */
    static boolean isEncrypted(PemBlock block) {
        return block.header("Proc-Type").isPresent() || block.header("DEK-Info").isPresent();
    }

    /**
     * The decrypted DER; the caller checks its structure (a result of the wrong shape means a wrong
     * password) and erases it.
     *
     * @param what names the key for messages, such as "private key (PEM block 2) in the PEM text"
     */
    static byte[] decrypt(PemBlock block, char[] password, String what) {
        Optional<String> procType = block.header("Proc-Type");
        if (procType.isEmpty() || !procType.get().replace(" ", "").equalsIgnoreCase("4,ENCRYPTED")) {
            throw new CredentialsException(Problem.MALFORMED, "The " + what + " has a DEK-Info header but its Proc-Type is "
                    + procType.map(type -> "'" + type + "'").orElse("missing") + " instead of '4,ENCRYPTED'.");
        }
        String dekInfo = block.header("DEK-Info").orElseThrow(() -> new CredentialsException(Problem.MALFORMED,
                "The " + what + " is marked encrypted (Proc-Type: 4,ENCRYPTED) but has no DEK-Info header."));
        int comma = dekInfo.indexOf(',');
        if (comma < 0) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The DEK-Info header of the " + what + " is not '<cipher>,<iv in hex>'.");
        }
        String cipherName = dekInfo.substring(0, comma).strip().toUpperCase(Locale.ROOT);
        String ivHex = dekInfo.substring(comma + 1).strip();
        BlockCipher cipher = switch (cipherName) {
            case "AES-128-CBC" -> new BlockCipher("AES", 16, 16);
            case "AES-192-CBC" -> new BlockCipher("AES", 24, 16);
            case "AES-256-CBC" -> new BlockCipher("AES", 32, 16);
            case "DES-EDE3-CBC" -> new BlockCipher("DESede", 24, 8);
            case "DES-CBC" -> new BlockCipher("DES", 8, 8);
            default -> throw new CredentialsException(Problem.UNSUPPORTED, "The " + what + " is encrypted with " + cipherName
                    + ", which is not supported; AES-128/192/256-CBC, DES-EDE3-CBC and DES-CBC are. Convert it with "
                    + "'openssl pkcs8 -topk8 -v2 aes-256-cbc'.");
        };
        byte[] iv;
        try {
            iv = HexFormat.of().parseHex(ivHex);
        } catch (IllegalArgumentException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The initialisation vector in the DEK-Info header of the " + what + " is not hexadecimal.", e);
        }
        if (iv.length != cipher.blockSize()) {
            throw new CredentialsException(Problem.MALFORMED, "The initialisation vector in the DEK-Info header of the "
                    + what + " has " + iv.length + " bytes; " + cipherName + " needs " + cipher.blockSize() + ".");
        }

        byte[] passwordBytes = Secrets.utf8(password);
        byte[] key = null;
        try {
            key = bytesToKey(passwordBytes, iv, cipher.keySize());
            Cipher decryptor = Cipher.getInstance(cipher.name() + "/CBC/PKCS5Padding");
            decryptor.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, cipher.name()), new IvParameterSpec(iv));
            return decryptor.doFinal(block.bytes());
        } catch (BadPaddingException e) {
            throw EncryptedPkcs8.wrongPassword(what, e);
        } catch (NoSuchAlgorithmException e) {
            throw new CredentialsException(Problem.UNSUPPORTED,
                    "This JVM cannot decrypt the " + what + ": " + CredentialsParser.reason(e) + ".", e);
        } catch (GeneralSecurityException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The " + what + " cannot be decrypted with " + cipherName + ": " + CredentialsParser.reason(e) + ".", e);
        } finally {
            Secrets.erase(passwordBytes, key);
        }
    }

    /** OpenSSL's {@code EVP_BytesToKey} with MD5 and one iteration: D_i = MD5(D_(i-1) || password || salt). */
    static byte[] bytesToKey(byte[] password, byte[] iv, int keyLength) throws NoSuchAlgorithmException {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] key = new byte[keyLength];
        byte[] previous = new byte[0];
        int filled = 0;
        while (filled < keyLength) {
            md5.update(previous);
            md5.update(password);
            md5.update(iv, 0, SALT_LENGTH);
            byte[] digest = md5.digest();
            int take = Math.min(digest.length, keyLength - filled);
            System.arraycopy(digest, 0, key, filled, take);
            filled += take;
            Secrets.erase(previous);
            previous = digest;
        }
        Secrets.erase(previous);
        return key;
    }

    private record BlockCipher(String name, int keySize, int blockSize) {
    }
}
