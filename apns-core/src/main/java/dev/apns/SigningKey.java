package dev.apns;

import dev.apns.internal.credentials.SigningKeyReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An APNs token-authentication key: the EC P-256 private key of a {@code .p8} file from Apple's developer
 * portal, with the 10-character key id Apple gave it and the 10-character id of the team it belongs to.
 * The SDK signs its provider tokens (ES256 JWTs) with it.
 *
 * <p>Read from the {@code .p8} text (unencrypted PKCS#8 PEM, as Apple issues it) given as a string, bytes,
 * a stream or a file; nothing is written to disk. The public key is derived and checked on reading, so a key
 * that cannot sign is refused here and not at the first notification.
 *
 * <p>Immutable and thread-safe. Two signing keys are equal when their team id, key id and public key are;
 * {@link #toString()} shows those ids and a short public-key fingerprint, never the private key.
 */
public final class SigningKey {
    private static final int ID_LENGTH = 10;

    private final String teamId;
    private final String keyId;
    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;
    private final byte[] publicKeyDigest;

    private SigningKey(String teamId, String keyId, KeyPair keys) {
        this.teamId = teamId;
        this.keyId = keyId;
        this.privateKey = (ECPrivateKey) keys.getPrivate();
        this.publicKey = (ECPublicKey) keys.getPublic();
        this.publicKeyDigest = sha256(publicKey.getEncoded());
    }

    /**
     * Reads a {@code .p8} text.
     *
     * @param keyId the key's id from the developer portal: 10 characters, {@code A-Z} and {@code 0-9}
     * @param teamId the team's id: 10 characters, {@code A-Z} and {@code 0-9}
     * @throws IllegalArgumentException when an id is not 10 upper-case letters or digits; the message names
     *     the field and its value
     * @throws CredentialsException when the text is not an unencrypted EC P-256 private key in PEM:
     *     {@code MALFORMED}, {@code NO_PRIVATE_KEY}, {@code UNSUPPORTED} (encrypted) or {@code WRONG_KEY_TYPE}
     */
    public static SigningKey fromP8(String pemText, String keyId, String teamId) {
        Objects.requireNonNull(pemText, "pemText");
        return read(pemText, keyId, teamId, "the .p8 text");
    }

    /** Reads a {@code .p8} text given as UTF-8 or ASCII bytes; see {@link #fromP8(String, String, String)}. */
    public static SigningKey fromP8(byte[] pem, String keyId, String teamId) {
        Objects.requireNonNull(pem, "pem");
        return read(new String(pem, StandardCharsets.UTF_8), keyId, teamId, "the .p8 bytes");
    }

    /**
     * Reads a {@code .p8} stream to its end; the stream is not closed. See {@link #fromP8(String, String, String)};
     * a failing stream gives {@code CredentialsException} {@code MALFORMED}.
     */
    public static SigningKey fromP8(InputStream pem, String keyId, String teamId) {
        Objects.requireNonNull(pem, "pem");
        requireIds(keyId, teamId);
        byte[] bytes;
        try {
            bytes = pem.readAllBytes();
        } catch (IOException e) {
            throw new CredentialsException(CredentialsException.Problem.MALFORMED,
                    "Could not read the .p8 stream: " + e.getMessage(), e);
        }
        try {
            return read(new String(bytes, StandardCharsets.UTF_8), keyId, teamId, "the .p8 stream");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Reads a {@code .p8} file, such as {@code AuthKey_ABC123DEFG.p8}; see {@link #fromP8(String, String, String)}.
     * A file that cannot be read gives {@code CredentialsException} {@code MALFORMED} naming it.
     */
    public static SigningKey fromP8(Path p8File, String keyId, String teamId) {
        Objects.requireNonNull(p8File, "p8File");
        requireIds(keyId, teamId);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p8File);
        } catch (IOException e) {
            throw new CredentialsException(CredentialsException.Problem.MALFORMED, "Could not read file " + p8File + ": " + e, e);
        }
        try {
            return read(new String(bytes, StandardCharsets.UTF_8), keyId, teamId, "file " + p8File);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static SigningKey read(String text, String keyId, String teamId, String source) {
        requireIds(keyId, teamId);
        return new SigningKey(teamId, keyId, SigningKeyReader.read(text, source));
    }

    private static void requireIds(String keyId, String teamId) {
        requireId("keyId", keyId);
        requireId("teamId", teamId);
    }

    private static void requireId(String field, String value) {
        Objects.requireNonNull(value, field);
        boolean valid = value.length() == ID_LENGTH;
        for (int i = 0; valid && i < value.length(); i++) {
            char c = value.charAt(i);
            valid = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
        if (!valid) {
            throw new IllegalArgumentException("The " + field + " must be 10 characters, upper-case letters A-Z and digits "
                    + "0-9, as the developer portal shows it; " + shown(value) + " is not.");
        }
    }

    /**
     * The bad id for a message: quoted when it is short printable text; otherwise only its length, so that a
     * key text passed in the wrong argument never reaches a message.
     */
    private static String shown(String value) {
        boolean printable = value.length() <= 20 && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return printable ? "'" + value + "'" : "the value given (" + value.length() + " characters, not shown)";
    }

    /** The team id, the {@code iss} claim of the provider tokens. */
    public String teamId() {
        return teamId;
    }

    /** The key id, the {@code kid} header of the provider tokens. */
    public String keyId() {
        return keyId;
    }

    /** The public key, with which APNs (or a test server) verifies the tokens. */
    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** The private key. Handed to the SDK's token signer; never printed. */
    public ECPrivateKey privateKey() {
        return privateKey;
    }

    /** The SHA-256 digest of the public key's X.509 (SubjectPublicKeyInfo) encoding, as lower-case hex. */
    public String publicKeyDigest() {
        return HexFormat.of().formatHex(publicKeyDigest);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SigningKey that && teamId.equals(that.teamId) && keyId.equals(that.keyId)
                && MessageDigest.isEqual(publicKeyDigest, that.publicKeyDigest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(teamId, keyId, Arrays.hashCode(publicKeyDigest));
    }

    @Override
    public String toString() {
        return "SigningKey[teamId=" + teamId + ", keyId=" + keyId + ", publicKeySha256=" + publicKeyDigest().substring(0, 16)
                + "...]";
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java SE has", e);
        }
    }
}
