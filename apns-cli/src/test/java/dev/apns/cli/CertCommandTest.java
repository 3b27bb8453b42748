package dev.apns.cli;

import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.credentials.TestCertificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apns cert} on certificates made at run time, written to PEM and PKCS#12 files. */
class CertCommandTest {
    private static TestCertificates pki;
    private static IssuedCertificate valid;

    @TempDir
    Path directory;

    @BeforeAll
    static void makeCertificates() {
        pki = TestCertificates.create();
        valid = pki.client("com.example.valid");
    }

    @Test
    void aValidPairIsDescribedAndUsable() throws Exception {
        Path cert = Fixtures.write(directory, "cert.pem", valid.chainPem());
        Path key = Fixtures.write(directory, "key.pem", valid.privateKeyTraditionalPem());

        CliRunner.Run run = CliRunner.run("cert", "--cert", cert.toString(), "--key", key.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(0);
        X509Certificate leaf = valid.certificate();
        long days = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
        assertThat(run.out().lines()).containsExactly(
                "Subject:      " + leaf.getSubjectX500Principal().getName(),
                "Issuer:       " + leaf.getIssuerX500Principal().getName(),
                "Serial:       " + leaf.getSerialNumber().toString(16),
                "Not before:   " + leaf.getNotBefore().toInstant(),
                "Not after:    " + leaf.getNotAfter().toInstant() + " (" + days + " days left)",
                "Topic:        com.example.valid (from CN)",
                "Environment:  unknown (no Apple push extension; not an Apple-issued APNs certificate?)",
                "Key:          RSA 2048 bits",
                "Key matches:  yes",
                "SHA-256:      " + sha256(leaf),
                "Chain:        " + pki.authority().certificate().getSubjectX500Principal().getName(),
                "Status:       usable");
    }

    @Test
    void anExpiredCertificateIsReportedAndExitsOne() {
        IssuedCertificate expired = pki.expiredClient("com.example.expired");
        Path pem = Fixtures.write(directory, "expired.pem", expired.combinedPem());

        CliRunner.Run run = CliRunner.run("cert", "--cert", pem.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Not after:    " + expired.certificate().getNotAfter().toInstant()
                        + " (EXPIRED 1 day ago)")
                .contains("Key matches:  yes")
                .contains("Status:       NOT USABLE")
                .contains("Problem:      The certificate EXPIRED at " + expired.certificate().getNotAfter().toInstant()
                        + " (1 day ago); Apple refuses it. Renew it in Apple's developer portal.");
    }

    @Test
    void aCertificateNotYetValidIsReported() {
        Instant start = Instant.now().plus(Duration.ofDays(10));
        IssuedCertificate future = pki.client("com.example.future", KeyType.EC, start, start.plus(Duration.ofDays(30)));
        Path pem = Fixtures.write(directory, "future.pem", future.combinedPem());

        CliRunner.Run run = CliRunner.run("cert", "--cert", pem.toString(), "--json");

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode json = json(run.out());
        assertThat(json.get("validity").asText()).isEqualTo("not yet valid");
        assertThat(json.get("keyType").asText()).isEqualTo("EC");
        assertThat(json.get("keySize").asInt()).isEqualTo(256);
        assertThat(json.get("problems").get(0).asText()).startsWith("The certificate is NOT YET VALID");
    }

    @Test
    void appleExtensionsAndTheUidNameTheEnvironmentAndTopic() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("UID=com.example.shop, CN=Apple Push Services: com.example.shop, OU=ABCDE12345, "
                + "O=Example Inc., C=US");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(0x1234abcdL),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(100))), name,
                keys.getPublic());
        builder.addExtension(new ASN1ObjectIdentifier(CertificateReport.APPLE_DEVELOPMENT_OID), false, DERNull.INSTANCE);
        builder.addExtension(new ASN1ObjectIdentifier(CertificateReport.APPLE_PRODUCTION_OID), false, DERNull.INSTANCE);
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        Path pem = Fixtures.write(directory, "apple.pem", pem("CERTIFICATE", certificate.getEncoded())
                + pem("PRIVATE KEY", keys.getPrivate().getEncoded()));

        CliRunner.Run run = CliRunner.run("cert", "--cert", pem.toString(), "--json");

        assertThat(run.exitCode()).isEqualTo(0);
        JsonNode json = json(run.out());
        assertThat(json.get("topic").asText()).isEqualTo("com.example.shop");
        assertThat(json.get("topicSource").asText()).isEqualTo("UID");
        assertThat(json.get("environment").asText()).isEqualTo("sandbox and production");
        assertThat(json.get("serial").asText()).isEqualTo("1234abcd");
        assertThat(json.get("keyMatches").asBoolean()).isTrue();
        assertThat(json.get("daysLeft").asLong()).isEqualTo(99);
        assertThat(json.get("problems")).isEmpty();
    }

    @Test
    void aKeyOfAnotherCertificateIsAMismatchAndExitsOne() {
        IssuedCertificate other = pki.client("com.example.other");
        Path cert = Fixtures.write(directory, "cert.pem", valid.certificatePem());
        Path key = Fixtures.write(directory, "other-key.pem", other.privateKeyPkcs8Pem());

        CliRunner.Run run = CliRunner.run("cert", "--cert", cert.toString(), "--key", key.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Key matches:  NO")
                .contains("Problem:      --cert " + cert + " --key " + key + ": the private key does not belong to the "
                        + "certificate.");
    }

    @Test
    void aCertificateAloneIsDescribedWithoutCheckingAKey() {
        Path cert = Fixtures.write(directory, "cert.pem", valid.certificatePem());

        CliRunner.Run run = CliRunner.run("cert", "--cert", cert.toString());

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).contains("Key matches:  not checked (no private key read)")
                .contains("Status:       valid certificate; give its private key (--key FILE) to check the pair");
    }

    @Test
    void pkcs12IsReadWithItsPasswordAndAWrongOneExitsThree() {
        Path p12 = Fixtures.write(directory, "client.p12", valid.pkcs12("pw".toCharArray()));

        CliRunner.Run right = CliRunner.run(Map.of("PW", "pw"), "cert", "--p12", p12.toString(), "--password-env", "PW");
        CliRunner.Run wrong = CliRunner.run(Map.of("PW", "nope"), "cert", "--p12", p12.toString(), "--password-env",
                "PW");
        CliRunner.Run missing = CliRunner.run("cert", "--p12", p12.toString());

        assertThat(right.exitCode()).isEqualTo(0);
        assertThat(right.out()).contains("Subject:      " + valid.certificate().getSubjectX500Principal().getName(),
                "Key matches:  yes");
        assertThat(wrong.exitCode()).isEqualTo(3);
        assertThat(wrong.out()).isEmpty();
        assertThat(wrong.errLines()).containsExactly("apns: --p12 " + p12 + ": the password from --password-env PW does "
                + "not open the PKCS#12 file.");
        assertThat(missing.errLines()).containsExactly("apns: --p12 " + p12 + ": the PKCS#12 file is protected by a "
                + "password; give it with --password-env VAR or --password-file FILE, or run on a terminal to be asked "
                + "for it.");
    }

    @Test
    void anEncryptedKeyWithAWrongPasswordIsReportedBesideTheCertificate() {
        Path cert = Fixtures.write(directory, "cert.pem", valid.chainPem());
        Path key = Fixtures.write(directory, "key.pem", valid.privateKeyPkcs8Pem("right".toCharArray()));
        Path password = Fixtures.write(directory, "pw.txt", "wrong\n");

        CliRunner.Run run = CliRunner.run("cert", "--cert", cert.toString(), "--key", key.toString(),
                "--password-file", password.toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).contains("CN=com.example.valid", "Key matches:  not checked");
        assertThat(run.errLines()).containsExactly("apns: --key " + key + ": the password from --password-file "
                + password + " does not open the private key.");
    }

    @Test
    void filesThatAreNotCertificatesGetOneLine() {
        Path der = Fixtures.write(directory, "cert.der", valid.certificate().toString().getBytes(StandardCharsets.UTF_8));
        Path keyOnly = Fixtures.write(directory, "key.pem", valid.privateKeyPkcs8Pem());

        assertThat(CliRunner.run("cert", "--cert", der.toString()).errLines()).containsExactly("apns: --cert " + der
                + ": is not PEM (it has no '-----BEGIN ...-----' line). Convert a binary .cer or .der certificate with "
                + "'openssl x509 -inform der -in FILE -out FILE.pem'; give a .p12 file with --p12.");
        CliRunner.Run noCertificate = CliRunner.run("cert", "--cert", keyOnly.toString());
        assertThat(noCertificate.exitCode()).isEqualTo(3);
        assertThat(noCertificate.errLines()).singleElement().asString().startsWith("apns: --cert " + keyOnly + ": ");
        assertThat(CliRunner.run("cert").errLines()).containsExactly("apns: a client certificate is needed: give "
                + "--cert FILE (PEM, with --key FILE when the key is in another file) or --p12 FILE.");
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static String sha256(X509Certificate certificate) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }
}
