package dev.apns.mock.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

class CredentialsTest {
    private static final TestCertificates CERTIFICATES = TestCertificates.create();
    private static final IssuedCertificate RSA = CERTIFICATES.client("rsa client", KeyType.RSA);
    private static final IssuedCertificate EC = CERTIFICATES.client("ec client", KeyType.EC);
    private static final IssuedCertificate OTHER_RSA = CERTIFICATES.client("other rsa client", KeyType.RSA);
    private static final char[] PASSWORD = "correct horse".toCharArray();
    private static final String WRONG = "battery staple";
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private static IssuedCertificate issued(KeyType type) {
        return type == KeyType.RSA ? RSA : EC;
    }

    @Nested
    class PemForms {
        @ParameterizedTest
        @EnumSource(KeyType.class)
        void chainAndPlainPkcs8KeyInOneTextGiveTheIssuedCredentials(KeyType type) {
            IssuedCertificate issued = issued(type);
            Credentials credentials = Credentials.fromPem(issued.combinedPem());
            assertSameAs(credentials, issued);
        }

        @ParameterizedTest
        @EnumSource(KeyType.class)
        void certificateAndKeyInSeparateTextsAreRead(KeyType type) {
            IssuedCertificate issued = issued(type);
            assertSameAs(Credentials.fromPem(issued.chainPem(), issued.privateKeyPkcs8Pem(), null), issued);
        }

        @ParameterizedTest
        @EnumSource(KeyType.class)
        void encryptedPkcs8AsOpenSslWritesItByDefaultIsRead(KeyType type) {
            IssuedCertificate issued = issued(type);
            assertSameAs(Credentials.fromPem(issued.chainPem(), issued.privateKeyPkcs8Pem(PASSWORD), PASSWORD), issued);
        }

        static Stream<Arguments> pbes2Variants() {
            return Stream.of(KeyType.values()).flatMap(type -> Stream.of(
                    Arguments.of(type, PKCS8Generator.AES_128_CBC, PKCS8Generator.PRF_HMACSHA1),
                    Arguments.of(type, PKCS8Generator.AES_192_CBC, PKCS8Generator.PRF_HMACSHA256),
                    Arguments.of(type, PKCS8Generator.AES_256_CBC, PKCS8Generator.PRF_HMACSHA512),
                    Arguments.of(type, PKCS8Generator.DES3_CBC, PKCS8Generator.PRF_HMACSHA1)));
        }

        @ParameterizedTest
        @MethodSource("pbes2Variants")
        void encryptedPkcs8WithEveryPbes2CipherAndPrfIsRead(KeyType type, ASN1ObjectIdentifier cipher, AlgorithmIdentifier prf) {
            IssuedCertificate issued = issued(type);
            String key = encryptedPkcs8(issued.privateKey(), cipher, prf);
            assertSameAs(Credentials.fromPem(issued.certificatePem() + key, PASSWORD), issued);
        }

        @ParameterizedTest
        @ValueSource(strings = {"PBEWithHmacSHA256AndAES_256", "PBEWithHmacSHA1AndAES_128"})
        void encryptedPkcs8WithPbes2ParametersWrittenByTheJdkIsRead(String algorithm) throws Exception {
            String key = jdkEncryptedPkcs8(EC.privateKey(), algorithm);
            assertSameAs(Credentials.fromPem(EC.certificatePem() + key, PASSWORD), EC);
        }

        @ParameterizedTest
        @ValueSource(strings = {"PBEWithMD5AndDES", "PBEWithSHA1AndDESede", "PBEWithSHA1AndRC2_128"})
        void encryptedPkcs8WithLegacyPbes1SchemesIsRead(String algorithm) throws Exception {
            String key = jdkEncryptedPkcs8(RSA.privateKey(), algorithm);
            assertSameAs(Credentials.fromPem(RSA.certificatePem() + key, PASSWORD), RSA);
        }

        @Test
        void encryptedPkcs8WithPkcs12PbeFromBouncyCastleIsRead() {
            String key = encryptedPkcs8(EC.privateKey(), PKCS8Generator.PBE_SHA1_3DES, null);
            assertSameAs(Credentials.fromPem(EC.certificatePem() + key, PASSWORD), EC);
        }

