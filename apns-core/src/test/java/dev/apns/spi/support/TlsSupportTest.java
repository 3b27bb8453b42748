package dev.apns.spi.support;

import dev.apns.Trust;
import dev.apns.spi.ConnectFailure;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import static org.assertj.core.api.Assertions.assertThat;

/** The TLS helpers backends share: settings, the context cache, handshake failure kinds, timeouts. */
class TlsSupportTest {

    @Test
    void parametersGetTheProtocolsHostnameVerificationAndTheAlpnOfferOnlyWhenThereIsOne() {
        SSLParameters withAlpn = TlsSettings.configure(new SSLParameters(), List.of("h2"));
        SSLParameters withoutAlpn = TlsSettings.configure(new SSLParameters(), List.of());

        assertThat(withAlpn.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(withAlpn.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(withAlpn.getApplicationProtocols()).containsExactly("h2");
        assertThat(withoutAlpn.getApplicationProtocols()).isEmpty();
    }

    @Test
    void noAlpnResultAndAnEmptyOneBothMeanNone() {
        assertThat(TlsSettings.selectedProtocol(null)).isEmpty();
        assertThat(TlsSettings.selectedProtocol("")).isEmpty();
        assertThat(TlsSettings.selectedProtocol("h2")).contains("h2");
    }

    @Test
    void aContextIsBuiltOncePerKeyAndTheAlpnOfferIsPartOfTheKey() throws Exception {
        TlsContextCache<Object> cache = new TlsContextCache<>();
        AtomicInteger built = new AtomicInteger();
        TlsContextCache.Factory<Object, RuntimeException> factory = key -> built.incrementAndGet();

        Object first = cache.get(new TlsContextCache.Key(Optional.empty(), Trust.system()), factory);
        Object again = cache.get(new TlsContextCache.Key(Optional.empty(), Trust.system(), List.of()), factory);
        cache.get(new TlsContextCache.Key(Optional.empty(), Trust.system(), List.of("h2")), factory);

        assertThat(again).isSameAs(first);
        assertThat(built).hasValue(2);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.trustManagerFactory(Trust.system())).isSameAs(cache.trustManagerFactory(Trust.system()));
        assertThat(new TlsContextCache.Key(Optional.empty(), Trust.system()).describe())
                .isEqualTo("no client certificate and Trust[system]");
        cache.clear();
        assertThat(cache.size()).isZero();
    }

    @Test
    void handshakeFailuresAreClassifiedByWhoEndedThem() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unknown issuer"));
        SSLException hungUp = new SSLException("Unexpected handshake message");
        hungUp.initCause(new EOFException("end"));

        assertThat(TlsFailures.handshakeKind(untrusted, List.of())).isEqualTo(ConnectFailure.Kind.SERVER_NOT_TRUSTED);
        assertThat(TlsFailures.handshakeKind(new SSLHandshakeException("Received fatal alert: bad_certificate"),
                List.of())).isEqualTo(ConnectFailure.Kind.CERTIFICATE_REFUSED_BY_SERVER);
        assertThat(TlsFailures.handshakeKind(hungUp, List.of())).isEqualTo(ConnectFailure.Kind.BROKEN_OFF);
        assertThat(TlsFailures.handshakeKind(new SSLException("engine shut down"), List.of()))
                .isEqualTo(ConnectFailure.Kind.LOCAL_CONFIGURATION);
        assertThat(TlsFailures.handshakeKind(new SSLException("engine shut down"), List.of("shut down")))
                .isEqualTo(ConnectFailure.Kind.BROKEN_OFF);
    }

    @Test
    void timeoutsForSocketsDeadlinesAndMessages() {
        assertThat(Timeouts.millis(Duration.ZERO)).isEqualTo(1);
        assertThat(Timeouts.millis(Duration.ofDays(100))).isEqualTo(Integer.MAX_VALUE);
        assertThat(Timeouts.nanos(Duration.ofDays(1000))).isEqualTo(Duration.ofDays(365).toNanos());
        assertThat(Timeouts.describe(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(Timeouts.describe(Duration.ofSeconds(10))).isEqualTo("10 s");
        assertThat(Timeouts.describe(Duration.ofDays(400))).isEqualTo("PT9600H");
    }
}
