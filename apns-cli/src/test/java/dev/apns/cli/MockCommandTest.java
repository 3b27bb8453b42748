package dev.apns.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.apns.cli.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns mock} in process: the announcement, the faults from flags, and stopping at the end of input. */
@Timeout(30)
class MockCommandTest {
    @TempDir
    Path directory;

    @Test
    void binaryPrintsTheEndpointsAndCredentialsThenStopsWhenInputEnds() {
        CliRunner.Run run = CliRunner.run("mock", "--protocol", "binary");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).startsWith("gateway=127.0.0.1:").contains("\nfeedback=127.0.0.1:",
                "\nauthority-pem:\n-----BEGIN CERTIFICATE-----\n", "\nclient-pem:\n-----BEGIN CERTIFICATE-----\n",
                "-----BEGIN PRIVATE KEY-----\n").endsWith("\nready\n");
        assertThat(run.err()).contains("Mock APNs (binary protocol) is running").contains("Mock APNs stopped: accepted 0 notifications");
    }

    @Test
    void binaryServesPushAndFeedbackWithTheFaultsFromFlagsUntilInputEnds() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(feed);
        ReadyWatcher out = new ReadyWatcher();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = Io.of(stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> mock = executor.submit(() -> Apns.commandLine(io).execute("mock", "--protocol", "binary", "--write-credentials",
                    directory.resolve("creds").toString(), "--reject-token", token(2) + ":8",
                    "--feedback", token(9) + "@1767323045"));
            assertThat(out.ready.await(20, TimeUnit.SECONDS)).as("the mock printed 'ready'").isTrue();
            Map<String, String> lines = out.keyValues();
            assertThat(lines.keySet()).containsExactly("gateway", "feedback", "ca-file", "client-cert-file",
                    "client-key-file");
            assertThat(Files.readString(Path.of(lines.get("ca-file")))).startsWith("-----BEGIN CERTIFICATE-----");
            String[] credentials = {"--ca", lines.get("ca-file"), "--cert", lines.get("client-cert-file"), "--key",
                    lines.get("client-key-file")};

            CliRunner.Run push = CliRunner.run(Fixtures.args(java.util.List.of("push", "--protocol", "binary", "--gateway",
                    lines.get("gateway"),
                    "--confirmation", "sentinel:5s", "--token", token(1), "--token", token(2), "--alert", "Hi", "--json"),
                    credentials));
            CliRunner.Run feedback = CliRunner.run(Fixtures.args(java.util.List.of("feedback", "--feedback",
                    lines.get("feedback")), credentials));

            assertThat(push.exitCode()).isEqualTo(1);
            assertThat(push.out()).startsWith("{\"protocol\":\"binary\",\"tokens\":2,\"accepted\":1,\"rejected\":1,"
                    + "\"notSent\":0,\"rejections\":[{\"token\":\"" + token(2) + "\",\"status\":8,");
            assertThat(feedback.out()).isEqualTo(token(9) + " 2026-01-02T03:04:05Z\n");

            feed.close();
            assertThat(mock.get(10, TimeUnit.SECONDS)).isEqualTo(0);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("Mock APNs stopped: accepted 1 notifications");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void badFaultFlagsExitThree() {
        CliRunner.Run run = CliRunner.run("mock", "--protocol", "binary", "--reject-nth", "0:8");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errLines()).containsExactly("apns: Invalid value for option '--reject-nth' (K[:STATUS]): "
                + "notifications are counted from 1; '0:8' names 0. See 'apns mock --help'.");
    }

    /** Collects what the mock prints and opens a latch at its 'ready' line. */
    static final class ReadyWatcher extends OutputStream {
        private final StringBuffer text = new StringBuffer();
        final CountDownLatch ready = new CountDownLatch(1);

        @Override
        public void write(int b) {
            text.append((char) b);
            if (text.length() >= 6 && text.toString().endsWith("ready\n")) {
                ready.countDown();
            }
        }

        String text() {
            return text.toString();
        }

        Map<String, String> keyValues() {
            Map<String, String> values = new LinkedHashMap<>();
            text.toString().lines().filter(line -> line.contains("=")).forEach(line ->
                    values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
            return values;
        }
    }
}
