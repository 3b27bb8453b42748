package dev.apns.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns demo}: the README's first command, HTTP/2 first, then the binary protocol. */
class DemoCommandTest {
    private static final String BAD = "00000000000000000000000000000000000000000000000000000000000001f4";

    @Test
    @Timeout(90)
    void demoGoesThroughEveryBackendOverBothProtocolsAndExitsZero() {
        CliRunner.Run run = CliRunner.run("demo");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(0);
        assertThat(run.out()).startsWith("HTTP/2: mock APNs provider API at 127.0.0.1:")
                .contains("Backends on the class path: [blocking, conscrypt, netty]",
                        "Binary protocol: mock APNs gateway at 127.0.0.1:",
                        "The server rejected token " + BAD + ": Invalid token (8).");
        assertThat(run.out().indexOf("HTTP/2:")).isLessThan(run.out().indexOf("Binary protocol:"));
        for (String backend : new String[] {"blocking", "conscrypt", "netty"}) {
            assertThat(run.out()).contains(
                    "[" + backend + "] HTTP/2: sent 1,000 notifications in ",
                    "[" + backend + "]   accepted 999, rejected 1, not sent 0\n",
                    "[" + backend + "]   rejected " + BAD + ": HTTP 410 Unregistered (token invalid since "
                            + "2026-01-02T03:04:05Z)\n",
                    "[" + backend + "]   503 ServiceUnavailable on the first request: retried after a backoff",
                    "[" + backend + "]   GOAWAY after request 500: the sender went on over a new connection",
                    "[" + backend + "]   the server accepted 999 notifications: none lost, none twice\n",
                    "[" + backend + "]   accepted 999, rejected 1,",
                    "[" + backend + "] binary, with automatic resend off: accepted 499, rejected 1, handed back 500",
                    "[" + backend + "]   sending the retry message: accepted 500");
        }
        assertThat(run.out()).contains(
                "Feedback: token 0000000000000000000000000000000000000000000000000000000000000001 was uninstalled at "
                        + "2026-01-02T03:04:05Z",
                "Demo finished: over HTTP/2 and the binary protocol, every notification ended accepted, rejected with "
                        + "a reason, or retried.");
    }

    @Test
    @Timeout(90)
    void demoWithTheSmallestMessagePasses() {
        CliRunner.Run run = CliRunner.run("demo", "--tokens", "500");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(0);
        String bad = "00000000000000000000000000000000000000000000000000000000000000fa"; // the 250th
        assertThat(run.out()).contains("[netty]   accepted 499, rejected 1, not sent 0\n",
                "[netty]   rejected " + bad + ": HTTP 410 Unregistered",
                "[netty] binary, with automatic resend off: accepted 249, rejected 1, handed back 250");
    }

    @Test
    void tooFewTokensIsBadInput() {
        CliRunner.Run run = CliRunner.run("demo", "--tokens", "499");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errLines()).containsExactly("apns: --tokens 499: must be from 500 to 1000000.");
    }
}
