package dev.apns.mock.h2;

import dev.apns.mock.MockApnsHttp2Process;
import dev.apns.mock.MockApnsMain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.apns.mock.h2.MockHttp2ValidationTest.PAYLOAD;
import static dev.apns.mock.h2.MockHttp2ValidationTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class MockHttp2MainTest {
    /** A provider token signed, with the JDK alone, by the key of a {@code .p8} text. */
    static String providerToken(String p8, String teamId, String keyId) throws Exception {
        String base64 = p8.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(base64)));
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String input = url.encodeToString(("{\"alg\":\"ES256\",\"kid\":\"" + keyId + "\"}").getBytes(StandardCharsets.UTF_8))
                + "." + url.encodeToString(("{\"iss\":\"" + teamId + "\",\"iat\":" + Instant.now().getEpochSecond() + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + url.encodeToString(signature.sign());
    }

    static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void printsWhatAClientNeedsAndAnswersCommands(@TempDir Path directory) throws Exception {
        Path keyFile = directory.resolve("AuthKey.p8");
        Path infoFile = directory.resolve("key.properties");
        PipedOutputStream commands = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(commands);
        PipedOutputStream printed = new PipedOutputStream();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(new PipedInputStream(printed, 1 << 16),
                StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread main = new Thread(() -> MockApnsMain.run(new String[] {"--topic", "com.example.app",
                "--team-id", "TEAM123456", "--signing-key-file", keyFile.toString(), "--threads", "1", "--key-info-file", infoFile.toString()}, stdin, out,
                new PrintStream(err, true, StandardCharsets.UTF_8)), "h2-main-under-test");
        main.start();

        Map<String, String> values = new HashMap<>();
        StringBuilder authority = new StringBuilder();
        StringBuilder signingKey = new StringBuilder();
        StringBuilder current = null;
        for (String line = stdout.readLine(); line != null && !line.equals("ready"); line = stdout.readLine()) {
            if (line.endsWith("-pem:")) {
                current = line.equals("authority-pem:") ? authority
                        : line.equals("signing-key-pem:") ? signingKey : new StringBuilder();
            } else if (current != null) {
                current.append(line).append('\n');
            } else {
                values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        assertThat(values).containsEntry("team-id", "TEAM123456").containsEntry("topics", "com.example.app")
                .containsKeys("address", "key-id");
        assertThat(Files.readString(keyFile)).isEqualTo(signingKey.toString());
        assertThat(Files.readAllLines(infoFile)).containsExactly("team-id=TEAM123456", "key-id=" + values.get("key-id"),
                "topics=com.example.app", "address=" + values.get("address"));

        int port = Integer.parseInt(values.get("address").substring("127.0.0.1:".length()));
        String token = providerToken(Files.readString(keyFile), "TEAM123456", values.get("key-id"));
        try (Http2TestClient client = Http2TestClient.connect(port, certificate(authority.toString()))) {
            Http2TestClient.Response response = client.post(TOKEN, PAYLOAD, "authorization", "bearer " + token,
                    "apns-topic", "com.example.app").get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
        }
        commands.write("count\nfrobnicate\nreset\ncount\n".getBytes(StandardCharsets.US_ASCII));
        commands.flush();
        assertThat(stdout.readLine()).isEqualTo("accepted=1");
        assertThat(stdout.readLine()).isEqualTo("unknown command");
        assertThat(stdout.readLine()).isEqualTo("ok");
        assertThat(stdout.readLine()).isEqualTo("accepted=0");
        commands.close();
        main.join(10_000);
        assertThat(main.isAlive()).isFalse();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void rejectsUnknownArgumentsWithStatus2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = MockApnsMain.run(new String[] {"--threads", "many"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--threads needs a number from 1 to 256; was 'many'.");
    }

    @Test
    void runsInAProcessOfItsOwn() throws Exception {
        try (MockApnsHttp2Process process = MockApnsHttp2Process.start("--threads", "1")) {
            String token = providerToken(process.signingKeyPem(), process.teamId(), process.keyId());
            try (Http2TestClient client = Http2TestClient.connect(process.address().port(),
                    certificate(process.authorityPem()))) {
                for (int i = 0; i < 3; i++) {
                    assertThat(client.post(TOKEN, PAYLOAD, "authorization", "bearer " + token)
                            .get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
                }
            }
            assertThat(process.acceptedCount()).isEqualTo(3);
            assertThat(process.topics()).containsExactly("com.example.app");
            assertThat(process.clientPem()).contains("BEGIN CERTIFICATE", "BEGIN PRIVATE KEY");
        }
    }
}