        @ParameterizedTest
        @EnumSource(KeyType.class)
        void traditionalPkcs1AndSec1KeysAreRead(KeyType type) {
            IssuedCertificate issued = issued(type);
            String key = issued.privateKeyTraditionalPem();
            assertThat(key).contains(type == KeyType.RSA ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");
            assertSameAs(Credentials.fromPem(issued.chainPem() + key, null), issued);
        }

        static Stream<Arguments> traditionalCiphers() {
            return Stream.of(KeyType.values()).flatMap(type ->
                    Stream.of("AES-128-CBC", "AES-192-CBC", "AES-256-CBC", "DES-EDE3-CBC")
                            .map(cipher -> Arguments.of(type, cipher)));
        }

        @ParameterizedTest
        @MethodSource("traditionalCiphers")
        void traditionalKeysEncryptedTheOpenSslWayAreRead(KeyType type, String cipher) {
            IssuedCertificate issued = issued(type);
            String key = issued.privateKeyTraditionalPem(PASSWORD, cipher);
            assertThat(key).contains("Proc-Type: 4,ENCRYPTED").contains("DEK-Info: " + cipher);
            assertSameAs(Credentials.fromPem(issued.chainPem(), key, PASSWORD), issued);
        }

        @ParameterizedTest
        @EnumSource(KeyType.class)
        void traditionalEncryptedKeyFromTheTestkitIsRead(KeyType type) {
            IssuedCertificate issued = issued(type);
            assertSameAs(Credentials.fromPem(issued.chainPem() + issued.privateKeyTraditionalPem(PASSWORD), PASSWORD), issued);
        }

        @Test
        void theCertificateTheKeyBelongsToComesFirstAndTheRestKeepTheirOrder() {
            String authorityFirst = CERTIFICATES.authorityPem() + RSA.certificatePem() + RSA.privateKeyPkcs8Pem();
            Credentials credentials = Credentials.fromPem(authorityFirst);
            assertThat(credentials.certificate()).isEqualTo(RSA.certificate());
            assertThat(credentials.chain()).containsExactly(RSA.certificate(), CERTIFICATES.authority().certificate());
        }

        @Test
        void keyBeforeTheCertificatesIsFine() {
            assertSameAs(Credentials.fromPem(EC.privateKeyPkcs8Pem() + EC.chainPem()), EC);
        }

        @Test
        void crlfLineEndingsAreAccepted() {
            String crlf = RSA.chainPem().replace("\n", "\r\n") + RSA.privateKeyPkcs8Pem(PASSWORD).replace("\n", "\r\n");
            assertSameAs(Credentials.fromPem(crlf, PASSWORD), RSA);
        }

        @Test
        void bagAttributesThatOpensslPkcs12WritesAreIgnored() {
            String text = """
                    Bag Attributes
                        localKeyID: 01 00 00 00
                        friendlyName: Apple Push Services: com.example.app
                    subject=/UID=com.example.app/CN=Apple Push Services: com.example.app/OU=ABCDE12345/C=US
                    issuer=/C=US/O=Apple Inc./OU=Apple Worldwide Developer Relations/CN=Apple Worldwide Developer Relations
                    """ + EC.certificatePem() + """
                    Bag Attributes
                        localKeyID: 01 00 00 00
                    Key Attributes: <No Attributes>
                    """ + EC.privateKeyPkcs8Pem();
            assertThat(Credentials.fromPem(text).certificate()).isEqualTo(EC.certificate());
        }

        @Test
        void aPasswordGivenForAPlainKeyIsIgnored() {
            assertSameAs(Credentials.fromPem(RSA.combinedPem(), PASSWORD), RSA);
        }

        @Test
        void stringBytesStreamAndFileGiveEqualCredentials(@TempDir Path directory) throws IOException {
            String text = EC.chainPem() + EC.privateKeyPkcs8Pem(PASSWORD);
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            Path file = directory.resolve("client.pem");
            Files.write(file, bytes);

            Credentials fromString = Credentials.fromPem(text, PASSWORD);
            assertThat(Credentials.fromPem(bytes, PASSWORD)).isEqualTo(fromString);
            assertThat(Credentials.fromPem(new ByteArrayInputStream(bytes), PASSWORD)).isEqualTo(fromString);
            assertThat(Credentials.fromPem(file, PASSWORD)).isEqualTo(fromString);
            assertSameAs(fromString, EC);

            Path store = directory.resolve("client.p12");
            Files.write(store, EC.pkcs12(PASSWORD));
            assertThat(Credentials.fromPkcs12(store, PASSWORD)).isEqualTo(fromString);
        }

        @Test
        void expiredCertificatesAreReadAndOnlyTheValidityCheckRefusesThem() {
            IssuedCertificate expired = CERTIFICATES.expiredClient("expired client");
            Credentials credentials = Credentials.fromPem(expired.combinedPem());
            assertProblem(() -> credentials.checkValidity(Instant.now()), Problem.EXPIRED, "CN=expired client", "expired at");
        }

        @Test
        void certificatesNotYetValidAreRefusedByTheValidityCheck() {
            Instant now = Instant.now();
            IssuedCertificate future = CERTIFICATES.client("future client", KeyType.EC, now.plus(Duration.ofDays(2)),
                    now.plus(Duration.ofDays(30)));
            Credentials credentials = Credentials.fromPem(future.combinedPem());
            assertProblem(() -> credentials.checkValidity(now), Problem.NOT_YET_VALID, "CN=future client");
            credentials.checkValidity(now.plus(Duration.ofDays(3)));
        }
    }

