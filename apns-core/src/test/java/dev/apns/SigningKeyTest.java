package dev.apns;

import static dev.apns.TestP8Keys.KEY_ID;
import static dev.apns.TestP8Keys.TEAM_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.CredentialsException.Problem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    @TempDir
    Path directory;

    @Test
    void aP256KeyWrittenAsP8RoundTripsWithItsIdsAndPublicKey() throws GeneralSecurityException {
        KeyPair pair = TestP8Keys.p256();
        SigningKey key = SigningKey.fromP8(TestP8Keys.p8(pair.getPrivate()), KEY_ID, TEAM_ID);

        assertThat(key.keyId()).isEqualTo(KEY_ID);
        assertThat(key.teamId()).isEqualTo(TEAM_ID);
        assertThat(key.privateKey().getS()).isEqualTo(((ECPrivateKey) pair.getPrivate()).getS());
        assertThat(key.publicKey().getW()).isEqualTo(((ECPublicKey) pair.getPublic()).getW());
        assertThat(key.publicKey().getEncoded()).isEqualTo(pair.getPublic().getEncoded());

        Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(key.privateKey());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(pair.getPublic());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void thePublicKeyIsDerivedCorrectlyWhicheverItsYCoordinate() {
        boolean sawEven = false;
        boolean sawOdd = false;
        for (int i = 0; i < 40 && !(sawEven && sawOdd); i++) {
            KeyPair pair = TestP8Keys.p256();
            ECPublicKey expected = (ECPublicKey) pair.getPublic();
            assertThat(SigningKey.fromP8(TestP8Keys.p8(pair.getPrivate()), KEY_ID, TEAM_ID).publicKey().getW())
                    .isEqualTo(expected.getW());
            boolean odd = expected.getW().getAffineY().testBit(0);
            sawOdd |= odd;
            sawEven |= !odd;
        }
        assertThat(sawEven && sawOdd).as("40 random keys cover both y parities").isTrue();
    }

    @Test
    void anAppleStyleP8WithThePublicKeyInsideIsRead() {
        KeyPair pair = TestP8Keys.p256();
        String p8 = TestP8Keys.pem("PRIVATE KEY", pkcs8WithPublicKey(pair));
        SigningKey key = SigningKey.fromP8(p8, KEY_ID, TEAM_ID);
        assertThat(key.publicKey().getW()).isEqualTo(((ECPublicKey) pair.getPublic()).getW());
    }

    @Test
    void aSec1EcPrivateKeyIsReadToo() {
        KeyPair pair = TestP8Keys.p256();
        String sec1 = TestP8Keys.pem("EC PRIVATE KEY", sec1(scalar(pair)));
        assertThat(SigningKey.fromP8(sec1, KEY_ID, TEAM_ID).publicKey().getW())
                .isEqualTo(((ECPublicKey) pair.getPublic()).getW());
    }

    @Test
    void bytesStreamsAndFilesGiveTheSameKey() throws IOException {
        String p8 = TestP8Keys.p8(TestP8Keys.p256().getPrivate());
        SigningKey fromText = SigningKey.fromP8(p8, KEY_ID, TEAM_ID);
        Path file = Files.writeString(directory.resolve("AuthKey_" + KEY_ID + ".p8"), p8);

        assertThat(SigningKey.fromP8(p8.getBytes(StandardCharsets.US_ASCII), KEY_ID, TEAM_ID)).isEqualTo(fromText);
        assertThat(SigningKey.fromP8(new ByteArrayInputStream(p8.getBytes(StandardCharsets.US_ASCII)), KEY_ID, TEAM_ID))
                .isEqualTo(fromText);
        assertThat(SigningKey.fromP8(file, KEY_ID, TEAM_ID)).isEqualTo(fromText);
    }

    @Test
    void aMissingFileIsMalformedNamingTheFile() {
        Path missing = directory.resolve("AuthKey_NOPE.p8");
        assertThatThrownBy(() -> SigningKey.fromP8(missing, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessageContaining(missing.toString());
    }

    @Test
    void aFailingStreamIsMalformed() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }
        };
        assertThatThrownBy(() -> SigningKey.fromP8(failing, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessageContaining("the .p8 stream").hasMessageContaining("disk gone");
    }

    @Test
    void idsMustBeTenUpperCaseLettersOrDigitsAndTheMessageNamesFieldAndValue() {
        String p8 = TestP8Keys.p8(TestP8Keys.p256().getPrivate());
        assertThatThrownBy(() -> SigningKey.fromP8(p8, "abc123defg", TEAM_ID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyId").hasMessageContaining("'abc123defg'");
        assertThatThrownBy(() -> SigningKey.fromP8(p8, KEY_ID, "DEF123GHI"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("teamId").hasMessageContaining("'DEF123GHI'");
        assertThatThrownBy(() -> SigningKey.fromP8(p8, KEY_ID, "DEF123GHIJK"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("teamId");
        assertThatThrownBy(() -> SigningKey.fromP8(p8, "ABC-23DEFG", TEAM_ID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyId");
        assertThatThrownBy(() -> SigningKey.fromP8(p8, "", TEAM_ID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyId");
        assertThatThrownBy(() -> SigningKey.fromP8(p8, null, TEAM_ID)).isInstanceOf(NullPointerException.class)
                .hasMessage("keyId");
    }

    @Test
    void keyTextPassedAsAnIdNeverReachesTheMessage() {
        String p8 = TestP8Keys.p8(TestP8Keys.p256().getPrivate());
        assertThatThrownBy(() -> SigningKey.fromP8(KEY_ID, p8, TEAM_ID))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyId")
                .hasMessageNotContaining("PRIVATE KEY")
                .hasMessageNotContaining(body(p8).substring(0, 12));
    }

    @Test
    void anRsaKeyIsRefusedAsTheWrongKeyType() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        String p8 = TestP8Keys.p8(generator.generateKeyPair().getPrivate());
        assertThatThrownBy(() -> SigningKey.fromP8(p8, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_KEY_TYPE))
                .hasMessageContaining("RSA").hasMessageContaining("EC P-256");
    }

    @Test
    void aP384KeyIsRefusedAsTheWrongKeyType() {
        String p8 = TestP8Keys.p8(TestP8Keys.ec("secp384r1").getPrivate());
        assertThatThrownBy(() -> SigningKey.fromP8(p8, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_KEY_TYPE))
                .hasMessageContaining("384-bit curve").hasMessageContaining("P-256");
    }

    @Test
    void anEncryptedPkcs8KeyIsRefusedWithAClearMessage() throws GeneralSecurityException, IOException {
        KeyPair pair = TestP8Keys.p256();
        String encrypted = TestP8Keys.pem("ENCRYPTED PRIVATE KEY", encrypt(pair.getPrivate().getEncoded(), "secret".toCharArray()));
        assertThatThrownBy(() -> SigningKey.fromP8(encrypted, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED))
                .hasMessageContaining("is encrypted")
                .hasMessageContaining("not encrypted and SigningKey takes no password");
    }

    @Test
    void aTraditionallyEncryptedEcKeyIsRefusedWithAClearMessage() {
        String encrypted = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAQIDBAUGBwgJCgsMDQ4PEA==\n-----END EC PRIVATE KEY-----\n";
        assertThatThrownBy(() -> SigningKey.fromP8(encrypted, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED))
                .hasMessageContaining("is encrypted");
    }

    @Test
    void aPrivateValueOfZeroOrOfTheCurveOrderIsMalformed() {
        for (BigInteger scalar : new BigInteger[] {BigInteger.ZERO, P256_ORDER, P256_ORDER.add(BigInteger.ONE)}) {
            String p8 = TestP8Keys.pem("PRIVATE KEY", pkcs8(fixed32(scalar)));
            assertThatThrownBy(() -> SigningKey.fromP8(p8, KEY_ID, TEAM_ID))
                    .as("private value %s", scalar)
                    .isInstanceOfSatisfying(CredentialsException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED));
        }
    }

    @Test
    void textWithoutAKeyIsRefusedWithWhatToGive() {
        assertThatThrownBy(() -> SigningKey.fromP8("AuthKey_ABC123DEFG.p8", KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessageContaining("No PEM block").hasMessageContaining(".p8 file");
        String certificateOnly = TestP8Keys.pem("CERTIFICATE", new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SigningKey.fromP8(certificateOnly, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.NO_PRIVATE_KEY));
        String two = TestP8Keys.p8(TestP8Keys.p256().getPrivate()) + TestP8Keys.p8(TestP8Keys.p256().getPrivate());
        assertThatThrownBy(() -> SigningKey.fromP8(two, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessageContaining("2 private keys");
    }

    @Test
    void equalityIsTeamKeyIdAndPublicKey() {
        String p8 = TestP8Keys.p8(TestP8Keys.p256().getPrivate());
        SigningKey key = SigningKey.fromP8(p8, KEY_ID, TEAM_ID);
        SigningKey same = SigningKey.fromP8(p8, KEY_ID, TEAM_ID);
        assertThat(same).isEqualTo(key).hasSameHashCodeAs(key);
        assertThat(SigningKey.fromP8(p8, "ZZZ123DEFG", TEAM_ID)).isNotEqualTo(key);
        assertThat(SigningKey.fromP8(p8, KEY_ID, "ZZZ123GHIJ")).isNotEqualTo(key);
        assertThat(SigningKey.fromP8(TestP8Keys.p8(TestP8Keys.p256().getPrivate()), KEY_ID, TEAM_ID)).isNotEqualTo(key);
    }

    @Test
    void toStringShowsIdsAndFingerprintButNoPrivateMaterial() {
        KeyPair pair = TestP8Keys.p256();
        String p8 = TestP8Keys.p8(pair.getPrivate());
        SigningKey key = SigningKey.fromP8(p8, KEY_ID, TEAM_ID);
        String text = key.toString();

        assertThat(text).isEqualTo("SigningKey[teamId=" + TEAM_ID + ", keyId=" + KEY_ID + ", publicKeySha256="
                + key.publicKeyDigest().substring(0, 16) + "...]");
        assertThat(text).doesNotContain(body(p8).substring(40, 60))
                .doesNotContain(HexFormat.of().formatHex(fixed32(scalar(pair))).substring(0, 16))
                .doesNotContain(scalar(pair).toString());
    }

    @Test
    void errorMessagesOfABrokenKeyShowNoKeyMaterial() {
        KeyPair pair = TestP8Keys.p256();
        byte[] der = pair.getPrivate().getEncoded();
        byte[] truncated = Arrays.copyOf(der, der.length - 5);
        String p8 = TestP8Keys.pem("PRIVATE KEY", truncated);
        assertThatThrownBy(() -> SigningKey.fromP8(p8, KEY_ID, TEAM_ID))
                .isInstanceOfSatisfying(CredentialsException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.MALFORMED);
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(body(p8).substring(40, 60))
                                .doesNotContain(HexFormat.of().formatHex(fixed32(scalar(pair))).substring(0, 16));
                    }
                });
    }

    static BigInteger scalar(KeyPair pair) {
        return ((ECPrivateKey) pair.getPrivate()).getS();
    }

    static String body(String pem) {
        return pem.lines().filter(line -> !line.startsWith("-----")).reduce("", String::concat);
    }

    static byte[] fixed32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }

    /** SEC1 ECPrivateKey naming P-256: SEQUENCE { 1, OCTET STRING d, [0] { OID prime256v1 } }. */
    static byte[] sec1(BigInteger scalar) {
        byte[] d = fixed32(scalar);
        byte[] prefix = {0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20};
        byte[] suffix = {(byte) 0xa0, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
        return concat(prefix, d, suffix);
    }

    /** PKCS#8 PrivateKeyInfo for P-256 around SEC1 { 1, d } without parameters, as the JDK writes it. */
    static byte[] pkcs8(byte[] d) {
        byte[] prefix = HexFormat.of().parseHex("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420");
        return concat(prefix, d);
    }

    /** PKCS#8 as Apple writes .p8 files: the SEC1 key carries the [0] curve and [1] public key. */
    static byte[] pkcs8WithPublicKey(KeyPair pair) {
        ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
        byte[] point = concat(new byte[] {0x04}, fixed32(publicKey.getW().getAffineX()), fixed32(publicKey.getW().getAffineY()));
        byte[] sec1 = concat(new byte[] {0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20}, fixed32(scalar(pair)),
                new byte[] {(byte) 0xa0, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07},
                new byte[] {(byte) 0xa1, 0x44, 0x03, 0x42, 0x00}, point);
        byte[] prefix = HexFormat.of().parseHex("308193020100301306072a8648ce3d020106082a8648ce3d0301070479");
        return concat(prefix, sec1);
    }

    static byte[] encrypt(byte[] pkcs8, char[] password) throws GeneralSecurityException, IOException {
        String algorithm = "PBEWithSHA1AndDESede"; // PKCS#12 PBE, which the JDK can also write as EncryptedPrivateKeyInfo
        PBEKeySpec spec = new PBEKeySpec(password);
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(spec),
                new PBEParameterSpec(new byte[8], 2048));
        return new EncryptedPrivateKeyInfo(cipher.getParameters(), cipher.doFinal(pkcs8)).getEncoded();
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
