package dev.apns.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.testkit.TestHttpProxy;
import dev.apns.testkit.TestSocks5Proxy;
import dev.apns.mock.h2.AcceptedNotification;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.apns.cli.Fixtures.args;
import static dev.apns.cli.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns push} over HTTP/2 (the default), in process, over real TLS against apns-mock's HTTP/2 mock APNs. */
@Timeout(30)
class Http2PushCommandTest {
    private static final String BUNDLE = "com.example.app";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static TestCertificates certificates;
    private static IssuedCertificate client;
    private static TestSigningKey key;
    private static MockApnsHttp2Server server;

    @TempDir
    Path directory;

    private Path ca;
    private Path p8;

    @BeforeAll
    static void startServer() {
        certificates = TestCertificates.create();
        client = certificates.client("com.example.cli-h2");
        key = TestSigningKey.generate();
        server = MockApnsHttp2Server.builder(certificates).start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void resetServer() {
        server.reset();
        key.register(server, Set.of(BUNDLE));
        server.allowCertificateTopics(client, Set.of(BUNDLE));
        ca = Fixtures.write(directory, "ca.pem", server.authorityPem());
        p8 = Fixtures.write(directory, "AuthKey.p8", key.privateKeyPkcs8Pem());
    }

    /** Gateway, trust and token authentication with the topic, then {@code rest}. */
    private String[] push(String... rest) {
        return args(List.of("push", "--gateway", server.address().toString(), "--ca", ca.toString(), "--key",
                p8.toString(), "--key-id", key.keyId(), "--team-id", key.teamId(), "--topic", BUNDLE), rest);
    }

    private static JsonNode json(CliRunner.Run run) throws Exception {
        return JSON.readTree(run.out());
    }

    @Test
    void tokenAuthenticationSendsEveryHeaderTheFlagsGiveAndExitsZero() throws Exception {
        CliRunner.Run run = CliRunner.run("push", "--gateway", server.address().toString(), "--ca", ca.toString(),
                "--key", p8.toString(), "--key-id", key.keyId(), "--team-id", key.teamId(), "--bundle-id", BUNDLE,
                "--push-type", "voip", "--priority", "5", "--expiration", "2026-01-02T03:04:05Z", "--collapse-id", "c1",
                "--apns-id", "123E4567-E89B-12D3-A456-4266554400A0", "--token", token(1), "--alert", "Hi", "--json");

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("{\"protocol\":\"http2\",\"tokens\":1,\"accepted\":1,\"rejected\":0,"
                + "\"notSent\":0,\"rejections\":[],\"notSentTokens\":[],\"errors\":[],\"interrupted\":false}\n");
        AcceptedNotification seen = server.accepted().get(0);
        assertThat(seen.token()).isEqualTo(token(1));
        assertThat(seen.topic()).isEqualTo(BUNDLE + ".voip");
        assertThat(seen.pushType()).isEqualTo("voip");
        assertThat(seen.priority()).isEqualTo(5);
        assertThat(seen.expiration()).isEqualTo(OptionalLong.of(Instant.parse("2026-01-02T03:04:05Z").getEpochSecond()));
        assertThat(seen.collapseId()).contains("c1");
        assertThat(seen.apnsId()).isEqualTo("123e4567-e89b-12d3-a456-4266554400a0");
        assertThat(seen.teamId()).contains(key.teamId());
        assertThat(seen.payloadText()).isEqualTo("{\"aps\":{\"alert\":\"Hi\"}}");
    }

    @Test
    void rejectionsCarryTheStatusReasonAndTimestampAndExitOne() throws Exception {
        Instant since = Instant.ofEpochMilli(1_767_323_045_123L);
        server.unregister(token(2), since);
        server.rejectToken(token(3), "DeviceTokenNotForTopic");

        CliRunner.Run run = CliRunner.run(push("--token", token(1), "--token", token(2), "--token", token(3),
                "--alert", "Hi", "--json"));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode summary = json(run);
        assertThat(summary.get("tokens").asLong()).isEqualTo(3);
        assertThat(summary.get("accepted").asLong()).isEqualTo(1);
        assertThat(summary.get("rejected").asLong()).isEqualTo(2);
        assertThat(summary.get("notSent").asLong()).isZero();
        JsonNode unregistered = find(summary.get("rejections"), token(2));
        assertThat(unregistered.get("status").asInt()).isEqualTo(410);
        assertThat(unregistered.get("reason").asText()).isEqualTo("Unregistered");
        assertThat(unregistered.get("timestamp").asText()).isEqualTo("2026-01-02T03:04:05.123Z");
        assertThat(unregistered.get("apnsId").asText()).matches("[0-9a-f-]{36}");
        JsonNode notForTopic = find(summary.get("rejections"), token(3));
        assertThat(notForTopic.get("status").asInt()).isEqualTo(400);
        assertThat(notForTopic.get("reason").asText()).isEqualTo("DeviceTokenNotForTopic");
        assertThat(notForTopic.get("timestamp").isNull()).isTrue();
    }

    @Test
    void theTextSummaryNamesTheProtocolAndTheRejections() {
        server.unregister(token(2), Instant.ofEpochMilli(1_767_323_045_000L));

        CliRunner.Run run = CliRunner.run(push("--token", token(1), "--token", token(2), "--alert", "Hi"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("Sent 2 notifications to " + server.address() + " over HTTP/2 through the ")
                .contains("  accepted  1\n  rejected  1\n  not sent  0\n",
                        "  " + token(2) + "  HTTP 410 Unregistered (token invalid since 2026-01-02T03:04:05Z)\n");
    }

    @Test
    void certificateAuthenticationUsesTheCertificateFlags() throws Exception {
        Path cert = Fixtures.write(directory, "client-cert.pem", client.chainPem());
        Path certKey = Fixtures.write(directory, "client-key.pem", client.privateKeyPkcs8Pem());

        CliRunner.Run run = CliRunner.run("push", "--gateway", server.address().toString(), "--ca", ca.toString(),
                "--cert", cert.toString(), "--key", certKey.toString(), "--topic", BUNDLE, "--token", token(4),
                "--alert", "Hi", "--json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(json(run).get("accepted").asLong()).isEqualTo(1);
        assertThat(server.accepted()).singleElement().satisfies(seen ->
                assertThat(seen.certificateSubject()).isPresent());
    }

    @Test
    void aTokenOfTheWrongLengthIsRefusedNamingTheFileAndLineBeforeAnythingIsSent() {
        Path file = Fixtures.write(directory, "tokens.txt", "# devices\n" + token(1) + "\n" + "ab".repeat(16) + "\n");

        CliRunner.Run run = CliRunner.run(push("--tokens-file", file.toString(), "--alert", "Hi"));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errLines()).containsExactly("apns: --tokens-file " + file + " line 3: the device token is 16 "
                + "bytes (32 hex digits); APNs device tokens are 32 bytes (64 hex digits). Give "
                + "--allow-any-token-length to send it anyway.");
        assertThat(run.out()).isEmpty();
        assertThat(server.processedCount()).isZero();
        assertThat(server.connectionsAccepted()).isZero();
        CliRunner.Run flag = CliRunner.run(push("--token", "abcd", "--alert", "Hi"));
        assertThat(flag.exitCode()).isEqualTo(3);
        assertThat(flag.errLines()).singleElement().asString().startsWith("apns: --token abcd: the device token is 2 bytes");
    }

    @Test
    void allowAnyTokenLengthSendsItAndTheServerJudges() throws Exception {
        CliRunner.Run run = CliRunner.run(push("--token", "ab".repeat(16), "--allow-any-token-length", "--alert", "Hi",
                "--json"));

        assertThat(server.processedCount()).isEqualTo(1);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(json(run).get("rejections").get(0).get("reason").asText()).isEqualTo("BadDeviceToken");
    }

    @Test
    void aLargeTokensFileIsStreamedAndEveryTokenCountedOnce() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 3_000; i++) {
            text.append(token(i)).append('\n');
        }
        Path file = Fixtures.write(directory, "tokens.txt", text.toString());
        server.unregister(token(1_800), Instant.ofEpochMilli(1_000));

        CliRunner.Run run = CliRunner.run(push("--tokens-file", file.toString(), "--alert", "Hi", "--json"));

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode summary = json(run);
        assertThat(summary.get("tokens").asLong()).isEqualTo(3_000);
        assertThat(summary.get("accepted").asLong()).isEqualTo(2_999);
        assertThat(server.acceptedCount()).isEqualTo(2_999);
        assertThat(summary.get("rejections").get(0).get("token").asText()).isEqualTo(token(1_800));
    }

    @Test
    void anUnreachableServerExitsTwoWithEveryTokenNotSentAndNotDelivered() throws Exception {
        int port = Fixtures.closedPort();

        CliRunner.Run run = CliRunner.run("push", "--gateway", "127.0.0.1:" + port, "--ca", ca.toString(), "--key",
                p8.toString(), "--key-id", key.keyId(), "--team-id", key.teamId(), "--topic", BUNDLE,
                "--give-up-after", "1s", "--token", token(1), "--token", token(2), "--alert", "Hi", "--json");

        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode summary = json(run);
        assertThat(summary.get("notSent").asLong()).isEqualTo(2);
        assertThat(summary.get("notSentTokens")).allSatisfy(entry ->
                assertThat(entry.get("possiblyDelivered").asBoolean()).isFalse());
        assertThat(summary.get("errors").toString()).contains("Stopped: nothing was answered for 1s and no connection "
                + "to 127.0.0.1:" + port + " was open");
    }

    @Test
    void stopPrintsTheSummaryAndNeverListsADeliveredTokenAsSafeToResend() throws Exception {
        int count = 6_000;
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            text.append(token(i)).append('\n');
        }
        Path file = Fixtures.write(directory, "tokens.txt", text.toString());
        server.delayResponses(Duration.ofMillis(100));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Io io = Io.of(InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());
        picocli.CommandLine commandLine = Apns.commandLine(io);
        PushCommand command = commandLine.getSubcommands().get("push").getCommand();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> exit = executor.submit(() -> commandLine.execute(push("--tokens-file", file.toString(),
                    "--alert", "Hi", "--json")));
            // At most 1,000 streams are open at once: once the server has had 1,500 requests, the client has had
            // answers to at least 499 of them.
            assertThat(server.awaitUntil(() -> server.processedCount() >= 1_500, Duration.ofSeconds(10))).isTrue();
            server.stopAnswering();
            command.stop();

            assertThat(exit.get(15, TimeUnit.SECONDS)).isEqualTo(2);
        } finally {
            server.resumeAnswering();
            executor.shutdownNow();
        }
        JsonNode summary = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(summary.get("interrupted").asBoolean()).isTrue();
        assertThat(summary.get("tokens").asLong()).isEqualTo(count);
        assertThat(summary.get("accepted").asLong() + summary.get("rejected").asLong() + summary.get("notSent").asLong())
                .isEqualTo(count);
        assertThat(summary.get("accepted").asLong()).isPositive();
        assertThat(summary.get("notSent").asLong()).isPositive();
        Set<String> delivered = new HashSet<>();
        server.accepted().forEach(seen -> delivered.add(seen.token()));
        List<String> safeToResend = new ArrayList<>();
        summary.get("notSentTokens").forEach(entry -> {
            if (!entry.get("possiblyDelivered").asBoolean()) {
                safeToResend.add(entry.get("token").asText());
            }
        });
        assertThat(safeToResend).isNotEmpty().noneMatch(delivered::contains);
    }

    @Test
    void theShutdownHookPrintsTheSummaryWhileTheCommandWaitsForStandardInput() throws Exception {
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream stdin = new java.io.PipedInputStream(feed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Io io = Io.of(stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());
        picocli.CommandLine commandLine = Apns.commandLine(io);
        PushCommand command = commandLine.getSubcommands().get("push").getCommand();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            executor.submit(() -> commandLine.execute(push("--tokens-file", "-", "--alert", "Hi", "--json")));
            feed.write((token(1) + "\n" + token(2) + "\n").getBytes(StandardCharsets.US_ASCII));
            feed.flush();
            assertThat(server.awaitAccepted(2, Duration.ofSeconds(10))).isTrue();
            Thread.sleep(200); // the answers reach the client

            command.stopAndReport(); // what Ctrl-C runs, while the command still waits for input

            JsonNode summary = JSON.readTree(out.toString(StandardCharsets.UTF_8));
            assertThat(summary.get("interrupted").asBoolean()).isTrue();
            assertThat(summary.get("accepted").asLong()).isEqualTo(2);
        } finally {
            feed.close();
            executor.shutdownNow();
        }
    }

    @Test
    void throughAnHttpProxyWithThePasswordFromTheEnvironment() throws Exception {
        try (TestHttpProxy proxy = TestHttpProxy.start().requireBasicAuth("pusher", "s3cret")) {
            proxy.routeToLoopback("127.0.0.1");
            CliRunner.Run run = CliRunner.run(Map.of("PROXY_PASSWORD", "s3cret"), push("--proxy",
                    "http://pusher@" + proxy.endpoint(), "--proxy-password-env", "PROXY_PASSWORD", "--token", token(1),
                    "--alert", "Hi", "--json"));

            assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
            assertThat(proxy.requests()).isNotEmpty().allSatisfy(request ->
                    assertThat(request.requestLine()).startsWith("CONNECT 127.0.0.1:" + server.address().port()));
            assertThat(run.out() + run.err()).doesNotContain("s3cret");
        }
    }

    @Test
    void throughASocks5ProxyWithThePasswordFromAFile() throws Exception {
        Path password = Fixtures.write(directory, "proxy-password.txt", "pa55\n");
        try (TestSocks5Proxy proxy = TestSocks5Proxy.start().requireUsernamePassword("pusher", "pa55")) {
            proxy.routeToLoopback("127.0.0.1");
            CliRunner.Run run = CliRunner.run(push("--proxy", "socks5://pusher@" + proxy.endpoint(),
                    "--proxy-password-file", password.toString(), "--token", token(1), "--alert", "Hi", "--json"));

            assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
            TestSocks5Proxy.Request request = proxy.nextRequest(Duration.ofSeconds(5));
            assertThat(request.username()).contains("pusher");
            assertThat(request.targetPort()).isEqualTo(server.address().port());
        }
    }

    @Test
    void badFlagsExitThreeWithOneLineNamingTheFlag() {
        assertThat(CliRunner.run(push("--token", token(1), "--alert", "x", "--key-id", "X")).errLines())
                .singleElement().asString().startsWith("apns: option '--key-id' should be specified only once.");
        assertThat(CliRunner.run("push", "--gateway", server.address().toString(), "--key", p8.toString(),
                "--key-id", key.keyId(), "--token", token(1), "--alert", "x").errLines()).containsExactly(
                "apns: token authentication needs both --key-id and --team-id (with --key FILE.p8).");
        assertThat(CliRunner.run("push", "--gateway", server.address().toString(), "--key", p8.toString(),
                "--key-id", key.keyId(), "--team-id", key.teamId(), "--token", token(1), "--alert", "x").errLines())
                .containsExactly("apns: token authentication needs the app's topic: give --topic TOPIC or "
                        + "--bundle-id ID.");
        assertThat(CliRunner.run(push("--token", token(1), "--token", token(2), "--alert", "x", "--apns-id",
                "123e4567-e89b-12d3-a456-4266554400a0")).errLines()).containsExactly("apns: --apns-id names one "
                + "notification; give it with exactly one --token and no --tokens-file.");
        assertThat(CliRunner.run(push("--token", token(1), "--alert", "x", "--bundle-id", BUNDLE)).errLines())
                .containsExactly("apns: --topic and --bundle-id cannot be combined: --topic is the whole topic, "
                        + "--bundle-id makes it from the push type.");
        assertThat(CliRunner.run(push("--token", token(1), "--content-available", "--push-type", "background"))
                .errLines()).containsExactly("apns: --push-type background needs --priority 5, as APNs requires "
                + "(without it the server takes 10).");
        assertThat(CliRunner.run(push("--token", token(1), "--alert", "x", "--priority", "7")).errLines())
                .containsExactly("apns: --priority 7: APNs accepts 10 (send now), 5 (when power allows) or 1 (lowest).");
        assertThat(CliRunner.run(push("--token", token(1), "--alert", "x", "--confirmation", "quiet:1s")).errLines())
                .containsExactly("apns: --confirmation is for --protocol binary; HTTP/2 answers every notification "
                        + "and streams the tokens.");
        assertThat(CliRunner.run(push("--token", token(1), "--alert", "x", "--proxy", "http://u:pw@127.0.0.1:3128"))
                .errLines()).containsExactly("apns: --proxy: the URL holds a password; give only the user in the URL "
                + "and the password with --proxy-password-env VAR or --proxy-password-file FILE, so that it does not "
                + "show in the process list.");
        Path notAKey = Fixtures.write(directory, "not-a-key.p8", "hello\n");
        CliRunner.Run badKey = CliRunner.run("push", "--gateway", server.address().toString(), "--key",
                notAKey.toString(), "--key-id", key.keyId(), "--team-id", key.teamId(), "--topic", BUNDLE, "--token",
                token(1), "--alert", "x");
        assertThat(badKey.exitCode()).isEqualTo(3);
        assertThat(badKey.errLines()).singleElement().asString().startsWith("apns: --key " + notAKey
                + ": is not a usable .p8 signing key: ");
        CliRunner.Run badId = CliRunner.run("push", "--gateway", server.address().toString(), "--key", p8.toString(),
                "--key-id", "abc", "--team-id", key.teamId(), "--topic", BUNDLE, "--token", token(1), "--alert", "x");
        assertThat(badId.exitCode()).isEqualTo(3);
        assertThat(badId.errLines()).singleElement().asString().startsWith("apns: --key-id abc: ");
        assertThat(server.processedCount()).isZero();
    }

    private static JsonNode find(JsonNode array, String token) {
        for (JsonNode entry : array) {
            if (entry.get("token").asText().equals(token)) {
                return entry;
            }
        }
        throw new AssertionError("No entry for " + token + " in " + array);
    }
}
