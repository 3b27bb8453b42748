package dev.apns.internal.auth;

import dev.apns.SigningKey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;

/**
 * Makes APNs provider tokens: JWTs signed with ES256 (RFC 7518 §3.4), header
 * {@code {"alg":"ES256","kid":"<key id>"}}, claims {@code {"iss":"<team id>","iat":<epoch seconds>}}, each part
 * base64url without padding, and the signature in the 64-byte R‖S form JWS defines (the JDK's
 * {@code SHA256withECDSAinP1363Format}; plain {@code SHA256withECDSA} would give DER).
 *
 * <p>The JSON is written by hand: the ids are ten characters of {@code A-Z0-9} ({@link SigningKey} checks)
 * and {@code iat} is a number, so nothing needs escaping and the output is exactly the compact form above.
 *
 * <p>Stateless and thread-safe.
 */
public final class JwtSigner {
    /** The JDK signature algorithm that gives ES256's fixed-length R‖S signature. */
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSAinP1363Format";

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private JwtSigner() {
    }

    /** A new token signed with {@code key}, issued at {@code nowMillis} (milliseconds since the epoch, rounded down to seconds). */
    public static ProviderToken mint(SigningKey key, long nowMillis) {
        long issuedAtSeconds = Math.floorDiv(nowMillis, 1000L);
        return new ProviderToken(key, jwt(key, issuedAtSeconds), issuedAtSeconds);
    }

    /** The compact JWT for {@code key} issued at {@code issuedAtSeconds}. */
    static String jwt(SigningKey key, long issuedAtSeconds) {
        String signingInput = encode(header(key)) + '.' + encode(claims(key, issuedAtSeconds));
        byte[] signature;
        try {
            Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(key.privateKey());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            // SigningKey made a test signature with this key and algorithm when it was read; this cannot happen
            // unless the JVM's providers changed since.
            throw new IllegalStateException("The JVM could not sign a provider token with " + key + ": " + e.getMessage(), e);
        }
        return signingInput + '.' + BASE64URL.encodeToString(signature);
    }

    /** The JOSE header, compact: {@code {"alg":"ES256","kid":"ABC123DEFG"}}. */
    static String header(SigningKey key) {
        return "{\"alg\":\"ES256\",\"kid\":\"" + key.keyId() + "\"}";
    }

    /** The claims, compact: {@code {"iss":"DEF123GHIJ","iat":1700000000}}. */
    static String claims(SigningKey key, long issuedAtSeconds) {
        return "{\"iss\":\"" + key.teamId() + "\",\"iat\":" + issuedAtSeconds + "}";
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.US_ASCII));
    }
}