    @Nested
    class Pkcs12 {
        @ParameterizedTest
        @EnumSource(KeyType.class)
        void keyAndChainAreReadFromBytes(KeyType type) {
            IssuedCertificate issued = issued(type);
            Credentials credentials = Credentials.fromPkcs12(issued.pkcs12(PASSWORD), PASSWORD);
            assertSameAs(credentials, issued);
            assertThat(credentials.chain()).containsExactlyElementsOf(issued.chain());
        }

        @Test
        void keyAndChainAreReadFromAStream() {
            assertSameAs(Credentials.fromPkcs12(new ByteArrayInputStream(RSA.pkcs12(PASSWORD)), PASSWORD), RSA);
        }

        @Test
        void aWrongPasswordIsReportedAsSuch() {
            assertProblem(() -> Credentials.fromPkcs12(RSA.pkcs12(PASSWORD), WRONG.toCharArray()), Problem.WRONG_PASSWORD,
                    "the PKCS#12 bytes");
            assertProblem(() -> Credentials.fromPkcs12(new ByteArrayInputStream(RSA.pkcs12(PASSWORD)), WRONG.toCharArray()),
                    Problem.WRONG_PASSWORD, "the PKCS#12 stream");
        }

        @Test
        void aMissingPasswordIsAskedFor() {
            assertProblem(() -> Credentials.fromPkcs12(EC.pkcs12(PASSWORD), null), Problem.PASSWORD_REQUIRED, "the PKCS#12 bytes");
            assertProblem(() -> Credentials.fromPkcs12(EC.pkcs12(PASSWORD), new char[0]), Problem.PASSWORD_REQUIRED,
                    "the PKCS#12 bytes");
        }

        @Test
        void garbageIsMalformed() {
            assertProblem(() -> Credentials.fromPkcs12("not a key store".getBytes(StandardCharsets.US_ASCII), PASSWORD),
                    Problem.MALFORMED, "the PKCS#12 bytes");
            assertProblem(() -> Credentials.fromPkcs12(RSA.combinedPem().getBytes(StandardCharsets.US_ASCII), PASSWORD),
                    Problem.MALFORMED, "the PKCS#12 bytes");
        }

        @Test
        void aStoreWithCertificatesOnlyHasNoPrivateKey() throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", CERTIFICATES.authority().certificate());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            store.store(out, PASSWORD);
            assertProblem(() -> Credentials.fromPkcs12(out.toByteArray(), PASSWORD), Problem.NO_PRIVATE_KEY, "the PKCS#12 bytes");
        }
    }

