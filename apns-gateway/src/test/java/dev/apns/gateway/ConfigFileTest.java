package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration file: what it sets, the apps it provisions at start-up (a real gateway on its embedded store,
 * sending to the HTTP/2 mock), and the errors that name the key that is wrong.
 */
class ConfigFileTest {
    private static final String ADMIN_KEY = "config-admin-key-0123456789";
    private static final String UNSET = "APNS_GATEWAY_TEST_VARIABLE_THAT_IS_NOT_SET";

    @TempDir
    Path directory;

    private Path write(String json) throws Exception {
        Path file = directory.resolve("gateway.json");
        Files.writeString(file, json);
        return file;
    }

    private InvalidFieldException refused(String json) throws Exception {
        Path file = write(json);
        return catchThrowableOfType(() -> ConfigFile.read(file, GatewayConfig.builder()), InvalidFieldException.class);
    }

    @Test
    void setsTheListenerStoreAndKeysAndProvisionsItsAppsAtStartUp() throws Exception {
        try (MockApns apns = new MockApns()) {
            Path keyFile = directory.resolve("AuthKey_" + apns.key.keyId() + ".p8");
            Files.writeString(keyFile, apns.key.privateKeyPkcs8Pem());
            ObjectNode root = RestClient.JSON.createObjectNode();
            root.put("host", "127.0.0.1").put("port", 0).put("data_dir", directory.resolve("data").toString())
                    .put("max_queued", 500).put("max_per_request", 50).put("instance_id", "gw-config-test");
            root.putArray("api_keys").addObject().put("name", "ops").put("key", ADMIN_KEY).put("admin", true);
            ObjectNode app = apns.tokenApp().put("app_id", MockApns.TOPIC).put("environment", "sandbox")
                    .put("key", keyFile.toString());
            root.putArray("apps").add(app);
            GatewayConfig config = ConfigFile.read(write(root.toString()), GatewayConfig.builder()).build();

            assertThat(config.port()).isZero();
            assertThat(config.dataDirectory()).isEqualTo(directory.resolve("data"));
            assertThat(config.maxQueued()).isEqualTo(500);
            assertThat(config.maxPerRequest()).isEqualTo(50);
            assertThat(config.instanceId()).isEqualTo("gw-config-test");
            assertThat(config.apiKeys()).singleElement().satisfies(key -> assertThat(key.isAdmin()).isTrue());
            assertThat(config.toString()).doesNotContain(ADMIN_KEY);
            assertThat(config.apiKeys().get(0).toString()).doesNotContain(ADMIN_KEY);

            try (Gateway gateway = Gateway.start(config)) {
                RestClient anonymous = new RestClient(gateway.port(), null);
                RestClient admin = anonymous.withKey(ADMIN_KEY);
                assertThat(anonymous.get("/apps").status()).isEqualTo(401);
                JsonNode apps = admin.get("/apps").body().get("response");
                assertThat(apps).hasSize(1);
                assertThat(apps.get(0).get("app_id").asText()).isEqualTo(MockApns.TOPIC);
                assertThat(apps.get(0).get("key_file").asText()).isEqualTo(keyFile.toString());
                assertThat(apps.get(0).get("version").asLong()).isEqualTo(1);
                RestClient.Response posted = admin.post(GatewayEndToEndTest.APP + "/notifications",
                        GatewayEndToEndTest.notification(GatewayEndToEndTest.token(1)));
                assertThat(posted.status()).isEqualTo(202);
                assertThat(apns.server.awaitAccepted(1, Duration.ofSeconds(20))).isTrue();
            }
            // Started again with the same file: the stored app is the same, so it is not provisioned again.
            try (Gateway again = Gateway.start(config)) {
                JsonNode apps = new RestClient(again.port(), ADMIN_KEY).get("/apps").body().get("response");
                assertThat(apps.get(0).get("version").asLong()).isEqualTo(1);
            }
        }
    }

    @Test
    void unknownKeysAreRefusedByName() throws Exception {
        InvalidFieldException top = refused("{\"port\": 8088, \"databse_url\": \"jdbc:postgresql://db/apns\"}");
        assertThat(top.field()).isEqualTo("databse_url");
        assertThat(top.getMessage()).contains("databse_url", "database_url");

        InvalidFieldException inKey = refused("{\"api_keys\": [{\"name\": \"ops\", \"key\": \"" + ADMIN_KEY
                + "\", \"amdin\": true}]}");
        assertThat(inKey.field()).isEqualTo("api_keys[0].amdin");

        InvalidFieldException inTls = refused("{\"tls\": {\"keystore\": \"server.p12\", \"password\": \"p\","
                + " \"keystroe_type\": \"JKS\"}}");
        assertThat(inTls.field()).isEqualTo("tls.keystroe_type");
    }

    @Test
    void aSecretNamedByAnUnsetVariableIsAnErrorNamingTheFieldAndTheVariable() throws Exception {
        assertThat(System.getenv(UNSET)).isNull();
        InvalidFieldException key = refused("{\"api_keys\": [{\"name\": \"ops\", \"key_env\": \"" + UNSET + "\"}]}");
        assertThat(key.field()).isEqualTo("api_keys[0].key_env");
        assertThat(key.getMessage()).contains(UNSET);

        InvalidFieldException tls = refused("{\"tls\": {\"keystore\": \"server.p12\", \"password_env\": \"" + UNSET
                + "\"}}");
        assertThat(tls.field()).isEqualTo("tls.password_env");
        InvalidFieldException database = refused("{\"database_url\": \"jdbc:postgresql://db/apns\","
                + " \"database_password_env\": \"" + UNSET + "\"}");
        assertThat(database.field()).isEqualTo("database_password_env");

        InvalidFieldException missing = refused("{\"api_keys\": [{\"name\": \"ops\"}]}");
        assertThat(missing.field()).isEqualTo("api_keys[0].key");
    }

    @Test
    void wrongValuesAndFilesAreNamed() throws Exception {
        assertThat(refused("{\"port\": \"eighty\"}").field()).isEqualTo("port");
        assertThat(refused("{\"api_keys\": [{\"name\": \"ops\", \"key\": \"short\"}]}").field())
                .isEqualTo("api_keys[0].key");
        assertThat(refused("{\"apps\": [{\"app_id\": \"com.example.app\", \"environment\": \"staging\"}]}").field())
                .isEqualTo("apps[0]");
        assertThat(refused("[1, 2]").field()).endsWith("gateway.json");
        assertThat(refused("{not json").getMessage()).contains("JSON");

        Path file = write("{\"apps\": [{\"app_id\": \"com.example.app\", \"environment\": \"sandbox\","
                + " \"certificate\": \"" + directory.resolve("missing.pem") + "\"}]}");
        GatewayConfig config = ConfigFile.read(file, GatewayConfig.builder().port(0)
                .dataDirectory(directory.resolve("data"))).build();
        InvalidFieldException atStart = catchThrowableOfType(() -> Gateway.start(config).close(),
                InvalidFieldException.class);
        assertThat(atStart.field()).isEqualTo("apps.com.example.app/sandbox.certificate");
    }
}
