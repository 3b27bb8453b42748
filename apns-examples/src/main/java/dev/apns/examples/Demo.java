package dev.apns.examples;

import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.spi.Backend;
import dev.apns.testkit.IssuedCertificate;
import dev.apns.testkit.MockApnsServer;
import dev.apns.testkit.TestCertificates;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The SDK's main job on an embedded default: starts the testkit's mock APNs (gateway and feedback over
 * real TLS on 127.0.0.1, with a certificate authority made at run time), then, through every backend on
 * the class path, sends a batch of 1,000 notifications in which one token is rejected, shows the automatic
 * resend of what the server dropped, shows the same batch with automatic resend off and its retry
 * message, and reads the feedback service. No Apple account is needed.
 */
public final class Demo {
    private static final int BATCH = 1_000;
    private static final int BAD_POSITION = 500;

    private Demo() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out) ? 0 : 1);
    }

    /** Runs the demo, printing to {@code out}; true when every step did what it should. */
    public static boolean run(PrintStream out) {
        TestCertificates pki = TestCertificates.create();
        IssuedCertificate client = pki.client("com.example.demo");
        // Credentials from a PEM string, as they might come from a secret store: nothing touches disk.
        Credentials credentials = Credentials.fromPem(client.chainPem() + client.privateKeyPkcs8Pem());

        List<DeviceToken> tokens = new ArrayList<>(BATCH);
        for (int i = 1; i <= BATCH; i++) {
            tokens.add(DeviceToken.fromHex(String.format("%064x", i)));
        }
        DeviceToken bad = tokens.get(BAD_POSITION - 1);
        Message message = Message.builder().tokens(tokens).alert("Hello from the APNs SDK demo").badge(1).sound("default")
                .build();

        boolean ok = true;
        try (MockApnsServer server = MockApnsServer.builder(pki).start()) {
            out.printf("Mock APNs gateway at %s, feedback at %s (TLS, client certificates checked)%n", server.gateway(),
                    server.feedback());
            server.rejectToken(bad, Status.of(8));
            List<String> backends = availableBackends();
            out.printf("Backends on the class path: %s%n%n", backends);

            for (String backend : backends) {
                ApnsSession.Builder builder = ApnsSession.builder()
                        .backend(backend)
                        .credentials(credentials)
                        .gateway(server.gateway())
                        .feedback(server.feedback())
                        .trust(Trust.fromPem(server.authorityPem()));
                long before = server.acceptedCount();
                try (ApnsSession session = builder.build()) {
                    long start = System.nanoTime();
                    Result result = session.send(message);
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    out.printf("[%s] sent %d notifications in %d ms (including the 200 ms confirmation quiet period)%n",
                            backend, BATCH, millis);
                    out.printf("[%s]   accepted %d, rejected %d, resent automatically %d, left to retry %d%n", backend,
                            result.accepted().size(), result.rejections().size(), result.resent(),
                            result.retry().map(m -> m.tokens().size()).orElse(0));
                    for (Rejection rejection : result.rejections()) {
                        out.printf("[%s]   %s%n", backend, rejection.explanation());
                    }
                    ok &= result.accepted().size() == BATCH - 1 && result.rejections().size() == 1
                            && result.rejections().get(0).token().equals(bad) && !result.needsRetry();
                }
                out.printf("[%s]   the server recorded %d new notifications%n", backend, server.acceptedCount() - before);
                ok &= server.acceptedCount() - before == BATCH - 1;

                try (ApnsSession session = builder.automaticResend(false).build()) {
                    Result first = session.send(message);
                    out.printf("[%s] with automatic resend off: accepted %d, rejected %d, handed back %d%n", backend,
                            first.accepted().size(), first.rejections().size(),
                            first.retry().map(m -> m.tokens().size()).orElse(0));
                    Result second = first.retry().map(session::send).orElse(null);
                    if (second != null) {
                        out.printf("[%s]   sending the retry message: accepted %d%n", backend, second.accepted().size());
                        ok &= second.isSuccess() && first.accepted().size() + second.accepted().size() == BATCH - 1;
                    } else {
                        ok = false;
                    }
                }
                out.println();
            }

            server.addFeedback(new FeedbackEntry(tokens.get(0), Instant.parse("2026-01-02T03:04:05Z")),
                    new FeedbackEntry(tokens.get(1), Instant.parse("2026-02-03T04:05:06Z")));
            try (ApnsSession session = ApnsSession.builder().credentials(credentials).gateway(server.gateway())
                    .feedback(server.feedback()).trust(Trust.fromPem(server.authorityPem())).build();
                 Feedback feedback = session.feedback()) {
                int count = 0;
                for (FeedbackEntry entry : feedback) {
                    out.printf("Feedback: token %s was uninstalled at %s%n", entry.token(), entry.time());
                    count++;
                }
                ok &= count == 2 && feedback.failure().isEmpty();
            }
        }
        out.println(ok ? "Demo finished: every notification ended accepted, rejected with a reason, or retried."
                : "Demo FAILED: see the figures above.");
        return ok;
    }

    private static List<String> availableBackends() {
        List<String> names = new ArrayList<>();
        for (ServiceLoader.Provider<Backend> provider : ServiceLoader.load(Backend.class).stream().toList()) {
            try (Backend backend = provider.get()) {
                if (backend.availability().isAvailable()) {
                    names.add(backend.name());
                }
            }
        }
        names.sort(null);
        return names;
    }
}