    @Nested
    class Errors {
        @Test
        void garbageIsMalformedAndNamesTheSource(@TempDir Path directory) throws IOException {
            assertProblem(() -> Credentials.fromPem("this is not PEM"), Problem.MALFORMED, "the PEM text", "-----BEGIN");
            assertProblem(() -> Credentials.fromPem(RSA.pkcs12(PASSWORD), null), Problem.MALFORMED, "the PEM text");
            Path file = directory.resolve("garbage.pem");
            Files.writeString(file, "garbage");
            assertProblem(() -> Credentials.fromPem(file, null), Problem.MALFORMED, "file " + file);
        }

        @Test
        void aCertificateWithoutKeyHasNoPrivateKey() {
            assertProblem(() -> Credentials.fromPem(RSA.chainPem()), Problem.NO_PRIVATE_KEY, "The PEM text holds no private key");
            assertProblem(() -> Credentials.fromPem(RSA.chainPem(), RSA.chainPem() + "\n", null), Problem.NO_PRIVATE_KEY,
                    "ey text of the PEM texts");
        }

        @Test
        void aKeyWithoutCertificateHasNoCertificate() {
            assertProblem(() -> Credentials.fromPem(EC.privateKeyPkcs8Pem()), Problem.NO_CERTIFICATE,
                    "The PEM text holds no certificate");
            assertProblem(() -> Credentials.fromPem(EC.privateKeyPkcs8Pem(), EC.privateKeyPkcs8Pem() + "\n", null),
                    Problem.NO_CERTIFICATE, "ertificate text of the PEM texts");
        }

        @Test
        void anEncryptedKeyWithoutPasswordAsksForIt() {
            for (char[] missing : new char[][] {null, new char[0]}) {
                assertProblem(() -> Credentials.fromPem(RSA.chainPem() + RSA.privateKeyPkcs8Pem(PASSWORD), missing),
                        Problem.PASSWORD_REQUIRED, "the PEM text", "'ENCRYPTED PRIVATE KEY'");
                assertProblem(() -> Credentials.fromPem(EC.chainPem() + EC.privateKeyTraditionalPem(PASSWORD), missing),
                        Problem.PASSWORD_REQUIRED, "the PEM text", "'EC PRIVATE KEY'");
            }
        }

        @ParameterizedTest
        @EnumSource(KeyType.class)
        void aWrongPasswordIsReportedWithoutThePassword(KeyType type) {
            IssuedCertificate issued = issued(type);
            for (String key : List.of(issued.privateKeyPkcs8Pem(PASSWORD), issued.privateKeyTraditionalPem(PASSWORD))) {
                assertThatThrownBy(() -> Credentials.fromPem(issued.chainPem() + key, WRONG.toCharArray()))
                        .isInstanceOfSatisfying(CredentialsException.class,
                                e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSWORD))
                        .hasMessageStartingWith("The password does not decrypt the private key in the PEM text")
                        .hasMessageNotContaining(WRONG)
                        .hasMessageNotContaining(String.valueOf(PASSWORD));
            }
        }

        @Test
        void aKeyOfAnotherCertificateIsAMismatchNamingTheCertificate() {
            assertProblem(() -> Credentials.fromPem(RSA.certificatePem(), OTHER_RSA.privateKeyPkcs8Pem(), null),
                    Problem.KEY_MISMATCH, "the PEM texts", subject(RSA), "modulus");
            String otherEcKey = CERTIFICATES.client("other ec", KeyType.EC).privateKeyPkcs8Pem();
            assertProblem(() -> Credentials.fromPem(EC.chainPem() + otherEcKey),
                    Problem.KEY_MISMATCH, "the PEM text", subject(EC),
                    "nor to any other certificate there");
            assertProblem(() -> Credentials.fromPem(RSA.certificatePem() + EC.privateKeyPkcs8Pem()),
                    Problem.KEY_MISMATCH, subject(RSA), "EC key", "RSA key");
        }

        @Test
        void credentialsOfAKeyAndAnotherCertificateAreAMismatch() {
            assertProblem(() -> Credentials.of(OTHER_RSA.privateKey(), RSA.chain()), Problem.KEY_MISMATCH,
                    subject(RSA));
            assertProblem(() -> Credentials.of(EC.privateKey(), CERTIFICATES.authority().certificate()), Problem.KEY_MISMATCH,
                    subject(CERTIFICATES.authority()));
            assertThat(Credentials.of(EC.privateKey(), EC.chain())).isEqualTo(EC.credentials());
        }

