package dev.apns.backend.blocking;

import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.ProxyException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class ProxyTunnelTest {
    private static final Endpoint TARGET = Endpoint.of("api.push.apple.com", 443);
    private static final Proxy HTTP = Proxy.httpConnect("proxy.example.com", 3128);
    private static final Proxy SOCKS = Proxy.socks5("127.0.0.1", 1080);
    private static final String SECRET = "hunter2:secret";

    @Test
    void httpConnectSendsTheRequestAndConsumesExactlyTheResponseHead() throws IOException {
        ByteArrayInputStream in = input("HTTP/1.1 200 Connection established\r\nVia: 1.1 proxy\r\n\r\nTLS");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ProxyTunnel.open(in, out, HTTP.withBasicAuth("pusher", SECRET), TARGET);

        String credentials = Base64.getEncoder().encodeToString(("pusher:" + SECRET).getBytes(StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("CONNECT api.push.apple.com:443 HTTP/1.1\r\n"
                + "Host: api.push.apple.com:443\r\nProxy-Authorization: Basic " + credentials + "\r\n\r\n");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).as("the tunnel's first bytes").isEqualTo("TLS");
    }

    @Test
    void httpConnectAcceptsBareLineFeedsAndAnyTwoHundredStatus() throws IOException {
        ProxyTunnel.open(input("HTTP/1.0 204 OK\n\n"), new ByteArrayOutputStream(), HTTP, TARGET);
    }

    @Test
    void anIpv6TargetIsBracketed() {
        assertThat(ProxyTunnel.authority(Endpoint.of("::1", 443))).isEqualTo("[::1]:443");
        assertThat(ProxyTunnel.authority(Endpoint.of("127.0.0.1", 443))).isEqualTo("127.0.0.1:443");
    }

    @Test
    void status407SaysWhetherCredentialsWereRefusedOrMissingAndNeverShowsThePassword() {
        String answer = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n";

        assertThatThrownBy(() -> ProxyTunnel.open(input(answer), new ByteArrayOutputStream(), HTTP, TARGET))
                .isInstanceOf(ProxyException.class)
                .hasMessageContaining("proxy.example.com:3128").hasMessageContaining("requires authentication (407)")
                .hasMessageContaining("HTTP/1.1 407 Proxy Authentication Required");
        assertThatThrownBy(() -> ProxyTunnel.open(input(answer), new ByteArrayOutputStream(),
                HTTP.withBasicAuth("pusher", SECRET), TARGET))
                .isInstanceOf(ProxyException.class)
                .hasMessageContaining("refused the credentials of user pusher (407)").hasMessageNotContaining(SECRET);
    }

    @Test
    void otherStatusesAndNonHttpAnswersAreRefusals() {
        assertThatThrownBy(() -> ProxyTunnel.open(input("HTTP/1.1 403 Forbidden\r\n\r\n"), new ByteArrayOutputStream(),
                HTTP, TARGET)).isInstanceOf(ProxyException.class).hasMessageContaining("status 403")
                .satisfies(e -> assertThat(((ProxyException) e).answer()).contains("HTTP/1.1 403 Forbidden"));
        assertThatThrownBy(() -> ProxyTunnel.open(input("SSH-2.0-OpenSSH\r\n\r\n"), new ByteArrayOutputStream(),
                HTTP, TARGET)).isInstanceOf(ProxyException.class).hasMessageContaining("not an HTTP/1.x status line");
        assertThatThrownBy(() -> ProxyTunnel.open(input("HTTP/1.1 20"), new ByteArrayOutputStream(), HTTP, TARGET))
                .isInstanceOf(ProxyException.class).hasMessageContaining("closed the connection before answering");
    }

    @Test
    void aResponseHeadLongerThanTheLimitIsRefusedWithoutReadingFurther() {
        String endless = "HTTP/1.1 200 OK\r\n" + "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(1_000) + "\r\n";
        ByteArrayInputStream in = input(endless);

        assertThatThrownBy(() -> ProxyTunnel.open(in, new ByteArrayOutputStream(), HTTP, TARGET))
                .isInstanceOf(ProxyException.class).hasMessageContaining("does not end within 16384 bytes");
        assertThat(endless.length() - in.available()).isEqualTo(ProxyTunnel.MAX_RESPONSE_HEAD);
    }

    @Test
    void socks5WithoutAuthenticationSendsTheTargetByNameAndConsumesExactlyTheReply() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes(5, 0, /* reply */ 5, 0, 0, 1, 10, 0, 0, 1, 0x1F, 0x90,
                /* tunnel */ 0x16));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ProxyTunnel.open(in, out, SOCKS, TARGET);

        byte[] host = "api.push.apple.com".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = concat(bytes(5, 1, 0, /* connect */ 5, 1, 0, 3, host.length), host, bytes(1, 0xBB));
        assertThat(out.toByteArray()).isEqualTo(expected);
        assertThat(in.readAllBytes()).isEqualTo(bytes(0x16));
    }

    @Test
    void socks5WithCredentialsAuthenticatesAndSendsAnIpLiteralAsAnAddress() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes(5, 2, /* auth */ 1, 0,
                /* reply, bound to a name */ 5, 0, 0, 3, 4, 'p', 'r', 'x', 'y', 0, 80));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ProxyTunnel.open(in, out, SOCKS.withUsernamePassword("pusher", "pw"), Endpoint.of("127.0.0.1", 8443));

        assertThat(out.toByteArray()).isEqualTo(bytes(5, 2, 0, 2, /* auth */ 1, 6, 'p', 'u', 's', 'h', 'e', 'r', 2, 'p',
                'w', /* connect */ 5, 1, 0, 1, 127, 0, 0, 1, 0x20, 0xFB));
        assertThat(in.available()).isZero();
    }

    @Test
    void socks5RefusalsNameTheReplyCodeAndNeverThePassword() {
        assertThatThrownBy(() -> ProxyTunnel.open(new ByteArrayInputStream(bytes(5, 0, 5, 2, 0, 1, 0, 0, 0, 0, 0, 0)),
                new ByteArrayOutputStream(), SOCKS, TARGET)).isInstanceOf(ProxyException.class)
                .hasMessageContaining("SOCKS5 reply 2 (connection not allowed by ruleset)");
        assertThatThrownBy(() -> ProxyTunnel.open(new ByteArrayInputStream(bytes(5, 2, 1, 1)),
                new ByteArrayOutputStream(), SOCKS.withUsernamePassword("pusher", SECRET), TARGET))
                .isInstanceOf(ProxyException.class).hasMessageContaining("refused the credentials of user pusher")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> ProxyTunnel.open(new ByteArrayInputStream(bytes(5, 0xFF)), new ByteArrayOutputStream(),
                SOCKS, TARGET)).isInstanceOf(ProxyException.class).hasMessageContaining("Proxy.withUsernamePassword");
        assertThatThrownBy(() -> ProxyTunnel.open(new ByteArrayInputStream(bytes(5, 2)), new ByteArrayOutputStream(),
                SOCKS, TARGET)).isInstanceOf(ProxyException.class).hasMessageContaining("was not offered");
        assertThatThrownBy(() -> ProxyTunnel.open(new ByteArrayInputStream(bytes(4, 0)), new ByteArrayOutputStream(),
                SOCKS, TARGET)).isInstanceOf(ProxyException.class).hasMessageContaining("does not speak SOCKS5");
    }

    /** Seeded fuzzing of both answers: whatever the proxy sends, the result is success or a ProxyException. */
    @Test
    @Timeout(30)
    void anyAnswerEndsInSuccessOrAProxyException() {
        byte[][] valid = {
                "HTTP/1.1 200 Connection established\r\nVia: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                bytes(5, 0, 5, 0, 0, 1, 1, 2, 3, 4, 0, 80),
                bytes(5, 2, 1, 0, 5, 0, 0, 3, 3, 'a', 'b', 'c', 0, 80),
                bytes(5, 0, 5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80)};
        Proxy[] proxies = {HTTP, SOCKS, SOCKS.withUsernamePassword("u", "p"), SOCKS};
        for (long seed = 1; seed <= 4_000; seed++) {
            Random random = new Random(seed);
            int kind = (int) (seed % valid.length);
            byte[] input = random.nextInt(4) == 0 ? randomBytes(random) : mutate(valid[kind], random);
            try {
                ProxyTunnel.open(new ByteArrayInputStream(input), new ByteArrayOutputStream(), proxies[kind], TARGET);
            } catch (ProxyException expected) {
                assertThat(expected.getMessage()).contains(proxies[kind].endpoint().toString());
            } catch (Exception | Error other) {
                fail("Seed " + seed + " (" + Arrays.toString(input) + ") threw " + other, other);
            }
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] copy = Arrays.copyOf(valid, random.nextInt(valid.length + 8));
        for (int i = random.nextInt(4); i >= 0 && copy.length > 0; i--) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static ByteArrayInputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
