package dev.apns.spi;

import dev.apns.Credentials;
import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.Trust;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectRequestTest {
    private static final Endpoint ENDPOINT = Endpoint.of("api.push.apple.com", 443);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Trust TRUST = Trust.system();

    /** A certificate stand-in: requests only carry it. */
    private static final Certificate CERTIFICATE = new Certificate() {
        @Override
        public Credentials credentials() {
            throw new UnsupportedOperationException("not needed here");
        }
    };

    @Test
    void theBinaryProtocolsConstructorMeansACertificateNoAlpnAndNoProxy() {
        ConnectRequest request = new ConnectRequest(ENDPOINT, CERTIFICATE, TRUST, TIMEOUT, TIMEOUT);

        assertThat(request.certificate()).containsSame(CERTIFICATE);
        assertThat(request.applicationProtocols()).isEmpty();
        assertThat(request.proxy()).isEmpty();
    }

    @Test
    void theBinaryProtocolsConstructorStillRefusesAMissingCertificate() {
        assertThatThrownBy(() -> new ConnectRequest(ENDPOINT, (Certificate) null, TRUST, TIMEOUT, TIMEOUT))
                .isInstanceOf(NullPointerException.class).hasMessage("certificate");
    }

    @Test
    void aRequestWithoutCertificateCarriesNone() {
        ConnectRequest request = ConnectRequest.withoutCertificate(ENDPOINT, TRUST, TIMEOUT, TIMEOUT);

        assertThat(request.certificate()).isEmpty();
        assertThat(request.endpoint()).isEqualTo(ENDPOINT);
    }

    @Test
    void withersReturnChangedCopiesAndLeaveTheOriginal() {
        ConnectRequest plain = ConnectRequest.withoutCertificate(ENDPOINT, TRUST, TIMEOUT, TIMEOUT);
        Proxy proxy = Proxy.httpConnect("proxy.example.com", 3128);

        ConnectRequest offered = plain.withApplicationProtocols(List.of("h2", "http/1.1")).withProxy(proxy);

        assertThat(offered.applicationProtocols()).containsExactly("h2", "http/1.1");
        assertThat(offered.proxy()).contains(proxy);
        assertThat(offered.withoutProxy().proxy()).isEmpty();
        assertThat(offered.withoutProxy().applicationProtocols()).containsExactly("h2", "http/1.1");
        assertThat(plain.applicationProtocols()).isEmpty();
        assertThat(plain.proxy()).isEmpty();
        assertThat(plain.withApplicationProtocols(List.of("h2"))).isEqualTo(plain.withApplicationProtocols(List.of("h2")));
    }

    @Test
    void theProtocolListIsCopied() {
        String[] names = {"h2"};
        List<String> backed = Arrays.asList(names);
        ConnectRequest request = ConnectRequest.withoutCertificate(ENDPOINT, TRUST, TIMEOUT, TIMEOUT)
                .withApplicationProtocols(backed);
        names[0] = "spdy/3";

        assertThat(request.applicationProtocols()).containsExactly("h2");
        assertThatThrownBy(() -> request.applicationProtocols().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void invalidProtocolNamesAreRefusedWithTheReason() {
        ConnectRequest request = ConnectRequest.withoutCertificate(ENDPOINT, TRUST, TIMEOUT, TIMEOUT);

        assertThatThrownBy(() -> request.withApplicationProtocols(List.of("h2", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1 has 0");
        assertThatThrownBy(() -> request.withApplicationProtocols(List.of("x".repeat(256))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 255");
        assertThatThrownBy(() -> request.withApplicationProtocols(List.of("h 2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0020 at 1");
        assertThatThrownBy(() -> request.withApplicationProtocols(List.of("h2", "h2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offered twice");
        assertThatThrownBy(() -> request.withApplicationProtocols(Arrays.asList("h2", null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> ConnectRequest.withoutCertificate(ENDPOINT, TRUST, Duration.ZERO, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> new ConnectRequest(ENDPOINT, Optional.empty(), TRUST, TIMEOUT, Duration.ofSeconds(-1),
                List.of(), Optional.empty())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeTimeout");
    }

    @Test
    void toStringShowsNoProxyPassword() {
        ConnectRequest request = ConnectRequest.withoutCertificate(ENDPOINT, TRUST, TIMEOUT, TIMEOUT)
                .withProxy(Proxy.httpConnect("proxy.example.com", 3128).withBasicAuth("pusher", "hunter2-secret"));

        assertThat(request.toString()).contains("pusher").doesNotContain("hunter2-secret");
    }

    @Test
    void aConnectionWithoutAlpnSupportReportsNoProtocolByDefault() {
        Connection connection = new Connection() {
            @Override
            public void write(java.nio.ByteBuffer bytes) {
            }

            @Override
            public boolean isOpen() {
                return false;
            }

            @Override
            public java.util.concurrent.CompletionStage<CloseReason> closeFuture() {
                return new java.util.concurrent.CompletableFuture<>();
            }

            @Override
            public Endpoint endpoint() {
                return ENDPOINT;
            }

            @Override
            public String tlsProtocol() {
                return "TLSv1.3";
            }

            @Override
            public void close() {
            }
        };

        assertThat(connection.applicationProtocol()).isEmpty();
    }
}
