package dev.apns.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class TraditionalPemEncryptionTest {

    /** Expected values from {@code openssl enc -aes-256-cbc -md md5 -S 0102030405060708 -pass pass:test-password -P}. */
    @Test
    void keyDerivationMatchesOpenSslEvpBytesToKey() throws Exception {
        byte[] password = "test-password".getBytes(StandardCharsets.UTF_8);
        byte[] iv = HexFormat.of().parseHex("0102030405060708AABBCCDDEEFF0011");
        assertThat(HexFormat.of().withUpperCase().formatHex(TraditionalPemEncryption.bytesToKey(password, iv, 32)))
                .isEqualTo("44B674175973E2B2976839D5F66AE13E1D48A0F352F511A76CE72253D1296F82");
        assertThat(HexFormat.of().withUpperCase().formatHex(TraditionalPemEncryption.bytesToKey(password, iv, 24)))
                .isEqualTo("44B674175973E2B2976839D5F66AE13E1D48A0F352F511A7");
    }
}
