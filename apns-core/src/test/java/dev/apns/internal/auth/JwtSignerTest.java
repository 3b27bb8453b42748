package dev.apns.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.SigningKey;
import dev.apns.TestP8Keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class JwtSignerTest {
    private static final SigningKey KEY = TestP8Keys.signingKey();
    private static final long NOW_MILLIS = 1_700_000_000_999L;

    @Test
    void headerAndClaimsAreExactlyTheCompactJsonApnsWants() {
        String[] parts = JwtSigner.mint(KEY, NOW_MILLIS).jwt().split("\\.", -1);

        assertThat(parts).hasSize(3);
        assertThat(decode(parts[0])).isEqualTo("{\"alg\":\"ES256\",\"kid\":\"ABC123DEFG\"}");
        assertThat(decode(parts[1])).isEqualTo("{\"iss\":\"DEF123GHIJ\",\"iat\":1700000000}");
    }

    @Test
    void everyPartIsBase64UrlWithoutPadding() {
        String jwt = JwtSigner.mint(KEY, NOW_MILLIS).jwt();
        assertThat(jwt).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        // 34 and 37 bytes of JSON: standard base64 would end in '==', base64url without padding does not
        assertThat(jwt.split("\\.")[0]).isEqualTo(urlSafeUnpadded("{\"alg\":\"ES256\",\"kid\":\"ABC123DEFG\"}"));
        assertThat(jwt.split("\\.")[1]).isEqualTo(urlSafeUnpadded("{\"iss\":\"DEF123GHIJ\",\"iat\":1700000000}"));
    }

    @Test
    void theSignatureIs64BytesOfRAndSAndVerifiesWithThePublicKey() throws GeneralSecurityException {
        String jwt = JwtSigner.mint(KEY, NOW_MILLIS).jwt();
        int lastDot = jwt.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(jwt.substring(lastDot + 1));

        assertThat(signature).hasSize(64);
        assertThat(verify(jwt.substring(0, lastDot), signature)).isTrue();
        assertThat(verify(jwt.substring(0, lastDot) + "x", signature)).as("another signing input").isFalse();
    }

    @Test
    void aTokenSignedWithAnotherKeyDoesNotVerify() throws GeneralSecurityException {
        String jwt = JwtSigner.mint(TestP8Keys.signingKey(), NOW_MILLIS).jwt();
        int lastDot = jwt.lastIndexOf('.');
        assertThat(verify(jwt.substring(0, lastDot), Base64.getUrlDecoder().decode(jwt.substring(lastDot + 1)))).isFalse();
    }

    @Test
    void issuedAtIsTheWallClockRoundedDownToSeconds() {
        ProviderToken token = JwtSigner.mint(KEY, NOW_MILLIS);
        assertThat(token.issuedAtSeconds()).isEqualTo(1_700_000_000L);
        assertThat(token.issuedAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(token.key()).isSameAs(KEY);
    }

    @Test
    void theAuthorizationValueIsBearerAndTheJwt() {
        ProviderToken token = JwtSigner.mint(KEY, NOW_MILLIS);
        assertThat(token.authorization()).isEqualTo("bearer " + token.jwt());
    }

    @Test
    void toStringNamesTheKeyAndTimeButNotTheToken() {
        ProviderToken token = JwtSigner.mint(KEY, NOW_MILLIS);
        assertThat(token.toString()).isEqualTo("ProviderToken[teamId=DEF123GHIJ, keyId=ABC123DEFG, issuedAt=2023-11-14T22:13:20Z]");
        for (String part : token.jwt().split("\\.")) {
            assertThat(token.toString()).doesNotContain(part);
        }
    }

    private static boolean verify(String signingInput, byte[] signature) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(KEY.publicKey());
        verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return verifier.verify(signature);
    }

    /** Standard base64 turned into base64url without padding by hand, as RFC 7515 Appendix C does. */
    private static String urlSafeUnpadded(String json) {
        String standard = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.US_ASCII));
        assertThat(standard).endsWith("=");
        return standard.replace('+', '-').replace('/', '_').replace("=", "");
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
