package dev.apns.docs;

import com.example.push.FirstPush;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.Environment;
import dev.apns.Outcome;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.testkit.TestCertificates;
import dev.apns.testkit.h2.MockApnsHttp2Server;
import dev.apns.testkit.h2.TestSigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The samples of docs/getting-started.md: the page's class {@link FirstPush} (compiled here as a user's own class,
 * in its own package, with only the public API), first against the HTTP/2 mock started in process as the page
 * shows it, then with a certificate instead of a key.
 */
@Timeout(30)
class GettingStartedSamplesTest {
    @TempDir
    Path directory;

    @Test
    void theFirstPushIsAcceptedByTheMockStartedInProcess() throws Exception {
        String printed = printedBy(() -> {
            // tag::gs-mock[]
            TestSigningKey testKey = TestSigningKey.generate();           // an EC P-256 key, as in a .p8 file
            try (MockApnsHttp2Server apple = MockApnsHttp2Server.builder(TestCertificates.create()).start()) {
                testKey.register(apple, Set.of("com.example.app"));     // the mock accepts it for this bundle id
                SigningKey key = SigningKey.fromP8(testKey.privateKeyPkcs8Pem(), testKey.keyId(), testKey.teamId());

                try (ApnsSession session = ApnsSession.builder()
                        .signingKey(key)
                        .gateway(apple.address())                        // 127.0.0.1 and a free port
                        .trust(Trust.fromPem(apple.authorityPem()))      // the mock's test authority
                        .build()) {
                    Outcome outcome = FirstPush.push(session, "com.example.app", "3f2a".repeat(16));
                    System.out.println(outcome);                         // accepted 3f2a...3f2a (apns-id ...)
                    System.out.println(apple.accepted().get(0).payloadText());
                }
            }
            // end::gs-mock[]
        });

        assertThat(printed.lines().toList()).hasSize(2);
        assertThat(printed.lines().toList().get(0)).startsWith("accepted ").contains("apns-id");
        assertThat(printed.lines().toList().get(1)).contains("\"alert\":\"Hello from the SDK\"");
    }

    @Test
    void thePushCertificateWorksInsteadOfTheKey() throws Exception {
        try (Http2Mock apns = new Http2Mock()) {
            char[] password = "secret".toCharArray();
            Path p12File = Files.write(directory.resolve("push.p12"), apns.client.pkcs12(password));
            String token = "3f2a".repeat(16);
            Outcome outcome;

            // tag::gs-certificate[]
            try (ApnsSession session = ApnsSession.builder()
                    .credentials(Credentials.fromPkcs12(p12File, password))   // the push certificate, from Keychain Access
                    .environment(Environment.SANDBOX)
                    // end::gs-certificate[]
                    .gateway(apns.server.address())
                    .trust(Trust.fromPem(apns.server.authorityPem()))
                    // tag::gs-certificate[]
                    .build()) {
                outcome = FirstPush.push(session, "com.example.app", token);
            }
            // end::gs-certificate[]

            assertThat(outcome.isAccepted()).isTrue();
            assertThat(apns.server.accepted()).singleElement()
                    .satisfies(n -> assertThat(n.certificateSubject()).isPresent());
        }
    }

    @Test
    void aMissingP8FileFailsWithItsName() {
        Path missing = directory.resolve("AuthKey_ABC123DEFG.p8");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FirstPush.main(new String[] {missing.toString(),
                        "ABC123DEFG", "DEF123GHIJ", "com.example.app", "3f2a".repeat(16)}))
                .hasMessageContaining(missing.toString());
    }

    private interface Block {
        void run() throws Exception;
    }

    private static String printedBy(Block block) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream standardOut = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            block.run();
        } finally {
            System.setOut(standardOut);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
