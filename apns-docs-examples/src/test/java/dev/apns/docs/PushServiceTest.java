package dev.apns.docs;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.testkit.junit.MockApnsExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The MockApnsExtension sample of docs/testkit.md: a whole test class, with "your code" a few lines long. */
// tag::testkit-extension[]
@Timeout(10)
class PushServiceTest {
    @RegisterExtension
    static final MockApnsExtension apns = new MockApnsExtension();

    private static final IssuedCertificate client = apns.certificates().client("com.example.app");

    @Test
    void invalidTokensAreForgotten() {
        DeviceToken goodToken = DeviceToken.fromHex("11".repeat(32));
        DeviceToken badToken = DeviceToken.fromHex("bb".repeat(32));
        apns.server().rejectToken(badToken, Status.of(8));
        Set<DeviceToken> known = new LinkedHashSet<>(List.of(goodToken, badToken));

        try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)            // your code would build this
                .credentials(client.credentials())
                .gateway(apns.server().gateway())
                .feedback(apns.server().feedback())
                .trust(Trust.fromPem(apns.server().authorityPem()))
                .build()) {
            Result result = session.send(Message.builder().tokens(known).alert("hi").build());
            result.rejections().forEach(rejection -> known.remove(rejection.token()));
        }

        assertThat(known).containsExactly(goodToken);
    }
}
// end::testkit-extension[]