        @Test
        void aDamagedCertificateIsMalformed() {
            String certificate = RSA.certificatePem();
            String damaged = certificate.substring(0, 200) + "\n" + certificate.substring(certificate.indexOf("-----END"));
            assertProblem(() -> Credentials.fromPem(damaged + RSA.privateKeyPkcs8Pem()), Problem.MALFORMED,
                    "The certificate in the PEM text (PEM block 1) cannot be read");
        }

        @Test
        void aDamagedKeyIsMalformed() {
            String key = RSA.privateKeyPkcs8Pem();
            String damaged = key.substring(0, 120) + "\n" + key.substring(key.indexOf("-----END"));
            assertProblem(() -> Credentials.fromPem(RSA.certificatePem() + damaged), Problem.MALFORMED,
                    "The private key in the PEM text (PEM block 2, 'PRIVATE KEY') is not a PKCS#8 PrivateKeyInfo");
        }

        @Test
        void anUnclosedBlockIsMalformed() {
            String cut = RSA.combinedPem().substring(0, RSA.combinedPem().lastIndexOf("-----END"));
            assertProblem(() -> Credentials.fromPem(cut), Problem.MALFORMED, "the PEM text", "is not closed");
        }

        @Test
        void twoKeysInOneTextAreRefused() {
            assertProblem(() -> Credentials.fromPem(RSA.combinedPem() + OTHER_RSA.privateKeyPkcs8Pem()), Problem.MALFORMED,
                    "The PEM text holds 2 private keys");
        }

