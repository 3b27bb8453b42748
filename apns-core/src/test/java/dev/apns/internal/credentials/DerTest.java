package dev.apns.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.internal.credentials.DerReader.DerException;

import java.math.BigInteger;
import java.util.Arrays;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DerTest {

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.113549.1.1.1", "2.16.840.1.101.3.4.1.42", "1.3.101.112", "0.9.2342.19200300.100.1.1",
            "2.999.3", "1.2.840.10045.3.1.7", "1.3.6.1.4.1.11591.4.11"})
    void objectIdentifiersSurviveAWriteAndARead(String oid) throws DerException {
        assertThat(new DerReader(DerWriter.objectIdentifier(oid)).objectIdentifier()).isEqualTo(oid);
    }

    @Test
    void objectIdentifierIsEncodedAsTheStandardSays() {
        // rsaEncryption, as every PKCS#8 RSA key carries it.
        assertThat(DerWriter.objectIdentifier("1.2.840.113549.1.1.1"))
                .containsExactly(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 127, 128, 255, 256, 65535, 65536, 70000})
    void octetStringsOfEveryLengthFormSurviveAWriteAndARead(int length) throws DerException {
        byte[] content = new byte[length];
        Arrays.fill(content, (byte) 0x5a);
        byte[] encoded = DerWriter.octetString(content);
        DerReader reader = new DerReader(encoded);
        assertThat(reader.octetString()).isEqualTo(content);
        assertThat(reader.hasMore()).isFalse();
    }

    @Test
    void nestedSequencesAreReadInOrder() throws DerException {
        byte[] encoded = DerWriter.sequence(DerWriter.integer(0),
                DerWriter.sequence(DerWriter.objectIdentifier("1.2.840.113549.1.1.1"), DerWriter.nullValue()),
                DerWriter.octetString(new byte[] {1, 2, 3}));
        DerReader top = new DerReader(encoded);
        DerReader info = top.sequence();
        top.requireEnd("the outer sequence");
        assertThat(info.smallInteger(0, 1)).isZero();
        DerReader algorithm = info.sequence();
        assertThat(algorithm.objectIdentifier()).isEqualTo("1.2.840.113549.1.1.1");
        algorithm.nullValue();
        algorithm.requireEnd("the algorithm");
        assertThat(info.octetString()).containsExactly(1, 2, 3);
        assertThat(info.hasMore()).isFalse();
    }

    @Test
    void integersKeepTheirSignAndSize() throws DerException {
        byte[] encoded = DerWriter.element(DerReader.INTEGER, new BigInteger("123456789012345678901234567890").toByteArray());
        assertThat(new DerReader(encoded).integer()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(new DerReader(DerWriter.integer(200)).smallInteger(0, 255)).isEqualTo(200);
    }

    @Test
    void integerOutsideTheAllowedRangeIsRejected() {
        assertThatThrownBy(() -> new DerReader(DerWriter.integer(3)).smallInteger(0, 1))
                .isInstanceOf(DerException.class).hasMessageContaining("outside 0..1");
    }

    @Test
    void aLengthRunningPastTheEndIsRejected() {
        byte[] truncated = Arrays.copyOf(DerWriter.octetString(new byte[300]), 200);
        assertThatThrownBy(() -> new DerReader(truncated).octetString())
                .isInstanceOf(DerException.class).hasMessageContaining("runs past the end");
    }

    @Test
    void anIndefiniteLengthIsRejected() {
        assertThatThrownBy(() -> new DerReader(new byte[] {0x30, (byte) 0x80, 0, 0}).sequence())
                .isInstanceOf(DerException.class).hasMessageContaining("indefinite");
    }

    @Test
    void anUnexpectedTagIsNamedInTheMessage() {
        assertThatThrownBy(() -> new DerReader(DerWriter.nullValue()).sequence())
                .isInstanceOf(DerException.class).hasMessage("expected a SEQUENCE but found tag 0x5");
    }

    @Test
    void emptyInputIsRejected() {
        assertThatThrownBy(() -> new DerReader(new byte[0]).sequence())
                .isInstanceOf(DerException.class).hasMessageContaining("ends");
    }

    @Test
    void trailingDataIsRejectedWhereTheEndIsRequired() throws DerException {
        byte[] two = DerWriter.sequence(DerWriter.nullValue(), DerWriter.nullValue());
        DerReader inner = new DerReader(two).sequence();
        inner.nullValue();
        assertThatThrownBy(() -> inner.requireEnd("the first NULL"))
                .isInstanceOf(DerException.class).hasMessage("unexpected data after the first NULL");
    }

    @Test
    void explicitTagsAreOpened() throws DerException {
        byte[] tagged = DerWriter.element(DerReader.CONTEXT_CONSTRUCTED, DerWriter.objectIdentifier("1.3.132.0.34"));
        DerReader reader = new DerReader(tagged);
        assertThat(reader.nextIs(DerReader.CONTEXT_CONSTRUCTED)).isTrue();
        assertThat(reader.explicit(0).objectIdentifier()).isEqualTo("1.3.132.0.34");
    }
}
