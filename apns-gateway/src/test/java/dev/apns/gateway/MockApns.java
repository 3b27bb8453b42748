package dev.apns.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

import java.util.Set;

/** apns-mock's HTTP/2 mock APNs server with a signing key registered for one topic, and the app spec for it. */
final class MockApns implements AutoCloseable {
    static final String TOPIC = "com.example.app";
    static final TestCertificates CERTIFICATES = TestCertificates.create();

    final MockApnsHttp2Server server;
    final TestSigningKey key;

    MockApns() {
        this(true);
    }

    /** @param record whether the mock keeps every accepted notification ({@code accepted()}), or only counts */
    MockApns(boolean record) {
        server = MockApnsHttp2Server.builder(CERTIFICATES).recordAccepted(record).start();
        key = TestSigningKey.generate().register(server, Set.of(TOPIC));
    }

    /** A provisioning document for token authentication against this mock. */
    ObjectNode tokenApp() {
        ObjectNode app = RestClient.JSON.createObjectNode();
        app.put("key", key.privateKeyPkcs8Pem());
        app.put("key_id", key.keyId());
        app.put("team_id", key.teamId());
        app.put("topic", TOPIC);
        app.put("endpoint", server.address().host() + ":" + server.address().port());
        app.put("trust", server.authorityPem());
        return app;
    }

    @Override
    public void close() {
        server.close();
    }
}
