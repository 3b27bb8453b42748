package dev.apns.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The top-level {@code apns} command: help, version, and what happens without a command. */
class ApnsTest {
    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        CliRunner.Run run = CliRunner.run("--help");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).contains("Commands:", "  push ", "  feedback ", "  build ", "  cert ", "  mock ", "  demo ",
                "  gateway ", "Exit codes:", "  3   Bad input");
    }

    @Test
    void everyCommandHasHelpWithItsExitCodes() {
        for (String command : new String[] {"push", "feedback", "build", "cert", "mock", "demo"}) {
            CliRunner.Run run = CliRunner.run(command, "--help");

            assertThat(run.exitCode()).as(command).isEqualTo(0);
            assertThat(run.out()).as(command).contains("Usage: apns " + command, "Exit codes:", "-v, --verbose");
        }
    }

    @Test
    void versionNamesTheBuild() {
        CliRunner.Run run = CliRunner.run("--version");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).startsWith("apns 0.").contains("Java ");
    }

    @Test
    void noCommandOrAnUnknownOneIsBadInput() {
        CliRunner.Run none = CliRunner.run();
        CliRunner.Run unknown = CliRunner.run("pusj");

        assertThat(none.exitCode()).isEqualTo(3);
        assertThat(none.errLines()).containsExactly("apns: a command is needed: push, feedback, build, cert, mock, "
                + "demo or gateway; see 'apns --help'.");
        assertThat(unknown.exitCode()).isEqualTo(3);
        assertThat(unknown.errLines()).containsExactly("apns: Unmatched argument at index 0: 'pusj'. Did you mean push? "
                + "See 'apns --help'.");
    }
}
