package dev.apns.backend.blocking;

import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Protocol;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.mock.credentials.KeyType;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.testkit.TlsTestServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose answers cannot be trusted: bytes that are not an error response make the connection
 * unusable (closed, never pooled again), and a gateway that answers with error response after error
 * response costs one WARN line per connection, not one per response. Raw TLS servers on 127.0.0.1 play the
 * gateway.
 */
@Timeout(30)
class UntrustworthyGatewayTest {
    private static TestCertificates certs;
    private static SSLContext serverContext;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void issueCertificates() {
        certs = TestCertificates.create();
        serverContext = certs.server().sslContext(certs.authority().certificate());
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private ApnsSession session(TlsTestServer gateway) {
        BlockingBackend backend = new BlockingBackend();
        opened.add(backend);
        ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .backend(backend)
                .credentials(certs.client("com.example.untrusting", KeyType.EC).credentials())
                .gateway(gateway.endpoint())
                .trust(Trust.of(certs.authority().certificate()))
                .confirmation(Confirmation.quietPeriod(Duration.ofMillis(300)))
                .maxAttemptsWithoutProgress(2)
                .build();
        opened.add(session);
        return session;
    }

    private static Message message(int count) {
        return Message.builder().tokens(IntStream.rangeClosed(1, count)
                .mapToObj(i -> DeviceToken.fromHex(String.format("%064x", i))).toList()).alert("hi").build();
    }

    /** Reads the first frame's bytes, answers with {@code answer}, then reads until the client hangs up. */
    private static TlsTestServer.Handler answering(byte[] answer) {
        return (socket, server) -> {
            InputStream in = socket.getInputStream();
            in.read(new byte[64]);
            OutputStream out = socket.getOutputStream();
            out.write(answer);
            out.flush();
            byte[] sink = new byte[4096];
            while (in.read(sink) >= 0) {
                // drain
            }
        };
    }

    @Test
    void bytesThatAreNotAnErrorResponseMakeTheConnectionUnusable() throws Exception {
        TlsTestServer gateway = TlsTestServer.tls(serverContext, answering(new byte[] {7, 0, 0, 0, 0, 0, 0}));
        opened.add(gateway);
        ApnsSession session = session(gateway);

        Result result = session.send(message(5));

        assertThat(session.openConnections()).as("connections kept in the pool").isZero();
        assertThat(result.accepted()).as("nothing can be confirmed on a connection that cannot report errors")
                .isEmpty();
        assertThat(result.retry()).hasValueSatisfying(retry -> assertThat(retry.tokens()).hasSize(5));
    }

    @Test
    void aGatewayThatAnswersAgainAndAgainCostsOneWarnPerConnection() throws Exception {
        ByteBuffer answers = ByteBuffer.allocate(6 * 2_000);
        for (int i = 0; i < 2_000; i++) {
            answers.put((byte) 8).put((byte) 1).putInt(1_000_000 + i); // processing error, for nothing we sent
        }
        TlsTestServer gateway = TlsTestServer.tls(serverContext, answering(answers.array()));
        opened.add(gateway);

        String log = capturingStandardError(() -> session(gateway).send(message(5)));

        long warnings = log.lines().filter(line -> line.contains("WARN") && line.contains("error response")).count();
        assertThat(warnings).as("WARN lines about error responses, of a gateway that sent 2,000 per connection (two "
                + "connections at most); the log was:%n%s", log.length() > 2_000 ? log.substring(0, 2_000) : log)
                .isBetween(1L, 8L);
    }

    private static String capturingStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
