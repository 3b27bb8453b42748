package dev.apns.cli;

import dev.apns.DeviceToken;
import dev.apns.Status;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.junit.MockApnsExtension;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.binary.ReceivedNotification;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import static dev.apns.cli.Fixtures.args;
import static dev.apns.cli.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns push --protocol binary} in process, over real TLS against apns-mock's binary mock APNs server. */
@Timeout(20)
class BinaryPushCommandTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.cli");

    @TempDir
    Path directory;

    private List<String> credentials;

    /** The extension's server, started once for the class and reset before each test. */
    private MockApnsServer server;

    @BeforeEach
    void resetServer() {
        server = apns.server();
        credentials = Fixtures.pemCredentials(directory, server, client);
    }

    /** Gateway, credentials and a short confirmation, then {@code rest}. */
    private String[] push(String... rest) {
        List<String> first = new ArrayList<>(List.of("push", "--protocol", "binary", "--gateway",
                server.gateway().toString(), "--confirmation", "sentinel:5s"));
        first.addAll(credentials);
        return args(first, rest);
    }

    @Test
    void oneRejectedTokenExitsOneWithTheExactJsonSummary() {
        server.rejectToken(DeviceToken.fromHex(token(2)), Status.of(8));

        CliRunner.Run run = CliRunner.run(push("--token", token(1), "--token", token(2), "--token", token(3),
                "--alert", "Hello", "--json"));

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("{\"protocol\":\"binary\",\"tokens\":3,\"accepted\":2,\"rejected\":1,"
                + "\"notSent\":0,\"rejections\":[{\"token\":\"" + token(2) + "\",\"status\":8,\"reason\":\"Invalid "
                + "token (8)\",\"timestamp\":null,\"apnsId\":null}],\"notSentTokens\":[],\"errors\":[],"
                + "\"interrupted\":false}\n");
        assertThat(server.accepted()).extracting(ReceivedNotification::token)
                .containsExactly(DeviceToken.fromHex(token(1)), DeviceToken.fromHex(token(3)));
    }

    @Test
    void allAcceptedExitsZeroWithATextSummaryAndTheFlagsInThePayload() {
        CliRunner.Run run = CliRunner.run(push("--token", token(1), "--token", token(2), "--alert", "Hi",
                "--badge", "3", "--sound", "default", "--category", "news", "--thread-id", "t1", "--content-available",
                "--custom", "id=42", "--custom", "who=bob", "--custom", "info={\"a\":[1,2.50]}",
                "--expiry", "2026-01-02T03:04:05Z", "--priority", "10"));

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).startsWith("Sent 2 notifications to " + server.gateway() + " over the binary protocol "
                + "through the netty backend").contains("  accepted  2\n  rejected  0\n  not sent  0\n");
        List<ReceivedNotification> received = server.accepted();
        assertThat(received).hasSize(2);
        assertThat(received.get(0).payloadText()).isEqualTo("{\"aps\":{\"alert\":\"Hi\",\"badge\":3,"
                + "\"sound\":\"default\",\"content-available\":1,\"category\":\"news\",\"thread-id\":\"t1\"},"
                + "\"id\":42,\"who\":\"bob\",\"info\":{\"a\":[1,2.5]}}");
        assertThat(received.get(0).expiry()).isEqualTo(OptionalLong.of(Instant.parse("2026-01-02T03:04:05Z")
                .getEpochSecond()));
        assertThat(received.get(0).priority()).isEqualTo(OptionalInt.of(10));
    }

    @Test
    void tokensFileWithAMalformedLineExitsThreeNamingTheLineAndSendsNothing() {
        Path file = Fixtures.write(directory, "tokens.txt", "# my devices\n" + token(1) + "\n\n" + token(2) + "\n"
                + "xyz\n" + token(3) + "\n");

        CliRunner.Run run = CliRunner.run(push("--tokens-file", file.toString(), "--alert", "Hi"));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errLines()).containsExactly("apns: --tokens-file " + file + " line 5: Device token 'xyz' has "
                + "'x' at position 0; a token is written in hex digits (0-9, a-f).");
        assertThat(run.out()).isEmpty();
        assertThat(server.processedCount()).isZero();
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    void largeTokensFileIsSentInBatchesAndEveryTokenCounted() {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 2_500; i++) {
            text.append(token(i)).append('\n');
        }
        Path file = Fixtures.write(directory, "tokens.txt", text.toString());
        server.rejectToken(DeviceToken.fromHex(token(1_800)), Status.of(8));

        CliRunner.Run run = CliRunner.run(push("--tokens-file", file.toString(), "--batch-size", "1000",
                "--alert", "Hi", "--json"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("{\"protocol\":\"binary\",\"tokens\":2500,\"accepted\":2499,\"rejected\":1,"
                + "\"notSent\":0,\"rejections\":[{\"token\":\"" + token(1_800) + "\"");
        assertThat(server.acceptedCount()).isEqualTo(2_499);
    }

    @Test
    void tokensFromStandardInput() {
        CliRunner.Run run = CliRunner.run(Map.of(), new ByteArrayInputStream((token(7) + "\n" + token(8) + "\n")
                .getBytes(StandardCharsets.UTF_8)), push("--tokens-file", "-", "--alert", "Hi", "--json"));

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("{\"protocol\":\"binary\",\"tokens\":2,\"accepted\":2,\"rejected\":0,"
                + "\"notSent\":0,\"rejections\":[],\"notSentTokens\":[],\"errors\":[],\"interrupted\":false}\n");
    }

    @Test
    void payloadFileIsSentByteForByte() {
        String json = "{ \"aps\" : { \"alert\" : \"From a file\" }, \"n\": 1e2 }";
        Path payload = Fixtures.write(directory, "payload.json", json);

        CliRunner.Run run = CliRunner.run(push("--token", token(1), "--payload-file", payload.toString(), "--quiet"));

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEmpty();
        assertThat(server.accepted()).singleElement().extracting(ReceivedNotification::payloadText).isEqualTo(json);
    }

    @Test
    void wrongPkcs12PasswordExitsThreeWithOneLine() {
        Path p12 = Fixtures.write(directory, "client.p12", client.pkcs12("right".toCharArray()));

        CliRunner.Run run = CliRunner.run(Map.of("APNS_PASSWORD", "wrong"), "push", "--protocol", "binary", "--gateway",
                server.gateway().toString(), "--ca", directory.resolve("ca.pem").toString(), "--p12", p12.toString(),
                "--password-env", "APNS_PASSWORD", "--token", token(1), "--alert", "Hi");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errLines()).containsExactly("apns: --p12 " + p12 + ": the password from --password-env "
                + "APNS_PASSWORD does not open the PKCS#12 file.");
        assertThat(run.err()).doesNotContain("wrong").doesNotContain("right");
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    void pkcs12WithThePasswordFromAFileIsUsed() {
        Path p12 = Fixtures.write(directory, "client.p12", client.pkcs12("s3cret pass".toCharArray()));
        Path password = Fixtures.write(directory, "password.txt", "s3cret pass\n");

        CliRunner.Run run = CliRunner.run("push", "--protocol", "binary", "--gateway", server.gateway().toString(),
                "--confirmation", "sentinel:5s", "--ca", directory.resolve("ca.pem").toString(), "--p12", p12.toString(),
                "--password-file", password.toString(), "--token", token(1), "--alert", "Hi", "--json");

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(0);
    }

    @Test
    void encryptedKeyWithoutAPasswordAsksOnTheTerminal() {
        Path key = Fixtures.write(directory, "encrypted-key.pem", client.privateKeyPkcs8Pem("typed".toCharArray()));
        List<String> prompts = new ArrayList<>();
        Io io = Io.of(java.io.InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Map.of()).withTerminal(prompt -> {
                    prompts.add(prompt);
                    return "typed".toCharArray();
                });

        CliRunner.Run run = CliRunner.run(io, "push", "--protocol", "binary", "--gateway", server.gateway().toString(),
                "--confirmation",
                "sentinel:5s", "--ca", directory.resolve("ca.pem").toString(), "--cert",
                directory.resolve("client-cert.pem").toString(), "--key", key.toString(), "--token", token(1),
                "--alert", "Hi", "--json");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(prompts).containsExactly("Password for --cert " + directory.resolve("client-cert.pem") + " --key "
                + key + ": ");
    }

    @Test
    void encryptedKeyWithoutAPasswordOrTerminalExitsThreeSayingHowToGiveIt() {
        Path key = Fixtures.write(directory, "encrypted-key.pem", client.privateKeyPkcs8Pem("typed".toCharArray()));

        CliRunner.Run run = CliRunner.run("push", "--protocol", "binary", "--gateway", server.gateway().toString(),
                "--ca", directory.resolve("ca.pem").toString(), "--cert", directory.resolve("client-cert.pem").toString(),
                "--key", key.toString(), "--token", token(1), "--alert", "Hi");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errLines()).containsExactly("apns: --key " + key + ": the private key is protected by a "
                + "password; give it with --password-env VAR or --password-file FILE, or run on a terminal to be "
                + "asked for it.");
    }

    @Test
    void unknownBackendExitsThreeNamingTheOnesFound() {
        CliRunner.Run run = CliRunner.run(push("--token", token(1), "--alert", "Hi", "--backend", "carrier-pigeon"));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errLines()).containsExactly("apns: --backend carrier-pigeon: no backend of that name is on the "
                + "class path; found: blocking, conscrypt, netty.");
    }

    @Test
    void unreachableGatewayExitsTwoWithEveryTokenUnsentAndTheError() {
        int port = Fixtures.closedPort();
        List<String> first = new ArrayList<>(List.of("push", "--protocol", "binary", "--gateway", "127.0.0.1:" + port));
        first.addAll(credentials);

        CliRunner.Run run = CliRunner.run(args(first, "--token", token(1), "--token", token(2), "--alert", "Hi",
                "--json"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).startsWith("{\"protocol\":\"binary\",\"tokens\":2,\"accepted\":0,\"rejected\":0,"
                + "\"notSent\":2,\"rejections\":[],\"notSentTokens\":[{\"token\":\"" + token(1) + "\","
                + "\"possiblyDelivered\":false},{\"token\":\"" + token(2) + "\",\"possiblyDelivered\":false}],"
                + "\"errors\":[\"Could not connect to 127.0.0.1:" + port);
    }

    @Test
    void unreachableGatewayStopsAfterTheFirstBatchAndReportsTheRestUnsent() {
        int port = Fixtures.closedPort();
        List<String> first = new ArrayList<>(List.of("push", "--protocol", "binary", "--gateway", "127.0.0.1:" + port,
                "--batch-size", "2"));
        first.addAll(credentials);

        CliRunner.Run run = CliRunner.run(args(first, "--token", token(1), "--token", token(2), "--token", token(3),
                "--alert", "Hi"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).contains("  not sent  3\n", token(3),
                "Stopped after a batch of 2 in which nothing was delivered; the tokens after it were not attempted.");
    }

    @Test
    void badFlagsExitThreeWithOneLineEach() {
        assertThat(CliRunner.run(push("--token", token(1))).errLines()).containsExactly("apns: a payload is needed: "
                + "give --alert TEXT (and --badge, --sound, --custom ...), --content-available, or --payload-file FILE.");
        assertThat(CliRunner.run(push("--alert", "x")).errLines()).containsExactly("apns: device tokens are needed: "
                + "give --token HEX or --tokens-file FILE (- for standard input).");
        assertThat(CliRunner.run(push("--alert", "x", "--token", "0xff")).errLines()).containsExactly("apns: Invalid "
                + "value for option '--token' (HEX): Device token '0xff' has 'x' at position 1; a token is written in "
                + "hex digits (0-9, a-f). See 'apns push --help'.");
        assertThat(CliRunner.run(push("--alert", "x", "--token", token(1), "--environment", "sandbox")).errLines())
                .containsExactly("apns: --environment and --gateway cannot be combined; give one.");
        assertThat(CliRunner.run(push("--alert", "x", "--token", token(1), "--tokens-file", "/no/such/file"))
                .errLines()).containsExactly("apns: --tokens-file /no/such/file: no such file.");
        assertThat(CliRunner.run(push("--alert", "x", "--token", token(1), "--priority", "300")).errLines())
                .containsExactly("apns: Invalid value for option '--priority': '300' is not a whole number from 0 to "
                        + "255. See 'apns push --help'.");
        assertThat(CliRunner.run(push("--alert", "x", "--token", token(1), "--alert", "y")).errLines())
                .containsExactly("apns: option '--alert' should be specified only once. See 'apns push --help'.");
        CliRunner.Run unknown = CliRunner.run(push("--alert", "x", "--token", token(1), "--alrt", "y"));
        assertThat(unknown.exitCode()).isEqualTo(3);
        assertThat(unknown.errLines()).hasSize(1);
        assertThat(unknown.err()).startsWith("apns: Unknown options: '--alrt', 'y'. Did you mean ").contains("--alert");
    }

    @Test
    void everyFailureIsOneLineWithoutAStackTraceUnlessVerbose() {
        Path p12 = Fixtures.write(directory, "client.p12", client.pkcs12("right".toCharArray()));
        String[] base = {"push", "--protocol", "binary", "--gateway", server.gateway().toString(), "--p12", p12.toString(), "--password-env",
                "P", "--token", token(1), "--alert", "Hi"};

        CliRunner.Run quiet = CliRunner.run(Map.of("P", "wrong"), base);
        List<String> verboseArgs = new ArrayList<>(List.of(base));
        verboseArgs.add("--verbose");
        CliRunner.Run verbose = CliRunner.run(Map.of("P", "wrong"), verboseArgs.toArray(new String[0]));

        assertThat(quiet.errLines()).hasSize(1);
        assertThat(verbose.exitCode()).isEqualTo(3);
        assertThat(verbose.errLines().get(0)).isEqualTo(quiet.errLines().get(0));
        assertThat(verbose.err()).contains("CredentialsException").contains("\tat ");
    }

    @Test
    void aTerminalGetsAProgressBarOnStandardErrorUnlessJsonIsAsked() {
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream());
        Io terminal = Io.of(java.io.InputStream.nullInputStream(), nowhere, nowhere, Map.of())
                .withTerminal(prompt -> null);

        CliRunner.Run shown = CliRunner.run(terminal, push("--token", token(1), "--token", token(2), "--alert", "Hi"));
        CliRunner.Run json = CliRunner.run(terminal, push("--token", token(1), "--alert", "Hi", "--json"));

        assertThat(shown.exitCode()).isEqualTo(0);
        assertThat(shown.err()).startsWith("\r[########################] 100%  2/2  ").contains("/s  in 0:0")
                .endsWith(System.lineSeparator());
        assertThat(json.err()).isEmpty();
    }

    @Test
    void quietPrintsNothingWhenAllAreAccepted() {
        CliRunner.Run run = CliRunner.run(push("--token", token(1), "--alert", "Hi", "-q"));

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void rejectedTokensAreListedInTheTextSummary() {
        server.rejectToken(DeviceToken.fromHex(token(2)), Status.of(8));

        CliRunner.Run run = CliRunner.run(push("--token", token(1), "--token", token(2), "--alert", "Hi"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out().lines().collect(Collectors.toList())).contains("  rejected  1",
                "Rejected by the server (stop sending to these tokens when the reason says they are invalid):", "  " + token(2) + "  Invalid token (8)");
    }
}
