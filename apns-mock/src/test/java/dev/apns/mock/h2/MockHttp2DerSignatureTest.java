package dev.apns.mock.h2;

import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.apns.mock.h2.MockHttp2ValidationTest.PAYLOAD;
import static dev.apns.mock.h2.MockHttp2ValidationTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider tokens whose ES256 signature is DER-encoded (an ASN.1 SEQUENCE of r and s, what the JDK's plain
 * {@code SHA256withECDSA} and clients such as Pushy write) are verified like the 64-byte R‖S form of JWS: Apple
 * accepts both, so the mock must, or it could not serve those clients.
 */
@Timeout(30)
class MockHttp2DerSignatureTest {
    private static final TestCertificates certificates = TestCertificates.create();
    private static final TestSigningKey key = TestSigningKey.generate();
    private static final TestSigningKey stranger = TestSigningKey.generate(key.teamId(), key.keyId());
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    /** A token of {@code key}'s ids signed by {@code signer} with a DER-encoded signature. */
    private static String derToken(PrivateKey signer, Instant issuedAt) throws Exception {
        String header = "{\"alg\":\"ES256\",\"kid\":\"" + key.keyId() + "\"}";
        String claims = "{\"iss\":\"" + key.teamId() + "\",\"iat\":" + issuedAt.getEpochSecond() + "}";
        String input = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(signer);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        byte[] der = signature.sign();
        assertThat(der[0]).as("a DER SEQUENCE").isEqualTo((byte) 0x30);
        assertThat(der.length).as("DER is longer than R‖S").isNotEqualTo(64);
        return input + "." + URL.encodeToString(der);
    }

    private static String send(MockApnsHttp2Server server, String token) throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(server)) {
            Http2TestClient.Response response = client.post(TOKEN, PAYLOAD, "authorization", "bearer " + token,
                    "apns-topic", "com.example.app")
                    .get(5, TimeUnit.SECONDS);
            return response.status() + " " + response.body();
        }
    }

    @Test
    void acceptsATokenWithADerSignatureByTheRegisteredKey() throws Exception {
        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).start()) {
            key.register(server, Set.of("com.example.app"));
            assertThat(send(server, derToken(key.privateKey(), Instant.now()))).isEqualTo("200 ");
            assertThat(server.acceptedCount()).isEqualTo(1);
        }
    }

    @Test
    void refusesADerSignatureByAnotherKeyWithTheSameIds() throws Exception {
        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).start()) {
            key.register(server, Set.of("com.example.app"));
            assertThat(send(server, derToken(stranger.privateKey(), Instant.now())))
                    .isEqualTo("403 {\"reason\":\"InvalidProviderToken\"}");
        }
    }

    @Test
    void refusesADerSignatureThatDoesNotParse() throws Exception {
        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).start()) {
            key.register(server, Set.of("com.example.app"));
            String token = derToken(key.privateKey(), Instant.now());
            int dot = token.lastIndexOf('.');
            byte[] der = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            der[1] = (byte) (der[1] + 5); // the SEQUENCE's length no longer matches its content
            String broken = token.substring(0, dot + 1) + URL.encodeToString(der);
            assertThat(send(server, broken)).isEqualTo("403 {\"reason\":\"InvalidProviderToken\"}");
        }
    }

    @Test
    void acceptsTheSameClaimsSignedInEitherForm() throws Exception {
        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).start()) {
            key.register(server, Set.of("com.example.app"));
            Instant now = Instant.now();
            assertThat(send(server, key.providerToken(now))).isEqualTo("200 ");
            assertThat(send(server, derToken(key.privateKey(), now))).isEqualTo("200 ");
            assertThat(server.acceptedCount()).isEqualTo(2);
        }
    }
}
