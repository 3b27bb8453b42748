package dev.apns.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

import org.junit.jupiter.api.Test;

class EncryptedPkcs8Test {
    private static final char[] PASSWORD = "test-password".toCharArray();

    @Test
    void aStreamCipherDecryptingWithTheWrongPasswordIsCaughtByTheKeyStructure() throws Exception {
        // RC4 has no padding to fail, so only the shape of the result tells a wrong password.
        PemBlock block = encrypted("PBEWithSHA1AndRC4_128", ecKey().getEncoded());
        assertThatThrownBy(() -> PrivateKeyReader.read(block, "wrong".toCharArray(), "the test text"))
                .isInstanceOfSatisfying(CredentialsException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSWORD))
                .hasMessageStartingWith("The password does not decrypt the private key in the test text");
        assertThat(PrivateKeyReader.read(encrypted("PBEWithSHA1AndRC4_128", ecKey().getEncoded()), PASSWORD, "the test text"))
                .isNotNull();
    }

    @Test
    void decryptedDataThatIsNotAKeyCountsAsAWrongPassword() throws Exception {
        PemBlock block = encrypted("PBEWithSHA1AndDESede", "no key in here".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> PrivateKeyReader.read(block, PASSWORD, "the test text"))
                .isInstanceOfSatisfying(CredentialsException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSWORD));
    }

    private static PrivateKey ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair().getPrivate();
    }

    private static PemBlock encrypted(String algorithm, byte[] plain) throws Exception {
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(PASSWORD)),
                new PBEParameterSpec(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, 1000));
        byte[] der = new EncryptedPrivateKeyInfo(cipher.getParameters(), cipher.doFinal(plain)).getEncoded();
        String pem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
        return PemReader.read(pem, "the test text").get(0);
    }
}
