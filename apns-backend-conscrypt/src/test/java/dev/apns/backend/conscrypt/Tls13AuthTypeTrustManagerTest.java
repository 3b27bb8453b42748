package dev.apns.backend.conscrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apns.mock.credentials.TestCertificates;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS 1.3 auth-type adapter against the JDK's own trust manager: the reason it exists (the JDK refuses
 * BoringSSL's {@code GENERIC}) and that it changes nothing else. End to end, every TLS 1.3 connection of the
 * conformance suite on this backend goes through it.
 */
class Tls13AuthTypeTrustManagerTest {
    private static TestCertificates pki;
    private static X509Certificate[] serverChain;
    private static X509ExtendedTrustManager jdk;

    @BeforeAll
    static void trustTheTestAuthority() throws Exception {
        pki = TestCertificates.create();
        serverChain = pki.server().chain().toArray(new X509Certificate[0]);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("authority", pki.authority().certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        jdk = (X509ExtendedTrustManager) factory.getTrustManagers()[0];
    }

    @Test
    void theJdksTrustManagerRefusesBoringSslsTls13AuthTypeAndTheAdapterMakesItAcceptTheServer() {
        X509ExtendedTrustManager adapted = (X509ExtendedTrustManager) Tls13AuthTypeTrustManager.adapt(
                new TrustManager[] {jdk})[0];

        assertThatThrownBy(() -> jdk.checkServerTrusted(serverChain, Tls13AuthTypeTrustManager.BORINGSSL_TLS13))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining(Tls13AuthTypeTrustManager.BORINGSSL_TLS13);
        assertThatCode(() -> adapted.checkServerTrusted(serverChain, Tls13AuthTypeTrustManager.BORINGSSL_TLS13))
                .doesNotThrowAnyException();
    }

    @Test
    void theAdapterStillRefusesAServerFromAnotherAuthority() {
        X509Certificate[] strangersChain = TestCertificates.create().server().chain().toArray(new X509Certificate[0]);
        X509ExtendedTrustManager adapted = (X509ExtendedTrustManager) Tls13AuthTypeTrustManager.adapt(
                new TrustManager[] {jdk})[0];

        assertThatThrownBy(() -> adapted.checkServerTrusted(strangersChain, Tls13AuthTypeTrustManager.BORINGSSL_TLS13))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void onlyExtendedTrustManagersAreWrappedAndTheGivenArrayIsLeftAlone() {
        X509TrustManager plain = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        TrustManager[] given = {jdk, plain};

        TrustManager[] adapted = Tls13AuthTypeTrustManager.adapt(given);

        assertThat(adapted[0]).isInstanceOf(Tls13AuthTypeTrustManager.class);
        assertThat(adapted[1]).isSameAs(plain);
        assertThat(given[0]).isSameAs(jdk);
        assertThat(((X509TrustManager) adapted[0]).getAcceptedIssuers()).containsExactly(jdk.getAcceptedIssuers());
    }
}
