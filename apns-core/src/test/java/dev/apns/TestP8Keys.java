package dev.apns;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Keys for tests, made with the JDK: EC P-256 key pairs and their {@code .p8} (PKCS#8 PEM) text. */
public final class TestP8Keys {
    public static final String KEY_ID = "ABC123DEFG";
    public static final String TEAM_ID = "DEF123GHIJ";

    private TestP8Keys() {
    }

    /** A new EC key pair on the named curve, such as {@code secp256r1}. */
    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new P-256 key pair, the kind Apple issues. */
    public static KeyPair p256() {
        return ec("secp256r1");
    }

    /** The key as a {@code .p8} text: PKCS#8 DER, base64 in 64-character lines, between PRIVATE KEY lines. */
    public static String p8(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** {@code der} armoured as PEM with {@code label}. */
    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** A signing key read from a new P-256 key's {@code .p8} text, with {@link #KEY_ID} and {@link #TEAM_ID}. */
    public static SigningKey signingKey() {
        return SigningKey.fromP8(p8(p256().getPrivate()), KEY_ID, TEAM_ID);
    }
}
