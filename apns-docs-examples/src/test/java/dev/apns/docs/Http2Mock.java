package dev.apns.docs;

import dev.apns.ApnsSession;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * apns-mock's HTTP/2 mock of Apple's provider API, set up as the doc samples expect it: a signing key (a
 * {@code .p8} key with its ids) and a client certificate, both allowed to push to {@link #BUNDLE_ID} and its
 * push-type topics. One per test class; {@link #reset()} between tests.
 */
final class Http2Mock implements AutoCloseable {
    static final String BUNDLE_ID = "com.example.app";

    final TestCertificates certificates = TestCertificates.create();
    final MockApnsHttp2Server server = MockApnsHttp2Server.builder(certificates).start();
    final TestSigningKey key = TestSigningKey.generate().register(server, Set.of(BUNDLE_ID));
    final IssuedCertificate client = certificates.client(BUNDLE_ID);

    Http2Mock() {
        server.allowCertificateTopics(client, Set.of(BUNDLE_ID, BUNDLE_ID + ".voip"));
    }

    /** The key as the SDK reads it, from the {@code .p8} text. */
    SigningKey signingKey() {
        return SigningKey.fromP8(key.privateKeyPkcs8Pem(), key.keyId(), key.teamId());
    }

    /** Writes the key as Apple's developer portal hands it out, {@code AuthKey_<keyId>.p8}, into {@code directory}. */
    Path writeP8(Path directory) throws IOException {
        return Files.writeString(directory.resolve("AuthKey_" + key.keyId() + ".p8"), key.privateKeyPkcs8Pem(),
                StandardCharsets.US_ASCII);
    }

    /** Points a session at the mock instead of Apple: its address and its authority. */
    ApnsSession.Builder pointAtMock(ApnsSession.Builder builder) {
        return builder.gateway(server.address()).trust(Trust.fromPem(server.authorityPem()));
    }

    /** A session with the signing key, pointed at the mock. */
    ApnsSession session() {
        return pointAtMock(ApnsSession.builder().signingKey(signingKey())).build();
    }

    void reset() {
        server.reset();
    }

    @Override
    public void close() {
        server.close();
    }
}
