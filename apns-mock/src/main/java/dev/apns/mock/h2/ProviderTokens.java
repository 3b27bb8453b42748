package dev.apns.mock.h2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Verifies provider tokens (ES256 JWTs) the way APNs does: header {@code alg} ES256 and a {@code kid} naming a
 * registered key, claims {@code iss} (that key's team) and {@code iat}, and a signature by that key, in the JWS
 * form (64 bytes, R‖S) or DER (which APNs also accepts). Stateless and thread-safe.
 */
final class ProviderTokens {
    /** Longer tokens are refused unread: a real one is about 200 characters. */
    static final int MAX_TOKEN_CHARS = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder URL = Base64.getUrlDecoder();

    /** A signing key the server accepts. */
    record Registration(String teamId, String keyId, ECPublicKey key, Set<String> topics) {
    }

    /** What verification found: the key and issue time of a good token, or the reason a bad one is refused. */
    record Verification(Registration registration, long issuedAtSeconds, String failure) {
        static Verification failed(String reason) {
            return new Verification(null, 0, reason);
        }

        boolean valid() {
            return failure == null;
        }
    }

    private ProviderTokens() {
    }

    /** Verifies {@code token} (the JWT, without {@code bearer}) against {@code keys} (by key id). */
    static Verification verify(String token, Map<String, Registration> keys) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return Verification.failed("InvalidProviderToken");
        }
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
            return Verification.failed("InvalidProviderToken");
        }
        try {
            JsonNode header = JSON.readTree(URL.decode(token.substring(0, firstDot)));
            JsonNode claims = JSON.readTree(URL.decode(token.substring(firstDot + 1, secondDot)));
            byte[] signature = URL.decode(token.substring(secondDot + 1));
            if (header == null || claims == null || !header.isObject() || !claims.isObject()
                    || !"ES256".equals(header.path("alg").asText(null))) {
                return Verification.failed("InvalidProviderToken");
            }
            JsonNode kid = header.get("kid");
            JsonNode iss = claims.get("iss");
            JsonNode iat = claims.get("iat");
            if (kid == null || !kid.isTextual() || iss == null || !iss.isTextual() || iat == null
                    || !iat.canConvertToLong()) {
                return Verification.failed("InvalidProviderToken");
            }
            Registration registration = keys.get(kid.asText());
            if (registration == null || !registration.teamId().equals(iss.asText())) {
                return Verification.failed("InvalidProviderToken");
            }
            byte[] signed = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
            if (!signatureMatches(registration.key(), signed, signature)) {
                return Verification.failed("InvalidProviderToken");
            }
            return new Verification(registration, iat.asLong(), null);
        } catch (IllegalArgumentException | IOException e) {
            // Not base64url or not JSON: a malformed token, which APNs refuses like a forged one.
            return Verification.failed("InvalidProviderToken");
        }
    }

    private static boolean signatureMatches(ECPublicKey key, byte[] signed, byte[] signature) {
        String algorithm = signature.length == 64 ? "SHA256withECDSAinP1363Format" : "SHA256withECDSA";
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A DER signature that does not parse ends here (SignatureException): not a valid signature.
            return false;
        }
    }
}
