package dev.apns.cli;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Http2Defaults;
import dev.apns.Http2Reason;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SenderFullException;
import dev.apns.SenderMetrics;
import dev.apns.SenderOptions;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The HTTP/2 part of {@code apns demo}: an in-process {@link MockApnsHttp2Server} with token authentication, and
 * through every backend one long-lived sender streaming the demo's tokens, of which one is unregistered (410 with
 * its timestamp); the first request gets 503 and is retried, and halfway the server sends GOAWAY, which the
 * sender survives on a new connection. Every notification must end accepted once or rejected with its reason.
 */
final class Http2Demo {
    static final String TOPIC = "com.example.demo";
    static final Instant UNREGISTERED_SINCE = Instant.parse("2026-01-02T03:04:05Z");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Http2Demo() {
    }

    /** Runs it, printing to {@code out}; true when every step did what it should. */
    static boolean run(PrintStream out, List<DeviceToken> tokens, DeviceToken unregistered, List<String> backends) {
        TestCertificates pki = TestCertificates.create();
        TestSigningKey testKey = TestSigningKey.generate();
        // The .p8 text as it might come from a secret store: nothing touches disk.
        SigningKey signingKey = SigningKey.fromP8(testKey.privateKeyPkcs8Pem(), testKey.keyId(), testKey.teamId());
        Payload payload = Payload.builder().alert("Hello from the APNs SDK demo").badge(1).sound("default").build();
        int size = tokens.size();
        boolean ok = true;
        try (MockApnsHttp2Server server = MockApnsHttp2Server.builder(pki).recordAccepted(false).start()) {
            out.printf("HTTP/2: mock APNs provider API at %s (TLS, token authentication: team %s, key %s, topic %s)%n",
                    server.address(), testKey.teamId(), testKey.keyId(), TOPIC);
            out.printf("Backends on the class path: %s%n%n", backends);
            for (String backend : backends) {
                server.reset();
                testKey.register(server, Set.of(TOPIC));
                server.unregister(unregistered.toHex(), UNREGISTERED_SINCE);
                server.serviceUnavailable(1);
                server.goAwayAfter(size / 2, 0);
                ok &= runOn(out, backend, server, signingKey, tokens, unregistered, payload);
                out.println();
            }
        }
        return ok;
    }

    private static boolean runOn(PrintStream out, String backend, MockApnsHttp2Server server, SigningKey signingKey,
                                 List<DeviceToken> tokens, DeviceToken unregistered, Payload payload) {
        int size = tokens.size();
        AtomicLong accepted = new AtomicLong();
        AtomicLong notSent = new AtomicLong();
        List<Outcome> rejected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(size);
        Consumer<Outcome> listener = outcome -> {
            switch (outcome.kind()) {
                case ACCEPTED -> accepted.incrementAndGet();
                case REJECTED -> rejected.add(outcome);
                case UNSENT -> notSent.incrementAndGet();
            }
            done.countDown();
        };
        SenderOptions options = SenderOptions.builder()
                .http2(Http2Defaults.defaults().withTopic(TOPIC))
                .serverRetryBackoff(Duration.ofMillis(50))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
                .build();
        long millis;
        SenderMetrics metrics;
        try (ApnsSession session = ApnsSession.builder().backend(backend).signingKey(signingKey)
                .gateway(server.address()).trust(Trust.fromPem(server.authorityPem())).build();
             ApnsSender sender = session.sender(options)) {
            long start = System.nanoTime();
            for (DeviceToken token : tokens) {
                submit(sender, Notification.of(token, payload), listener);
            }
            boolean finished = await(done);
            millis = (System.nanoTime() - start) / 1_000_000;
            metrics = sender.metrics();
            if (!finished) {
                out.printf("[%s] HTTP/2: not every notification had an outcome within %d s%n", backend,
                        WAIT.toSeconds());
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        out.printf(Locale.ROOT, "[%s] HTTP/2: sent %,d notifications in %d ms through one sender, an outcome each to "
                + "one listener%n", backend, size, millis);
        out.printf(Locale.ROOT, "[%s]   accepted %,d, rejected %d, not sent %,d%n", backend, accepted.get(),
                rejected.size(), notSent.get());
        boolean ok = accepted.get() == size - 1 && notSent.get() == 0 && rejected.size() == 1;
        for (Outcome outcome : rejected) {
            out.printf("[%s]   rejected %s: %s%n", backend, outcome.notification().token(),
                    outcome.reason().map(r -> r.description()).orElse("?"));
            ok &= outcome.notification().token().equals(unregistered)
                    && outcome.reason().filter(r -> r instanceof Http2Reason h && h.status() == 410
                    && h.code() == Http2Reason.Code.UNREGISTERED).isPresent()
                    && outcome.reason().flatMap(r -> r.tokenInvalidSince()).filter(UNREGISTERED_SINCE::equals).isPresent();
        }
        out.printf(Locale.ROOT, "[%s]   503 ServiceUnavailable on the first request: retried after a backoff (%d "
                + "retr%s)%n", backend, metrics.retried(), metrics.retried() == 1 ? "y" : "ies");
        out.printf(Locale.ROOT, "[%s]   GOAWAY after request %,d: the sender went on over a new connection (%d "
                + "connections)%n", backend, size / 2, server.connectionsAccepted());
        long recorded = server.acceptedCount();
        out.printf(Locale.ROOT, "[%s]   the server accepted %,d notifications: %s%n", backend, recorded,
                recorded == size - 1 ? "none lost, none twice" : "EXPECTED " + (size - 1));
        return ok && metrics.retried() >= 1 && server.connectionsAccepted() >= 2 && recorded == size - 1;
    }

    private static void submit(ApnsSender sender, Notification notification, Consumer<Outcome> listener)
            throws InterruptedException {
        while (true) {
            try {
                sender.submit(notification, listener);
                return;
            } catch (SenderFullException e) {
                // Full for the submit timeout: the server is slow; keep offering (bounded by the demo's own wait).
            }
        }
    }

    private static boolean await(CountDownLatch done) throws InterruptedException {
        return done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
