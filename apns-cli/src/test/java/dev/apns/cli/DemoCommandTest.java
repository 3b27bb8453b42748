package dev.apns.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns demo}: the README's first command. */
class DemoCommandTest {
    @Test
    @Timeout(60)
    void demoGoesThroughEveryBackendAndExitsZero() {
        CliRunner.Run run = CliRunner.run("demo");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(0);
        assertThat(run.out()).contains("Backends on the class path: [blocking, conscrypt, netty]",
                "The server rejected token 00000000000000000000000000000000000000000000000000000000000001f4: Invalid "
                        + "token (8).");
        for (String backend : new String[] {"blocking", "conscrypt", "netty"}) {
            assertThat(run.out()).contains("[" + backend + "]   accepted 999, rejected 1,",
                    "[" + backend + "] with automatic resend off: accepted 499, rejected 1, handed back 500",
                    "[" + backend + "]   sending the retry message: accepted 500");
        }
        assertThat(run.out()).contains(
                "Feedback: token 0000000000000000000000000000000000000000000000000000000000000001 was uninstalled at "
                        + "2026-01-02T03:04:05Z",
                "Demo finished: every notification ended accepted, rejected with a reason, or retried.");
    }
}
