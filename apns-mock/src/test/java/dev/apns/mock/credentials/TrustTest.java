package dev.apns.mock.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;
import dev.apns.Trust;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;

class TrustTest {
    private static final TestCertificates CERTIFICATES = TestCertificates.create();
    private static final TestCertificates STRANGERS = TestCertificates.create();

    @Test
    void trustFromPemHoldsTheAuthority() {
        Trust trust = Trust.fromPem(CERTIFICATES.authorityPem());
        assertThat(trust.anchors()).contains(List.of(CERTIFICATES.authority().certificate()));
    }

    @Test
    void everyCertificateInThePemIsTrustedInOrder() {
        String text = "Some comment\r\n" + CERTIFICATES.authorityPem().replace("\n", "\r\n") + STRANGERS.authorityPem();
        Trust trust = Trust.fromPem(text);
        assertThat(trust.anchors()).contains(List.of(CERTIFICATES.authority().certificate(), STRANGERS.authority().certificate()));
    }

    @Test
    void theTrustManagerAcceptsAServerIssuedByTheAuthority() throws CertificateException {
        X509TrustManager manager = trustManager(Trust.fromPem(CERTIFICATES.authorityPem()));
        manager.checkServerTrusted(CERTIFICATES.server().chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA");
    }

    @Test
    void theTrustManagerRefusesAServerFromAnotherAuthority() {
        X509TrustManager manager = trustManager(Trust.fromPem(CERTIFICATES.authorityPem()));
        assertThatThrownBy(() -> manager.checkServerTrusted(STRANGERS.server().chain().toArray(new X509Certificate[0]),
                "ECDHE_ECDSA")).isInstanceOf(CertificateException.class);
    }

    @Test
    void textWithoutPemIsMalformed() {
        assertThatThrownBy(() -> Trust.fromPem("nothing here"))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED))
                .hasMessageContaining("the CA PEM text");
    }

    @Test
    void pemWithoutCertificateHasNoCertificate() {
        assertThatThrownBy(() -> Trust.fromPem(CERTIFICATES.server().privateKeyPkcs8Pem()))
                .isInstanceOfSatisfying(CredentialsException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NO_CERTIFICATE))
                .hasMessage("The CA PEM text holds no certificate ('-----BEGIN CERTIFICATE-----' block).");
    }

    private static X509TrustManager trustManager(Trust trust) {
        return (X509TrustManager) Stream.of(trust.trustManagerFactory().getTrustManagers())
                .filter(X509TrustManager.class::isInstance).findFirst().orElseThrow();
    }
}
