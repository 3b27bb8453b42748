package dev.apns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apns gateway}, in process: its help, and the exit code and one-line error of bad options and a bad
 * configuration file (the gateway is never left running: every case fails before it would listen).
 */
class GatewayCommandTest {
    @TempDir
    Path directory;

    @Test
    void helpListsTheOptionsAndExitCodes() {
        CliRunner.Run run = CliRunner.run("gateway", "--help");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).contains("Usage: apns gateway", "--config=FILE", "--port=PORT", "--data-dir=DIR",
                "--database-url=URL", "--host=ADDRESS", "Exit codes:", "3   Bad input");
    }

    @Test
    void anUnknownOptionOrABadPortIsBadInput() {
        CliRunner.Run unknown = CliRunner.run("gateway", "--prot", "8088");
        CliRunner.Run port = CliRunner.run("gateway", "--port", "eighty");

        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("'--prot'", "See 'apns gateway --help'.");
        assertThat(port.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(port.err()).contains("--port", "eighty");
    }

    @Test
    void aBadConfigurationFileIsBadInputNamingTheKey() throws Exception {
        Path config = directory.resolve("gateway.json");
        Files.writeString(config, "{\"port\": 0, \"data_dir\": \"" + directory.resolve("data") + "\","
                + " \"api_keys\": [{\"name\": \"ops\", \"key\": \"0123456789abcdef-secret\", \"amdin\": true}]}");

        CliRunner.Run run = CliRunner.run("gateway", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.errLines()).singleElement().asString().contains("api_keys[0].amdin")
                .doesNotContain("0123456789abcdef-secret");
        assertThat(run.out()).doesNotContain("listening");
    }

    @Test
    void listeningBeyondLoopbackWithoutApiKeysIsRefused() {
        CliRunner.Run run = CliRunner.run("gateway", "--host", "0.0.0.0", "--port", "0", "--data-dir",
                directory.resolve("data").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("api_keys", "no API key");
    }

    @Test
    void aMissingConfigurationFileIsBadInputNamingIt() {
        Path missing = directory.resolve("missing.json");

        CliRunner.Run run = CliRunner.run("gateway", "--config", missing.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains(missing.toString());
    }
}
