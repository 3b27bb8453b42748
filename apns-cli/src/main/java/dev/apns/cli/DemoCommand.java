package dev.apns.cli;

import dev.apns.Protocol;
import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.Credentials;
import dev.apns.DeviceToken;
import dev.apns.Feedback;
import dev.apns.FeedbackEntry;
import dev.apns.Message;
import dev.apns.Rejection;
import dev.apns.Result;
import dev.apns.Status;
import dev.apns.Trust;
import dev.apns.mock.credentials.IssuedCertificate;
import dev.apns.mock.binary.MockApnsServer;
import dev.apns.mock.credentials.TestCertificates;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code apns demo}: the SDK's main job on an embedded default. First HTTP/2 ({@link Http2Demo}); then the
 * binary protocol: starts apns-mock's mock APNs (gateway and feedback over real TLS on 127.0.0.1, with a
 * certificate authority made at run time), then, through every backend on the class path, sends a batch in which
 * one token is rejected, shows the automatic resend of what the server dropped, sends the same batch with
 * automatic resend off and then its retry message, and reads the feedback service. No Apple account is needed.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        header = "Show the SDK at work against an in-process mock APNs.",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Show the SDK at work without an Apple account, through every backend on the class path. "
                + "HTTP/2 first: an in-process mock of Apple's provider API with token authentication; one sender "
                + "streams the tokens, one of which is unregistered (410 with its timestamp); the first request gets "
                + "503 and is retried; halfway the server sends GOAWAY and the sender goes on over a new connection.",
                "",
                "Then the binary protocol: a batch with one rejected token (with automatic resend, then without it "
                        + "and with the retry message), and the feedback service."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:Every step behaved: each notification ended accepted, rejected with a reason, or retried.",
                "1:Some step did not behave; the figures printed say which.",
                "3:Bad input: --tokens outside 500 to 1000000.",
                "4:Internal error."})
final class DemoCommand extends Subcommand {
    /** The fewest tokens the demo takes. */
    private static final int MIN_TOKENS = 500;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "1000", converter = Converters.PositiveConverter.class,
            description = "How many tokens the demo's message goes to (default: ${DEFAULT-VALUE}); " + MIN_TOKENS
                    + " to 1000000.")
    long tokens;

    @Override
    public Integer call() {
        if (tokens < MIN_TOKENS || tokens > 1_000_000) {
            throw CliException.badInput("--tokens " + tokens + ": must be from " + MIN_TOKENS + " to 1000000.");
        }
        return run(out(), (int) tokens) ? ExitCodes.OK : ExitCodes.REJECTED;
    }

    /** Runs the demo, printing to {@code out}; true when every step did what it should. */
    static boolean run(PrintStream out, int size) {
        TestCertificates pki = TestCertificates.create();
        IssuedCertificate client = pki.client("com.example.demo");
        // Credentials from a PEM string, as they might come from a secret store: nothing touches disk.
        Credentials credentials = Credentials.fromPem(client.chainPem() + client.privateKeyPkcs8Pem());

        List<DeviceToken> tokens = new ArrayList<>(size);
        for (int i = 1; i <= size; i++) {
            tokens.add(DeviceToken.fromHex(String.format(Locale.ROOT, "%064x", i)));
        }
        // The rejected token is in the middle, so that the binary protocol has notifications after it to drop.
        DeviceToken bad = tokens.get(size / 2 - 1);
        Message message = Message.builder().tokens(tokens).alert("Hello from the APNs SDK demo").badge(1).sound("default")
                .build();

        List<String> backends = Backends.availableNames();
        boolean ok = !backends.isEmpty();
        ok &= Http2Demo.run(out, tokens, bad, backends);

        try (MockApnsServer server = MockApnsServer.builder(pki).recordAccepted(false).start()) {
            out.printf("Binary protocol: mock APNs gateway at %s, feedback at %s (TLS, client certificates checked)%n%n",
                    server.gateway(), server.feedback());
            server.rejectToken(bad, Status.of(8));

            for (String backend : backends) {
                // A sentinel confirms each batch exactly, however slow this machine is; the default quiet period
                // could count a late rejection as accepted on a loaded machine, and the demo would fail.
                ApnsSession.Builder builder = ApnsSession.builder().protocol(Protocol.BINARY)
                        .backend(backend)
                        .confirmation(Confirmation.sentinel(Duration.ofSeconds(5)))
                        .credentials(credentials)
                        .gateway(server.gateway())
                        .feedback(server.feedback())
                        .trust(Trust.fromPem(server.authorityPem()));
                long before = server.acceptedCount();
                try (ApnsSession session = builder.build()) {
                    long start = System.nanoTime();
                    Result result = session.send(message);
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    out.printf(Locale.ROOT, "[%s] binary: sent %,d notifications in %d ms (confirmed by a sentinel "
                            + "notification the server must reject)%n", backend, size, millis);
                    out.printf(Locale.ROOT, "[%s]   accepted %,d, rejected %d, resent automatically %,d, left to retry "
                                    + "%,d%n", backend, result.accepted().size(), result.rejections().size(),
                            result.resent(), result.retry().map(m -> m.tokens().size()).orElse(0));
                    for (Rejection rejection : result.rejections()) {
                        out.printf("[%s]   %s%n", backend, rejection.explanation());
                    }
                    result.errors().forEach(error -> out.printf("[%s]   error: %s%n", backend, error.description()));
                    ok &= result.accepted().size() == size - 1 && result.rejections().size() == 1
                            && result.rejections().get(0).token().equals(bad) && !result.needsRetry();
                }
                long recorded = server.acceptedCount() - before;
                out.printf(Locale.ROOT, "[%s]   the server recorded %,d new notifications%n", backend, recorded);
                ok &= recorded == size - 1;

                try (ApnsSession session = builder.automaticResend(false).build()) {
                    Result first = session.send(message);
                    out.printf(Locale.ROOT, "[%s] binary, with automatic resend off: accepted %,d, rejected %d, handed back "
                                    + "%,d%n", backend, first.accepted().size(), first.rejections().size(),
                            first.retry().map(m -> m.tokens().size()).orElse(0));
                    Result second = first.retry().map(session::send).orElse(null);
                    if (second != null) {
                        out.printf(Locale.ROOT, "[%s]   sending the retry message: accepted %,d%n", backend,
                                second.accepted().size());
                        ok &= second.isSuccess() && first.accepted().size() + second.accepted().size() == size - 1;
                    } else {
                        out.printf("[%s]   no retry message: the server should have dropped the notifications after "
                                + "the rejected one%n", backend);
                        ok = false;
                    }
                }
                out.println();
            }

            server.addFeedback(new FeedbackEntry(tokens.get(0), Instant.parse("2026-01-02T03:04:05Z")),
                    new FeedbackEntry(tokens.get(1), Instant.parse("2026-02-03T04:05:06Z")));
            try (ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY).credentials(credentials).gateway(server.gateway())
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
        out.println(ok ? "Demo finished: over HTTP/2 and the binary protocol, every notification ended accepted, "
                + "rejected with a reason, or retried."
                : "Demo FAILED: see the figures above.");
        out.flush();
        return ok;
    }
}