        @Test
        void sec1KeyWithoutCurveParametersSaysSo() throws Exception {
            org.bouncycastle.asn1.sec.ECPrivateKey bare =
                    new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) EC.privateKey()).getS());
            String key = pem("EC PRIVATE KEY", bare.getEncoded());
            assertProblem(() -> Credentials.fromPem(EC.certificatePem() + key), Problem.MALFORMED,
                    "the PEM text", "does not name its curve");
        }

        @Test
        void unsupportedKeyKindsAreNamed() throws Exception {
            KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
            dsa.initialize(2048);
            String dsaKey = pem("PRIVATE KEY", dsa.generateKeyPair().getPrivate().getEncoded());
            assertProblem(() -> Credentials.fromPem(RSA.certificatePem() + dsaKey), Problem.UNSUPPORTED,
                    "DSA (OID 1.2.840.10040.4.1)", "the PEM text");
            String openSsh = "-----BEGIN OPENSSH PRIVATE KEY-----\nAQID\n-----END OPENSSH PRIVATE KEY-----\n";
            assertProblem(() -> Credentials.fromPem(RSA.certificatePem() + openSsh), Problem.UNSUPPORTED,
                    "'OPENSSH PRIVATE KEY'", "not supported");
        }
    }

    @Nested
    class Values {
        @Test
        void theSameCertificateFromPemAndPkcs12IsEqualWithTheSameHashCode() {
            Credentials fromPem = Credentials.fromPem(RSA.combinedPem());
            Credentials fromPkcs12 = Credentials.fromPkcs12(RSA.pkcs12(PASSWORD), PASSWORD);
            assertThat(fromPem).isEqualTo(fromPkcs12).hasSameHashCodeAs(fromPkcs12);
            assertThat(fromPem.digest()).isEqualTo(fromPkcs12.digest()).hasSize(64);
        }

        @Test
        void differentCertificatesAreNotEqual() {
            assertThat(Credentials.fromPem(RSA.combinedPem())).isNotEqualTo(Credentials.fromPem(OTHER_RSA.combinedPem()))
                    .isNotEqualTo(Credentials.fromPem(EC.combinedPem()));
        }

        @ParameterizedTest
        @EnumSource(KeyType.class)
        void toStringNamesTheCertificateAndShowsNoKeyMaterial(KeyType type) {
            IssuedCertificate issued = issued(type);
            String text = Credentials.fromPem(issued.combinedPem()).toString();
            String keyBase64 = Base64.getEncoder().encodeToString(issued.privateKey().getEncoded());
            assertThat(text).contains(issued.certificate().getSubjectX500Principal().getName())
                    .doesNotContain(keyBase64)
                    .doesNotContain(keyBase64.substring(0, 40))
                    .doesNotContain(keyBase64.substring(keyBase64.length() - 40));
        }

        @ParameterizedTest
        @EnumSource(KeyType.class)
        void keyManagerFactoryPresentsTheCertificateAndKey(KeyType type) {
            IssuedCertificate issued = issued(type);
            Credentials credentials = Credentials.fromPem(issued.combinedPem());
            KeyManager[] managers = credentials.keyManagerFactory().getKeyManagers();
            X509KeyManager manager = (X509KeyManager) Stream.of(managers).filter(X509KeyManager.class::isInstance)
                    .findFirst().orElseThrow();
            String alias = manager.chooseClientAlias(new String[] {type == KeyType.RSA ? "RSA" : "EC"}, null, null);
            assertThat(alias).isNotNull();
            assertThat(manager.getCertificateChain(alias)).containsExactlyElementsOf(issued.chain());
            assertThat(manager.getPrivateKey(alias).getEncoded()).isEqualTo(issued.privateKey().getEncoded());
        }
    }

    private static String subject(IssuedCertificate issued) {
        return "'" + issued.certificate().getSubjectX500Principal().getName() + "'";
    }

    private static void assertSameAs(Credentials credentials, IssuedCertificate issued) {
        assertThat(credentials).isEqualTo(issued.credentials());
        assertThat(credentials.certificate()).isEqualTo(issued.certificate());
        assertThat(credentials.chain()).containsExactlyElementsOf(issued.chain().subList(0, credentials.chain().size()));
        PrivateKey key = credentials.privateKey();
        assertThat(key.getAlgorithm()).isEqualTo(issued.privateKey().getAlgorithm());
        if (key instanceof ECPrivateKey ec) {
            assertThat(ec.getS()).isEqualTo(((ECPrivateKey) issued.privateKey()).getS());
        } else {
            assertThat(key.getEncoded()).isEqualTo(issued.privateKey().getEncoded());
        }
    }

    private static void assertProblem(ThrowingCallable call, Problem problem, String... messageParts) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(CredentialsException.class, e -> {
                    assertThat(e.problem()).as("problem of: %s", e.getMessage()).isEqualTo(problem);
                    assertThat(e.getMessage()).contains(messageParts).doesNotContain(String.valueOf(PASSWORD));
                });
    }

    private static String encryptedPkcs8(PrivateKey key, ASN1ObjectIdentifier cipher, AlgorithmIdentifier prf) {
        try {
            JceOpenSSLPKCS8EncryptorBuilder encryptor = new JceOpenSSLPKCS8EncryptorBuilder(cipher).setProvider(BOUNCY_CASTLE);
            if (prf != null) {
                encryptor.setPRF(prf);
            }
            encryptor.setPassword(PASSWORD);
            return pem(new JcaPKCS8Generator(key, encryptor.build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jdkEncryptedPkcs8(PrivateKey key, String algorithm) throws Exception {
        SecretKey secret = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(PASSWORD));
        Cipher cipher = Cipher.getInstance(algorithm);
        byte[] salt = new byte[] {1, 2, 3, 4, 5, 6, 7, 8};
        cipher.init(Cipher.ENCRYPT_MODE, secret, new PBEParameterSpec(salt, 1000));
        byte[] encrypted = cipher.doFinal(key.getEncoded());
        AlgorithmParameters parameters = cipher.getParameters();
        if (!algorithm.startsWith("PBEWithHmac")) {
            return pem("ENCRYPTED PRIVATE KEY", new EncryptedPrivateKeyInfo(parameters, encrypted).getEncoded());
        }
        // JDK 17's EncryptedPrivateKeyInfo cannot be built from PBES2 parameters, so only those are the JDK's here.
        AlgorithmIdentifier pbes2 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                ASN1Primitive.fromByteArray(parameters.getEncoded()));
        return pem("ENCRYPTED PRIVATE KEY", new org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo(pbes2, encrypted).getEncoded());
    }

    private static String pem(PemObjectGenerator generator) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(generator);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
