package dev.apns.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import java.util.List;

import org.junit.jupiter.api.Test;

class PemReaderTest {
    private static final String SOURCE = "the test text";

    @Test
    void blocksAreReadInOrderWithTheirLabels() {
        List<PemBlock> blocks = PemReader.read("""
                -----BEGIN CERTIFICATE-----
                AQID
                -----END CERTIFICATE-----
                -----BEGIN PRIVATE KEY-----
                BAUG
                BwgJ
                -----END PRIVATE KEY-----
                """, SOURCE);
        assertThat(blocks).extracting(PemBlock::label).containsExactly("CERTIFICATE", "PRIVATE KEY");
        assertThat(blocks.get(0).bytes()).containsExactly(1, 2, 3);
        assertThat(blocks.get(1).bytes()).containsExactly(4, 5, 6, 7, 8, 9);
        assertThat(blocks).extracting(PemBlock::number).containsExactly(1, 2);
    }

    @Test
    void textAroundAndBetweenBlocksIsIgnored() {
        List<PemBlock> blocks = PemReader.read("""
                Bag Attributes
                    localKeyID: 01 00 00 00
                    friendlyName: Apple Push Services: com.example.app
                subject=/UID=com.example.app/CN=Apple Push Services: com.example.app
                -----BEGIN CERTIFICATE-----
                AQID
                -----END CERTIFICATE-----
                Key Attributes: <No Attributes>
                -----BEGIN PRIVATE KEY-----
                BAUG
                -----END PRIVATE KEY-----
                trailing words
                """, SOURCE);
        assertThat(blocks).extracting(PemBlock::label).containsExactly("CERTIFICATE", "PRIVATE KEY");
        assertThat(blocks.get(0).hasHeaders()).isFalse();
    }

    @Test
    void crlfAndCrLineEndingsAndIndentationAreAccepted() {
        String text = "-----BEGIN CERTIFICATE-----\r\n  AQID\r\n-----END CERTIFICATE-----\r\n"
                + "-----BEGIN CERTIFICATE-----\rBAUG\r-----END CERTIFICATE-----\r";
        List<PemBlock> blocks = PemReader.read(text, SOURCE);
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0).bytes()).containsExactly(1, 2, 3);
        assertThat(blocks.get(1).bytes()).containsExactly(4, 5, 6);
    }

    @Test
    void openSslEncryptionHeadersAreKept() {
        PemBlock block = PemReader.read("""
                -----BEGIN RSA PRIVATE KEY-----
                Proc-Type: 4,ENCRYPTED
                DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF

                AQID
                -----END RSA PRIVATE KEY-----
                """, SOURCE).get(0);
        assertThat(block.header("proc-type")).contains("4,ENCRYPTED");
        assertThat(block.header("DEK-Info")).contains("AES-256-CBC,00112233445566778899AABBCCDDEEFF");
        assertThat(block.bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void textWithoutBlocksGivesNoBlocks() {
        assertThat(PemReader.read("just some words\nand more", SOURCE)).isEmpty();
    }

    @Test
    void aBlockWithoutItsEndLineIsMalformed() {
        assertThatThrownBy(() -> PemReader.read("-----BEGIN CERTIFICATE-----\nAQID\n", SOURCE))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessage("The PEM block 1 ('CERTIFICATE') in the test text is not closed: the "
                        + "'-----END CERTIFICATE-----' line is missing.");
    }

    @Test
    void aBlockClosedWithAnotherLabelIsMalformed() {
        assertThatThrownBy(() -> PemReader.read("-----BEGIN CERTIFICATE-----\nAQID\n-----END PRIVATE KEY-----\n", SOURCE))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessageContaining("the test text").hasMessageContaining("'-----END PRIVATE KEY-----' instead of");
    }

    @Test
    void aBeginInsideABlockIsMalformed() {
        assertThatThrownBy(() -> PemReader.read("-----BEGIN CERTIFICATE-----\nAQID\n-----BEGIN CERTIFICATE-----\nAQID\n"
                + "-----END CERTIFICATE-----\n", SOURCE))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessageContaining("is not closed");
    }

    @Test
    void invalidBase64IsMalformed() {
        assertThatThrownBy(() -> PemReader.read("-----BEGIN CERTIFICATE-----\nAQ*D\n-----END CERTIFICATE-----\n", SOURCE))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessage("The PEM block 1 ('CERTIFICATE') in the test text is not valid base64.");
    }

    @Test
    void anEmptyBlockIsMalformed() {
        assertThatThrownBy(() -> PemReader.read("-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n", SOURCE))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessageContaining("is empty");
    }

    @Test
    void erasingABlockZeroesItsBytes() {
        PemBlock block = PemReader.read("-----BEGIN PRIVATE KEY-----\nAQID\n-----END PRIVATE KEY-----", SOURCE).get(0);
        block.erase();
        assertThat(block.bytes()).containsOnly(0);
        assertThat(block.toString()).doesNotContain("AQID");
    }
}
