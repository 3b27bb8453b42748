package dev.apns.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads what OpenSSL 3 writes, so the parser is checked against an independent implementation of every
 * format. The keys and certificates are made at run time by the {@code openssl} command, with the script
 * {@code src/test/resources/dev/apns/internal/openssl/generate.sh}, in a temporary folder; nothing with
 * key material is checked in. Skipped (not failed) where no OpenSSL 3 is installed.
 */
class OpenSslInteropTest {
    @TempDir
    static Path fixtures;

    @BeforeAll
    static void generateFixturesWithOpenSsl() throws IOException, InterruptedException {
        Assumptions.assumeTrue(openSsl3Available(), "OpenSSL 3 is not installed: the interop fixtures cannot be made");
        try (InputStream script = OpenSslInteropTest.class.getResourceAsStream("openssl/generate.sh")) {
            Files.copy(script, fixtures.resolve("generate.sh"));
        }
        Process process = new ProcessBuilder("sh", "generate.sh").directory(fixtures.toFile())
                .redirectErrorStream(true).redirectOutput(fixtures.resolve("generate.log").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("generate.sh did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("generate.sh failed: " + Files.readString(fixtures.resolve("generate.log")));
        }
    }

    private static boolean openSsl3Available() {
        try {
            Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && version.startsWith("OpenSSL 3");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final char[] PASSWORD = "test-password".toCharArray();
    private static final char[] UTF8_PASSWORD = "pässwörd".toCharArray();
    private static final String SOURCE = "the fixture";

    @ParameterizedTest
    @ValueSource(strings = {"rsa-pkcs1.pem", "rsa-pkcs1-des3.pem", "rsa-pkcs1-aes128.pem", "rsa-pbes2-default.pem"})
    void everyRsaKeyFormatOpenSslWritesIsRead(String file) {
        PrivateKey expected = key("rsa-pkcs8.pem", null);
        RSAPrivateCrtKey actual = (RSAPrivateCrtKey) key(file, PASSWORD);
        assertThat(actual.getModulus()).isEqualTo(((RSAPrivateCrtKey) expected).getModulus());
        assertThat(actual.getPrivateExponent()).isEqualTo(((RSAPrivateCrtKey) expected).getPrivateExponent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec-sec1.pem", "ec-sec1-aes256.pem", "ec-sec1-des3.pem", "ec-sec1-with-parameters-block.pem",
            "ec-pbes2-aes128-sha1.pem", "ec-pbes2-aes192-sha256.pem", "ec-pbes2-aes256-sha512.pem", "ec-pbes2-des3-sha1.pem",
            "ec-pbe-sha1-3des.pem", "ec-pbes1-md5-des.pem"})
    void everyEcKeyFormatOpenSslWritesIsRead(String file) {
        ECPrivateKey expected = (ECPrivateKey) key("ec-pkcs8.pem", null);
        ECPrivateKey actual = (ECPrivateKey) key(file, PASSWORD);
        assertThat(actual.getS()).isEqualTo(expected.getS());
        assertThat(actual.getParams().getOrder()).isEqualTo(expected.getParams().getOrder());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec-pbes2-utf8.pem", "ec-sec1-aes192-utf8.pem"})
    void aNonAsciiPasswordIsUsedAsUtf8LikeOpenSslDoes(String file) {
        ECPrivateKey expected = (ECPrivateKey) key("ec-pkcs8.pem", null);
        assertThat(((ECPrivateKey) key(file, UTF8_PASSWORD)).getS()).isEqualTo(expected.getS());
    }

    @Test
    void ed25519KeysAreRead() {
        assertThat(key("ed25519-pkcs8.pem", null)).isInstanceOf(EdECPrivateKey.class);
    }

    @Test
    void rsassaPssKeysAreRead() {
        assertThat(key("rsa-pss-pkcs8.pem", null).getAlgorithm()).isEqualTo("RSASSA-PSS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-pkcs1-des3.pem", "rsa-pkcs1-aes128.pem", "rsa-pbes2-default.pem", "ec-sec1-aes256.pem",
            "ec-pbes2-aes192-sha256.pem", "ec-pbes2-des3-sha1.pem", "ec-pbe-sha1-3des.pem", "ec-pbes1-md5-des.pem"})
    void aWrongPasswordIsReportedAsSuchWithoutTheKeyOrPassword(String file) {
        assertThatThrownBy(() -> key(file, "not-the-password".toCharArray()))
                .isInstanceOfSatisfying(CredentialsException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSWORD))
                .hasMessageStartingWith("The password does not decrypt the private key in the fixture")
                .hasMessageNotContaining("not-the-password")
                .hasMessageNotContaining(fixture(file).lines().filter(line -> line.length() == 64).findFirst().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-pkcs1-des3.pem", "rsa-pbes2-default.pem", "ec-sec1-aes256.pem", "ec-pbe-sha1-3des.pem"})
    void anEncryptedKeyWithoutPasswordAsksForOne(String file) {
        for (char[] missing : new char[][] {null, new char[0]}) {
            assertThatThrownBy(() -> key(file, missing))
                    .isInstanceOfSatisfying(CredentialsException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.PASSWORD_REQUIRED))
                    .hasMessageContaining("the fixture").hasMessageContaining("is encrypted; give its password.");
        }
    }

    @Test
    void scryptIsUnsupportedWithAWayOut() {
        assertThatThrownBy(() -> key("ec-scrypt.pem", PASSWORD))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED))
                .hasMessageContaining("scrypt").hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void explicitCurveParametersAreUnsupportedWithAWayOut() {
        assertThatThrownBy(() -> key("ec-sec1-explicit.pem", null))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED))
                .hasMessageContaining("-param_enc named_curve");
    }

    @Test
    void keyAgreementKeysAreUnsupported() {
        assertThatThrownBy(() -> key("x25519-pkcs8.pem", null))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED))
                .hasMessageContaining("X25519 (OID 1.3.101.110)");
    }

    @Test
    void certificateAndKeyFromOpenSslMakeCredentials() {
        Credentials rsa = Credentials.fromPem(fixture("rsa-cert.pem"), fixture("rsa-pkcs1-des3.pem"), PASSWORD);
        assertThat(rsa.subject()).isEqualTo("CN=openssl rsa fixture");
        Credentials ec = Credentials.fromPem(fixture("ec-cert.pem") + fixture("ec-sec1.pem"), null);
        assertThat(ec.subject()).isEqualTo("CN=openssl ec fixture");
    }

    @Test
    void bagAttributesTextFromOpenSslPkcs12IsIgnored() {
        Credentials credentials = Credentials.fromPem(fixture("rsa-from-p12.pem"), null);
        assertThat(credentials.subject()).isEqualTo("CN=openssl rsa fixture");
    }

    @Test
    void pkcs12WithOpenSsl3DefaultsIsRead() {
        Credentials fromP12 = Credentials.fromPkcs12(bytes("rsa.p12"), PASSWORD);
        assertThat(fromP12).isEqualTo(Credentials.fromPem(fixture("rsa-cert.pem") + fixture("rsa-pkcs8.pem"), null));
    }

    @Test
    void pkcs12WithLegacyAlgorithmsIsRead() {
        Credentials fromP12 = Credentials.fromPkcs12(bytes("ec-legacy.p12"), PASSWORD);
        assertThat(fromP12).isEqualTo(Credentials.fromPem(fixture("ec-cert.pem") + fixture("ec-pkcs8.pem"), null));
    }

    @Test
    void pkcs12WithAWrongPasswordIsReportedAsSuch() {
        for (String file : new String[] {"rsa.p12", "ec-legacy.p12"}) {
            assertThatThrownBy(() -> Credentials.fromPkcs12(bytes(file), "nope".toCharArray()))
                    .isInstanceOfSatisfying(CredentialsException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSWORD))
                    .hasMessageContaining("the PKCS#12 bytes").hasMessageNotContaining("nope");
        }
    }

    private static PrivateKey key(String file, char[] password) {
        PemBlock block = PemReader.read(fixture(file), SOURCE).stream().filter(PemBlock::isPrivateKey).findFirst().orElseThrow();
        return PrivateKeyReader.read(block, password, SOURCE);
    }

    private static String fixture(String file) {
        return new String(bytes(file), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(fixtures.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
