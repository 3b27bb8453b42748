package dev.apns.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

import org.junit.jupiter.api.Test;

class KeyMatchingTest {
    private static final KeyPair RSA = generate("RSA", 1024);
    private static final KeyPair OTHER_RSA = generate("RSA", 1024);
    private static final KeyPair P256 = generateEc("secp256r1");
    private static final KeyPair OTHER_P256 = generateEc("secp256r1");
    private static final KeyPair P384 = generateEc("secp384r1");
    private static final KeyPair ED25519 = generate("Ed25519", 0);
    private static final KeyPair OTHER_ED25519 = generate("Ed25519", 0);

    @Test
    void rsaKeysMatchByModulus() {
        assertThat(KeyMatching.compare(RSA.getPrivate(), RSA.getPublic()).matches()).isTrue();
        KeyMatching.Outcome other = KeyMatching.compare(RSA.getPrivate(), OTHER_RSA.getPublic());
        assertThat(other.matches()).isFalse();
        assertThat(other.reason()).contains("modulus");
    }

    @Test
    void ecKeysMatchBySignature() {
        assertThat(KeyMatching.compare(P256.getPrivate(), P256.getPublic()).matches()).isTrue();
        KeyMatching.Outcome other = KeyMatching.compare(P256.getPrivate(), OTHER_P256.getPublic());
        assertThat(other.matches()).isFalse();
        assertThat(other.reason()).contains("does not verify");
    }

    @Test
    void ecKeysOnDifferentCurvesDoNotMatch() {
        KeyMatching.Outcome outcome = KeyMatching.compare(P256.getPrivate(), P384.getPublic());
        assertThat(outcome.matches()).isFalse();
        assertThat(outcome.reason()).contains("different elliptic curve");
    }

    @Test
    void keysOfDifferentTypesDoNotMatch() {
        KeyMatching.Outcome outcome = KeyMatching.compare(P256.getPrivate(), RSA.getPublic());
        assertThat(outcome.matches()).isFalse();
        assertThat(outcome.reason()).isEqualTo("it is an EC key and the certificate holds an RSA key");
    }

    @Test
    void ed25519KeysMatchBySignature() {
        assertThat(KeyMatching.compare(ED25519.getPrivate(), ED25519.getPublic()).matches()).isTrue();
        assertThat(KeyMatching.compare(ED25519.getPrivate(), OTHER_ED25519.getPublic()).matches()).isFalse();
    }

    private static KeyPair generate(String algorithm, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (size > 0) {
                generator.initialize(size);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generateEc(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
