package dev.apns.internal.credentials;

import dev.apns.CredentialsException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bounds on DER that core hands to the JDK: nesting ({@link DerNesting}) and the legacy PBES1 iteration
 * count ({@link EncryptedPkcs8#MAX_ITERATIONS}).
 */
class HostileDerTest {

    @Test
    void nestingUpToTheLimitPassesAndOneMoreLevelIsRefused() {
        assertThat(DerNesting.tooDeep(nested(DerNesting.MAX_DEPTH))).isNull();
        assertThat(DerNesting.tooDeep(nested(DerNesting.MAX_DEPTH + 1))).contains("nests more than 64 levels");
    }

    @Test
    void indefiniteLengthsAndDerEncapsulatedInOctetStringsCountToo() {
        assertThat(DerNesting.tooDeep(indefinite(DerNesting.MAX_DEPTH))).isNull();
        assertThat(DerNesting.tooDeep(indefinite(DerNesting.MAX_DEPTH + 1))).isNotNull();
        byte[] inner = nested(DerNesting.MAX_DEPTH);
        byte[] wrapped = new byte[inner.length + 8];
        wrapped[0] = 0x30; // SEQUENCE { OCTET STRING { inner } }
        wrapped[1] = (byte) 0x84;
        int octetLength = inner.length + 2 + 0; // OCTET STRING header below uses 0x84 too
        byte[] octet = new byte[inner.length + 6];
        octet[0] = 0x04;
        octet[1] = (byte) 0x84;
        putInt(octet, 2, inner.length);
        System.arraycopy(inner, 0, octet, 6, inner.length);
        byte[] outer = new byte[octet.length + 6];
        outer[0] = 0x30;
        outer[1] = (byte) 0x84;
        putInt(outer, 2, octet.length);
        System.arraycopy(octet, 0, outer, 6, octet.length);
        assertThat(octetLength).isPositive();
        assertThat(DerNesting.tooDeep(outer)).as("64 levels inside an OCTET STRING inside a SEQUENCE").isNotNull();
    }

    @Test
    void truncatedOrGarbageInputIsLeftToTheJdkToRefuse() {
        assertThat(DerNesting.tooDeep(new byte[0])).isNull();
        assertThat(DerNesting.tooDeep(new byte[] {0x30})).isNull();
        assertThat(DerNesting.tooDeep(new byte[] {0x30, (byte) 0x85, 1, 2, 3, 4, 5})).isNull();
        assertThat(DerNesting.tooDeep(new byte[] {0x1F, (byte) 0xFF, (byte) 0xFF})).isNull();
    }

    @Test
    void aLegacyPbes1KeyWithAnEndlessIterationCountIsRefusedBeforeAnyWork() {
        // EncryptedPrivateKeyInfo { pbeWithMD5AndDES-CBC { salt, iterations 2^31 - 1 }, 16 bytes }
        byte[] der = {0x30, 0x31,
                0x30, 0x1D,
                0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x05, 0x03,
                0x30, 0x10, 0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x04, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                0x04, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

        assertThatThrownBy(() -> EncryptedPkcs8.decrypt(der, "secret".toCharArray(), "private key"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining("2147483647")
                .hasMessageContaining("more than " + EncryptedPkcs8.MAX_ITERATIONS)
                .satisfies(e -> assertThat(((CredentialsException) e).problem())
                        .isEqualTo(CredentialsException.Problem.UNSUPPORTED));
    }

    @Test
    void aLegacyPbes1KeyWithAnOrdinaryIterationCountReachesTheJdk() {
        byte[] der = {0x30, 0x2F,
                0x30, 0x1B,
                0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x05, 0x03,
                0x30, 0x0E, 0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x02, 0x08, 0x00,
                0x04, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

        // 2048 iterations pass the cap; the zero ciphertext then fails as a wrong password, not as a refusal.
        assertThatThrownBy(() -> EncryptedPkcs8.decrypt(der, "secret".toCharArray(), "private key"))
                .isInstanceOf(CredentialsException.class)
                .satisfies(e -> assertThat(((CredentialsException) e).problem())
                        .isNotEqualTo(CredentialsException.Problem.UNSUPPORTED));
    }

    private static byte[] nested(int depth) {
        int total = 6 * depth + 2;
        byte[] bytes = new byte[total];
        for (int i = 0; i < depth; i++) {
            bytes[6 * i] = 0x30;
            bytes[6 * i + 1] = (byte) 0x84;
            putInt(bytes, 6 * i + 2, total - 6 * i - 6);
        }
        bytes[total - 2] = 0x05;
        return bytes;
    }

    private static byte[] indefinite(int depth) {
        byte[] bytes = new byte[depth * 4 + 2];
        for (int i = 0; i < depth; i++) {
            bytes[2 * i] = 0x30;
            bytes[2 * i + 1] = (byte) 0x80;
        }
        bytes[2 * depth] = 0x05;
        return bytes;
    }

    private static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }
}
