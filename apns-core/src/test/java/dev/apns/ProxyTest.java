package dev.apns;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyTest {
    private static final String SECRET = "s3cr3t-pa55";

    @Test
    void httpConnectProxyKeepsItsAddressAndHasNoCredentials() {
        Proxy proxy = Proxy.httpConnect("proxy.example.com", 3128);

        assertThat(proxy.type()).isEqualTo(Proxy.Type.HTTP_CONNECT);
        assertThat(proxy.endpoint()).isEqualTo(Endpoint.of("proxy.example.com", 3128));
        assertThat(proxy.username()).isEmpty();
        assertThat(proxy.password()).isEmpty();
        assertThat(proxy).hasToString("HTTP CONNECT proxy proxy.example.com:3128");
    }

    @Test
    void basicAuthIsAddedToACopyAndNeverShownByToString() {
        Proxy plain = Proxy.httpConnect("proxy.example.com", 3128);
        Proxy withAuth = plain.withBasicAuth("pusher", SECRET);

        assertThat(plain.username()).isEmpty();
        assertThat(withAuth.username()).contains("pusher");
        assertThat(withAuth.password()).contains(SECRET);
        assertThat(withAuth.toString()).contains("pusher").doesNotContain(SECRET);
    }

    @Test
    void basicAuthAllowsColonsAndNonAsciiInThePasswordButNotColonsInTheUser() {
        assertThat(Proxy.httpConnect("p", 1).withBasicAuth("pusher", "a:b wörd").password()).contains("a:b wörd");
        assertThatThrownBy(() -> Proxy.httpConnect("p", 1).withBasicAuth("push:er", SECRET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
        assertThatThrownBy(() -> Proxy.httpConnect("p", 1).withBasicAuth("", SECRET))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void controlCharactersThatCouldSplitHeadersAreRefusedWithoutEchoingThePassword() {
        String injected = SECRET + "\r\nX-Evil: 1";

        assertThatThrownBy(() -> Proxy.httpConnect("p", 1).withBasicAuth("pusher", injected))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control character at index " + SECRET.length())
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void socks5TakesAsciiUsernameAndPasswordOfAtMost255Characters() {
        Proxy proxy = Proxy.socks5("127.0.0.1", 1080).withUsernamePassword("pusher", SECRET);

        assertThat(proxy.type()).isEqualTo(Proxy.Type.SOCKS5);
        assertThat(proxy.username()).contains("pusher");
        assertThat(proxy).hasToString("SOCKS5 proxy 127.0.0.1:1080 (user pusher)");
        assertThatThrownBy(() -> Proxy.socks5("h", 1).withUsernamePassword("pusher", "x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 256");
        assertThatThrownBy(() -> Proxy.socks5("h", 1).withUsernamePassword("pusher", "wörd"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("printable ASCII")
                .hasMessageNotContaining("wörd");
        assertThatThrownBy(() -> Proxy.socks5("h", 1).withUsernamePassword("", SECRET))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachKindRefusesTheOtherKindsAuthentication() {
        assertThatThrownBy(() -> Proxy.socks5("h", 1).withBasicAuth("u", "p"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withUsernamePassword");
        assertThatThrownBy(() -> Proxy.httpConnect("h", 1).withUsernamePassword("u", "p"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withBasicAuth");
    }

    @Test
    void addressesAreChecked() {
        assertThatThrownBy(() -> Proxy.httpConnect(" ", 80)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Proxy.socks5("h", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Proxy.socks5("h", 65_536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Proxy.httpConnect(null, 80)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void equalityCoversTypeAddressAndCredentials() {
        Proxy a = Proxy.httpConnect("h", 1).withBasicAuth("u", "p");

        assertThat(a).isEqualTo(Proxy.httpConnect("h", 1).withBasicAuth("u", "p"))
                .hasSameHashCodeAs(Proxy.httpConnect("h", 1).withBasicAuth("u", "p"));
        assertThat(a).isNotEqualTo(Proxy.httpConnect("h", 1).withBasicAuth("u", "q"));
        assertThat(a).isNotEqualTo(Proxy.httpConnect("h", 1));
        assertThat(Proxy.httpConnect("h", 1)).isNotEqualTo(Proxy.socks5("h", 1));
    }

    @Test
    void proxyExceptionNamesProxyTargetAndAnswerButNotThePassword() {
        Proxy proxy = Proxy.httpConnect("proxy.example.com", 3128).withBasicAuth("pusher", SECRET);
        ProxyException failure = new ProxyException(proxy, Endpoint.of("api.push.apple.com", 443),
                "HTTP/1.1 407 Proxy Authentication Required", "it refused the credentials", null);

        assertThat(failure).hasMessage("Could not tunnel to api.push.apple.com:443 through the HTTP CONNECT proxy "
                + "proxy.example.com:3128 (user pusher): it refused the credentials (the proxy answered: HTTP/1.1 407 "
                + "Proxy Authentication Required)");
        assertThat(failure.answer()).contains("HTTP/1.1 407 Proxy Authentication Required");
        assertThat(failure.proxy()).isEqualTo(proxy);
        assertThat(failure.target()).isEqualTo(Endpoint.of("api.push.apple.com", 443));
    }

    @Test
    void proxyExceptionQuotesAnAnswerFromOutsideBoundedAndWithControlCharactersEscaped() {
        String hostile = "HTTP/1.1 500 \u001b[31m" + "x".repeat(1_000);
        ProxyException failure = new ProxyException(Proxy.socks5("h", 1), Endpoint.of("t", 1), hostile, "no", null);

        assertThat(failure.getMessage()).contains("\\u001b[31m").doesNotContain("\u001b").hasSizeLessThan(400);
        assertThat(failure.answer()).hasValueSatisfying(answer -> assertThat(answer).endsWith("..."));
        assertThat(new ProxyException(Proxy.socks5("h", 1), Endpoint.of("t", 1), null, "closed", null))
                .hasMessageEndingWith(": closed");
    }
}
