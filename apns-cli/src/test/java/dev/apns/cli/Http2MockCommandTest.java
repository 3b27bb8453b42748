package dev.apns.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.apns.cli.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns mock} serving HTTP/2 (the default), in process, with clients over real TLS on 127.0.0.1. */
@Timeout(40)
class Http2MockCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path directory;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private PipedOutputStream stdin;
    private MockCommandTest.ReadyWatcher out;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stopTheMock() throws IOException {
        if (stdin != null) {
            stdin.close();
        }
        executor.shutdownNow();
    }

    /** Starts {@code apns mock ARGS} in the background and waits for its 'ready' line. */
    private Future<Integer> startMock(String... args) throws Exception {
        stdin = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(stdin);
        out = new MockCommandTest.ReadyWatcher();
        Io io = Io.of(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        List<String> all = new ArrayList<>(List.of("mock"));
        all.addAll(List.of(args));
        Future<Integer> mock = executor.submit(() -> Apns.commandLine(io).execute(all.toArray(new String[0])));
        assertThat(out.ready.await(20, TimeUnit.SECONDS)).as("the mock printed 'ready'").isTrue();
        return mock;
    }

    @Test
    void printsTheAddressIdsAndCredentialsThenStopsWhenInputEnds() {
        CliRunner.Run run = CliRunner.run("mock");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).startsWith("gateway=127.0.0.1:").containsPattern("\nkey-id=[A-Z0-9]{10}\n")
                .containsPattern("\nteam-id=[A-Z0-9]{10}\n").contains("\ntopics=com.example.app\n",
                        "\nauthority-pem:\n-----BEGIN CERTIFICATE-----\n",
                        "\nsigning-key-pem:\n-----BEGIN PRIVATE KEY-----\n",
                        "\nclient-pem:\n-----BEGIN CERTIFICATE-----\n").endsWith("\nready\n");
        assertThat(run.err()).contains("Mock APNs (HTTP/2) is running").contains("Mock APNs stopped: accepted 0");
    }

    @Test
    void aClientAuthenticatesWithTheWrittenKeyAndEveryRequestIsRecorded() throws Exception {
        Path record = directory.resolve("received.jsonl");
        Future<Integer> mock = startMock("--write-p8", directory.resolve("AuthKey.p8").toString(), "--write-key-id",
                directory.resolve("key-id").toString(), "--write-team-id", directory.resolve("team-id").toString(),
                "--write-ca", directory.resolve("ca.pem").toString(), "--unregister", token(2) + "@1767323045000",
                "--record-to", record.toString());
        Map<String, String> lines = out.keyValues();
        assertThat(lines.get("p8-file")).isEqualTo(directory.resolve("AuthKey.p8").toAbsolutePath().toString());
        String keyId = Files.readString(directory.resolve("key-id")).strip();
        String teamId = Files.readString(directory.resolve("team-id")).strip();
        assertThat(keyId).isEqualTo(lines.get("key-id"));

        CliRunner.Run push = CliRunner.run("push", "--gateway", lines.get("gateway"), "--ca",
                directory.resolve("ca.pem").toString(), "--key", directory.resolve("AuthKey.p8").toString(),
                "--key-id", keyId, "--team-id", teamId, "--topic", "com.example.app", "--collapse-id", "c9",
                "--token", token(1), "--token", token(2), "--alert", "Hello", "--json");
        stdin.write("count\nrejected\nnonsense\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!out.text().contains("unknown command") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        stdin.close();

        assertThat(mock.get(10, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(push.exitCode()).as(push.err()).isEqualTo(1);
        JsonNode rejection = JSON.readTree(push.out()).get("rejections").get(0);
        assertThat(rejection.get("timestamp").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(out.text()).contains("\naccepted=1\nrejected=1\nunknown command: nonsense (try help)\n");
        List<JsonNode> recorded = new ArrayList<>();
        for (String line : Files.readAllLines(record)) {
            recorded.add(JSON.readTree(line));
        }
        assertThat(recorded).hasSize(2);
        JsonNode accepted = recorded.stream().filter(r -> r.get("status").asInt() == 200).findFirst().orElseThrow();
        assertThat(accepted.get("token").asText()).isEqualTo(token(1));
        assertThat(accepted.get("path").asText()).isEqualTo("/3/device/" + token(1));
        assertThat(accepted.get("connection").asInt()).isEqualTo(1);
        assertThat(accepted.get("headers").get("apns-topic").asText()).isEqualTo("com.example.app");
        assertThat(accepted.get("headers").get("apns-push-type").asText()).isEqualTo("alert");
        assertThat(accepted.get("headers").get("apns-collapse-id").asText()).isEqualTo("c9");
        assertThat(accepted.get("auth").get("type").asText()).isEqualTo("token");
        assertThat(accepted.get("auth").get("keyId").asText()).isEqualTo(keyId);
        assertThat(accepted.get("payload").asText()).isEqualTo("{\"aps\":{\"alert\":\"Hello\"}}");
        JsonNode refused = recorded.stream().filter(r -> r.get("status").asInt() == 410).findFirst().orElseThrow();
        assertThat(refused.get("reason").asText()).isEqualTo("Unregistered");
        assertThat(refused.get("token").asText()).isEqualTo(token(2));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Mock APNs stopped: accepted 1 notifications, "
                + "answered 1 with an error");
    }

    @Test
    void applesDocumentedCurlCommandWorksAgainstTheMock() throws Exception {
        Assumptions.assumeTrue(onPath("curl") && onPath("openssl"), "curl and openssl are needed");
        Future<Integer> mock = startMock("--write-credentials", directory.toString(), "--record-to",
                directory.resolve("received.jsonl").toString());
        Map<String, String> lines = out.keyValues();
        // Apple's "Sending push notifications using command-line tools", with the mock's files and address.
        String script = String.join("\n",
                "set -e",
                "TEAM_ID=$(cat \"$DIR/team-id.txt\")",
                "AUTH_KEY_ID=$(cat \"$DIR/key-id.txt\")",
                "TOKEN_KEY_FILE_NAME=\"$DIR/auth-key.p8\"",
                "TOPIC=com.example.app",
                "DEVICE_TOKEN=" + token(5),
                "JWT_ISSUE_TIME=$(date +%s)",
                "JWT_HEADER=$(printf '{ \"alg\": \"ES256\", \"kid\": \"%s\" }' \"${AUTH_KEY_ID}\" | openssl base64 -e -A "
                        + "| tr -- '+/' '-_' | tr -d =)",
                "JWT_CLAIMS=$(printf '{ \"iss\": \"%s\", \"iat\": %d }' \"${TEAM_ID}\" \"${JWT_ISSUE_TIME}\" | openssl "
                        + "base64 -e -A | tr -- '+/' '-_' | tr -d =)",
                "JWT_HEADER_CLAIMS=\"${JWT_HEADER}.${JWT_CLAIMS}\"",
                "JWT_SIGNED_HEADER_CLAIMS=$(printf \"${JWT_HEADER_CLAIMS}\" | openssl dgst -binary -sha256 -sign "
                        + "\"${TOKEN_KEY_FILE_NAME}\" | openssl base64 -e -A | tr -- '+/' '-_' | tr -d =)",
                "AUTHENTICATION_TOKEN=\"${JWT_HEADER}.${JWT_CLAIMS}.${JWT_SIGNED_HEADER_CLAIMS}\"",
                "curl -sS -i --cacert \"$DIR/ca.pem\" --header \"apns-topic: $TOPIC\" --header \"apns-push-type: alert\" "
                        + "--header \"authorization: bearer $AUTHENTICATION_TOKEN\" --data '{\"aps\":{\"alert\":\"test\"}}' "
                        + "--http2 \"https://${GATEWAY}/3/device/${DEVICE_TOKEN}\"");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        builder.environment().put("DIR", directory.toString());
        builder.environment().put("GATEWAY", lines.get("gateway"));
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        stdin.close();
        assertThat(mock.get(10, TimeUnit.SECONDS)).isEqualTo(0);

        assertThat(output).as(output).startsWith("HTTP/2 200").containsPattern("apns-id: [0-9a-f-]{36}");
        assertThat(Files.readString(directory.resolve("received.jsonl"))).contains("\"token\":\"" + token(5) + "\"",
                "\"payload\":\"{\\\"aps\\\":{\\\"alert\\\":\\\"test\\\"}}\"");
    }

    @Test
    void binaryFlagsAreRefusedForTheHttp2MockNamingTheFlag() {
        CliRunner.Run run = CliRunner.run("mock", "--feedback", token(1) + "@1767323045");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errLines()).containsExactly("apns: --feedback is for --protocol binary.");
        CliRunner.Run badId = CliRunner.run("mock", "--key-id", "short");
        assertThat(badId.exitCode()).isEqualTo(3);
        assertThat(badId.errLines()).containsExactly("apns: --key-id short: an id is 10 characters, upper-case letters "
                + "A-Z and digits 0-9, as Apple's developer portal shows it.");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
