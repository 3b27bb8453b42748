package dev.apns.cli;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static dev.apns.cli.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns build}: the bytes of each format, written out by hand here. */
class BuildCommandTest {
    private static final String TOKEN = token(0xff);
    /** {"aps":{"alert":"hi"}}, 22 bytes. */
    private static final String PAYLOAD = "7b22617073223a7b22616c657274223a226869227d7d";

    @Test
    void frameIsHexByteForByte() {
        CliRunner.Run run = CliRunner.run("build", "--token", TOKEN, "--alert", "hi", "--identifier", "7");

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("02" + "00000043"
                + "01" + "0020" + TOKEN
                + "02" + "0016" + PAYLOAD
                + "03" + "0004" + "00000007" + "\n");
    }

    @Test
    void frameCarriesExpiryAndPriorityItemsWhenGiven() {
        CliRunner.Run run = CliRunner.run("build", "--token", TOKEN, "--alert", "hi", "--identifier", "7",
                "--expiry", "0", "--priority", "10", "--hex");

        assertThat(run.out()).isEqualTo("02" + "0000004e"
                + "01" + "0020" + TOKEN
                + "02" + "0016" + PAYLOAD
                + "03" + "0004" + "00000007"
                + "04" + "0004" + "00000000"
                + "05" + "0001" + "0a" + "\n");
    }

    @Test
    void enhancedAndSimpleFormats() {
        CliRunner.Run enhanced = CliRunner.run("build", "--format", "enhanced", "--token", TOKEN, "--alert", "hi",
                "--identifier", "4294967295", "--expiry", "2026-01-02T03:04:05Z");
        CliRunner.Run simple = CliRunner.run("build", "--format", "simple", "--token", TOKEN, "--alert", "hi");

        assertThat(enhanced.out()).isEqualTo("01" + "ffffffff" + "695735a5" + "0020" + TOKEN + "0016" + PAYLOAD + "\n");
        assertThat(simple.out()).isEqualTo("00" + "0020" + TOKEN + "0016" + PAYLOAD + "\n");
    }

    @Test
    void rawWritesTheBytesThemselves() {
        CliRunner.Run run = CliRunner.run("build", "--format", "simple", "--token", "0a0b", "--alert", "hi", "--raw");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.outBytes()).isEqualTo(HexFormat.of().parseHex("00" + "0002" + "0a0b" + "0016" + PAYLOAD));
    }

    @Test
    void explainNamesEveryField() {
        CliRunner.Run run = CliRunner.run("build", "--token", TOKEN, "--alert", "hi", "--priority", "5", "--explain");

        assertThat(run.out()).isEqualTo("02  command 2 (frame)\n"
                + "00000047  frame length 71\n"
                + "010020" + TOKEN + "  item 1, 32 bytes: device token\n"
                + "020016" + PAYLOAD + "  item 2, 22 bytes: payload {\"aps\":{\"alert\":\"hi\"}}\n"
                + "03000400000001  item 3, 4 bytes: identifier 1\n"
                + "0500010" + "5  item 5, 1 byte: priority 5\n"
                + "76 bytes in all\n");
    }

    @Test
    void fieldsAFormatLacksAreRefused() {
        CliRunner.Run priority = CliRunner.run("build", "--format", "enhanced", "--token", TOKEN, "--alert", "hi",
                "--priority", "10");
        CliRunner.Run identifier = CliRunner.run("build", "--format", "simple", "--token", TOKEN, "--alert", "hi",
                "--identifier", "3");
        CliRunner.Run noToken = CliRunner.run("build", "--alert", "hi");

        assertThat(priority.exitCode()).isEqualTo(3);
        assertThat(priority.errLines()).containsExactly("apns: --priority is carried by --format frame only; the "
                + "enhanced format has no priority field.");
        assertThat(identifier.errLines()).containsExactly("apns: --identifier is not carried by --format simple; use "
                + "enhanced or frame.");
        assertThat(noToken.exitCode()).isEqualTo(3);
        assertThat(noToken.errLines()).containsExactly("apns: Missing required option: '--token=HEX'. See 'apns "
                + "build --help'.");
    }
}
