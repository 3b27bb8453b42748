package dev.apns.docs;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.Message;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.junit.MockApnsExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The samples of docs/certificates.md: every form loads the same credentials. */
@Timeout(10)
class CertificatesSamplesTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    private final char[] password = "secret".toCharArray();

    @TempDir
    Path directory;

    @Test
    void pkcs12FromAPathBytesOrAStreamGivesTheSameCredentials() throws IOException {
        byte[] p12Bytes = client.pkcs12(password);
        Path p12File = Files.write(directory.resolve("apns.p12"), p12Bytes);
        List<Credentials> all = new ArrayList<>();

        // tag::cert-pkcs12[]
        Credentials credentials = Credentials.fromPkcs12(p12File, password);   // p12File: a Path

        // or from bytes or a stream (the stream is not closed)
        Credentials fromBytes = Credentials.fromPkcs12(p12Bytes, password);
        try (InputStream in = Files.newInputStream(p12File)) {
            Credentials fromStream = Credentials.fromPkcs12(in, password);
            // end::cert-pkcs12[]
            all.add(fromStream);
            // tag::cert-pkcs12[]
        }
        // end::cert-pkcs12[]
        all.add(fromBytes);

        assertThat(all).containsOnly(credentials).hasSize(2);
        assertThat(credentials).isEqualTo(client.credentials());
    }

    @Test
    void pemInOneTextFromEverySourceGivesTheSameCredentials() throws IOException {
        String pemString = client.combinedPem();
        Path pemFile = Files.writeString(directory.resolve("apns.pem"), pemString);
        String encryptedPem = client.chainPem() + client.privateKeyPkcs8Pem(password);
        Path encryptedPemFile = Files.writeString(directory.resolve("apns-encrypted.pem"), encryptedPem);
        byte[] pemBytes = encryptedPem.getBytes(StandardCharsets.US_ASCII);
        InputStream inputStream = new ByteArrayInputStream(pemBytes);

        // tag::cert-pem-one[]
        Credentials credentials = Credentials.fromPem(pemFile, null);                   // plain key
        Credentials encrypted   = Credentials.fromPem(encryptedPemFile, password);      // encrypted key
        Credentials fromText    = Credentials.fromPem(pemString);                       // plain key
        Credentials fromBytes   = Credentials.fromPem(pemBytes, password);              // UTF-8 or ASCII
        Credentials fromStream  = Credentials.fromPem(inputStream, password);           // not closed
        // end::cert-pem-one[]

        assertThat(List.of(encrypted, fromText, fromBytes, fromStream)).containsOnly(credentials);
        assertThat(credentials.privateKey()).isEqualTo(client.privateKey());
    }

    @Test
    void pemInTwoTextsGivesTheSameCredentials() throws IOException {
        Path certificateFile = Files.writeString(directory.resolve("aps.pem"), client.chainPem());
        Path keyFile = Files.writeString(directory.resolve("key.pem"), client.privateKeyTraditionalPem(password));

        // tag::cert-pem-two[]
        Credentials credentials = Credentials.fromPem(
                Files.readString(certificateFile),   // the certificate, optionally followed by its chain
                Files.readString(keyFile),           // the private key
                password);                           // null for a plain key
        // end::cert-pem-two[]

        assertThat(credentials).isEqualTo(client.credentials());
        assertThat(credentials.chain()).hasSize(2);
    }

    @Test
    void jdkObjectsMakeCredentials() {
        PrivateKey privateKey = client.privateKey();
        X509Certificate leafCertificate = client.chain().get(0);
        X509Certificate intermediateCertificate = client.chain().get(1);

        // tag::cert-jdk[]
        Credentials credentials = Credentials.of(privateKey, leafCertificate, intermediateCertificate);
        // end::cert-jdk[]

        assertThat(credentials.chain()).containsExactly(leafCertificate, intermediateCertificate);
    }

    @Test
    void aPrivateCaIsTrustedFromPem() throws IOException {
        Path caFile = Files.writeString(directory.resolve("gateway-ca.pem"), apns.server().authorityPem());

        // tag::cert-trust[]
        Trust trust = Trust.fromPem(Files.readString(caFile));
        // end::cert-trust[]

        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).credentials(client.credentials()).trust(trust)
                .gateway(apns.server().gateway()).feedback(apns.server().feedback()).build()) {
            assertThat(session.send(Message.builder().alert("hi").token("11".repeat(32)).build()).isSuccess())
                    .isTrue();
        }
    }

    @Test
    void anExpiredCertificateFailsTheValidityCheck() {
        Credentials credentials = apns.certificates().expiredClient("com.example.old").credentials();

        assertThatThrownBy(() -> {
            // tag::cert-validity[]
            credentials.checkValidity(Instant.now());   // throws EXPIRED or NOT_YET_VALID
            // end::cert-validity[]
        }).isInstanceOfSatisfying(CredentialsException.class,
                e -> assertThat(e.problem()).isEqualTo(CredentialsException.Problem.EXPIRED));
    }

    @Test
    void aWrongPasswordIsAProblemToActOn() throws IOException {
        Path path = Files.write(directory.resolve("apns.p12"), client.pkcs12("secret".toCharArray()));
        char[] password = "wrong".toCharArray();
        Credentials credentials = null;

        // tag::cert-errors[]
        try {
            credentials = Credentials.fromPkcs12(path, password);
        } catch (CredentialsException e) {
            switch (e.problem()) {
                case WRONG_PASSWORD, PASSWORD_REQUIRED -> askForPasswordAgain();
                default -> throw e;
            }
        }
        // end::cert-errors[]

        assertThat(credentials).isNull();
        assertThat(asked).containsExactly("asked");
    }

    private final List<String> asked = new ArrayList<>();

    private void askForPasswordAgain() {
        asked.add("asked");
    }
}
