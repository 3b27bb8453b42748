package dev.apns.mock.h2;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * A throw-away APNs signing key for tests: an EC P-256 key pair with a team id and a key id, as Apple issues
 * them in a {@code .p8} file. {@link #privateKeyPkcs8Pem()} gives the {@code .p8} text for the client under
 * test, {@link #register(MockApnsHttp2Server, Set)} tells the mock server to accept it, and
 * {@link #providerToken(Instant)} writes a provider token (an ES256 JWT) for clients that do not write their
 * own. {@link #toString()} names the ids only, never the key.
 */
public final class TestSigningKey {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final String teamId;
    private final String keyId;
    private final KeyPair keyPair;

    private TestSigningKey(String teamId, String keyId, KeyPair keyPair) {
        this.teamId = teamId;
        this.keyId = keyId;
        this.keyPair = keyPair;
    }

    /** A new key with a random 10-character team id and key id. */
    public static TestSigningKey generate() {
        return generate(randomId(), randomId());
    }

    /** A new key with the given ids (Apple's are 10 characters of upper-case letters and digits). */
    public static TestSigningKey generate(String teamId, String keyId) {
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(keyId, "keyId");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return new TestSigningKey(teamId, keyId, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot generate EC P-256 keys: " + e.getMessage(), e);
        }
    }

    private static String randomId() {
        StringBuilder id = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    /** The team id, the {@code iss} claim of provider tokens. */
    public String teamId() {
        return teamId;
    }

    /** The key id, the {@code kid} of provider tokens. */
    public String keyId() {
        return keyId;
    }

    /** The public key the server verifies signatures with. */
    public ECPublicKey publicKey() {
        return (ECPublicKey) keyPair.getPublic();
    }

    /** The private key. */
    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /** The private key as Apple's {@code .p8} file holds it: PKCS#8 in PEM ({@code BEGIN PRIVATE KEY}). */
    public String privateKeyPkcs8Pem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keyPair.getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /** Registers this key with {@code server} for {@code topics} (bundle ids); returns this key. */
    public TestSigningKey register(MockApnsHttp2Server server, Set<String> topics) {
        server.registerKey(teamId, keyId, publicKey(), topics);
        return this;
    }

    /**
     * A provider token issued at {@code issuedAt}: {@code {"alg":"ES256","kid":...}}, {@code {"iss":...,"iat":...}}
     * and the 64-byte R‖S signature, base64url without padding.
     */
    public String providerToken(Instant issuedAt) {
        String header = "{\"alg\":\"ES256\",\"kid\":\"" + keyId + "\"}";
        String claims = "{\"iss\":\"" + teamId + "\",\"iat\":" + issuedAt.getEpochSecond() + "}";
        String signingInput = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(keyPair.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing a provider token failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TestSigningKey[team " + teamId + ", key " + keyId + "]";
    }
}
