package dev.apns.internal.binary;

import dev.apns.Confirmation;
import dev.apns.DeliveryError;
import dev.apns.DeviceToken;
import dev.apns.InvalidNotificationException;
import dev.apns.Notification;
import dev.apns.Payload;
import dev.apns.Status;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.Identifiers;
import dev.apns.protocol.binary.NotificationEncoder;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary engine alone: notifications in, frames out, error responses in, fates out, the time as an argument.
 * Items are strings, so that a fate names the notification it concerns.
 */
class BinaryEngineTest {
    private static final String ENDPOINT = "gateway.test:2195";
    private static final long MS = 1_000_000;
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration SENTINEL_WAIT = Duration.ofSeconds(2);

    /** The fates told, in order, as text. */
    private static final class Told implements BinaryFates<String> {
        final List<String> events = new ArrayList<>();
        DeliveryError lastError;

        @Override
        public void accepted(List<String> items) {
            events.add("accepted " + items);
        }

        @Override
        public void rejected(String item, Status status) {
            events.add("rejected " + item + " " + status.code());
        }

        @Override
        public void resend(List<String> items, boolean fateUnknown) {
            events.add("resend " + items + (fateUnknown ? " fate unknown" : ""));
        }

        @Override
        public void handedBack(List<String> items, DeliveryError error) {
            events.add("handed back " + items);
            lastError = error;
        }
    }

    /** One frame as the server would read it. */
    private record Frame(long identifier, int tokenLength, String payload) {
    }

    private static final int PROCESSING_ERROR = 1;
    private static final int MISSING_DEVICE_TOKEN = 2;
    private static final int INVALID_PAYLOAD_SIZE = 7;
    private static final int INVALID_TOKEN = 8;
    private static final int SHUTDOWN = 10;

    private final Told told = new Told();
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    private static BinaryEngine<String> sentinelEngine(int spacing, long firstIdentifier) {
        return new BinaryEngine<>(ENDPOINT, firstIdentifier,
                new BinaryEngine.Settings(Confirmation.sentinel(SENTINEL_WAIT), MS, 64 * 1024),
                SentinelSpacing.fixed(spacing));
    }

    private static BinaryEngine<String> quietEngine() {
        return new BinaryEngine<>(ENDPOINT, Identifiers.FIRST,
                new BinaryEngine.Settings(Confirmation.quietPeriod(QUIET), MS, 64 * 1024), SentinelSpacing.fixed(100));
    }

    private static Notification notification(int n) {
        return Notification.of(DeviceToken.fromHex(String.format("%064x", n)), Payload.ofJson("{\"n\":" + n + "}"));
    }

    /** Offers {@code count} notifications named "n1", "n2", ... at {@code now} and flushes them to the wire. */
    private void write(BinaryEngine<String> engine, int count, long now) throws IOException {
        for (int n = 1; n <= count; n++) {
            assertThat(engine.offer("n" + n, notification(n), now)).isTrue();
        }
        flush(engine);
    }

    private void flush(BinaryEngine<String> engine) throws IOException {
        engine.flushTo(bytes -> {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            wire.write(copy, 0, copy.length);
        });
    }

    /** The frames written so far, parsed independently of the encoder. */
    private List<Frame> frames() {
        ByteBuffer in = ByteBuffer.wrap(wire.toByteArray());
        List<Frame> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            assertThat(in.get()).as("command").isEqualTo((byte) 2);
            int end = in.getInt() + in.position();
            long identifier = -1;
            int tokenLength = -1;
            String payload = null;
            while (in.position() < end) {
                byte item = in.get();
                byte[] data = new byte[in.getShort() & 0xFFFF];
                in.get(data);
                switch (item) {
                    case 1 -> tokenLength = data.length;
                    case 2 -> payload = new String(data, StandardCharsets.UTF_8);
                    case 3 -> identifier = ByteBuffer.wrap(data).getInt() & 0xFFFF_FFFFL;
                    default -> { }
                }
            }
            frames.add(new Frame(identifier, tokenLength, payload));
        }
        return frames;
    }

    private static ByteBuffer answer(int status, long identifier) {
        return ByteBuffer.wrap(new ErrorResponse(Status.of(status), identifier).toBytes());
    }

    @Test
    void writesOneFramePerNotificationWithConsecutiveIdentifiersAndKeepsThemUnconfirmed() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);

        write(engine, 3, 0);

        assertThat(frames()).extracting(Frame::identifier).containsExactly(1L, 2L, 3L);
        assertThat(frames()).extracting(Frame::tokenLength).containsOnly(32);
        assertThat(frames().get(1).payload()).isEqualTo("{\"n\":2}");
        assertThat(engine.unconfirmed()).isEqualTo(3);
        assertThat(engine.nextIdentifier()).isEqualTo(4);
        assertThat(engine.hasOutput()).isFalse();
        assertThat(told.events).isEmpty();
    }

    @Test
    void aFullOutputRefusesTheOfferUntilFlushedAndAFrameLargerThanTheBufferGetsItsOwn() throws IOException {
        BinaryEngine<String> engine = new BinaryEngine<>(ENDPOINT, Identifiers.FIRST,
                new BinaryEngine.Settings(Confirmation.sentinel(SENTINEL_WAIT), MS, 64), SentinelSpacing.fixed(100));

        assertThat(engine.offer("n1", notification(1), 0)).isTrue();
        assertThat(engine.offer("n2", notification(2), 0)).as("no room for a second frame of %s bytes",
                NotificationEncoder.frameSize(32, 8, false, false)).isFalse();
        assertThat(engine.unconfirmed()).isEqualTo(1);
        flush(engine);
        assertThat(engine.offer("n2", notification(2), 0)).isTrue();
        flush(engine);
        Notification large = Notification.of(DeviceToken.fromHex("ab".repeat(32)), Payload.ofJson("{\"text\":\""
                + "x".repeat(200) + "\"}"));
        assertThat(engine.offer("large", large, 0)).isTrue();
        flush(engine);

        assertThat(frames()).extracting(Frame::identifier).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aNotificationNoFrameCanCarryIsRefusedAndUsesNoIdentifier() {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        Notification huge = Notification.of(DeviceToken.fromHex("ab".repeat(32)),
                Payload.ofJson("{\"a\":\"" + "x".repeat(70_000) + "\"}"));

        assertThatThrownBy(() -> engine.offer("huge", huge, 0)).isInstanceOf(InvalidNotificationException.class)
                .hasMessageContaining("16-bit length field");
        assertThat(engine.nextIdentifier()).isEqualTo(1);
        assertThat(engine.hasOutput()).isFalse();
        assertThat(engine.unconfirmed()).isZero();
    }

    @Test
    void aSentinelIsDueAtTheSpacingAndItsAnswerConfirmsTheWholeWindow() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(3, Identifiers.FIRST);
        assertThat(engine.sentinelDue(0, true)).as("nothing written").isFalse();
        engine.offer("n1", notification(1), 0);
        engine.offer("n2", notification(2), 0);
        assertThat(engine.sentinelDue(0, true)).as("two of three").isFalse();
        engine.offer("n3", notification(3), 0);
        assertThat(engine.sentinelDue(0, true)).as("spacing reached, more to write").isTrue();

        engine.writeSentinel();
        flush(engine);
        engine.sentinelFlushed(5 * MS);

        Frame sentinel = frames().get(3);
        assertThat(sentinel.identifier()).isEqualTo(4);
        assertThat(sentinel.tokenLength()).as("a sentinel carries no token, so the server must refuse it").isEqualTo(-1);
        assertThat(engine.awaitingSentinel()).isTrue();
        assertThat(engine.sentinelDeadline()).isEqualTo(5 * MS + SENTINEL_WAIT.toNanos());
        assertThatThrownBy(() -> engine.offer("n4", notification(4), 0)).isInstanceOf(IllegalStateException.class);

        assertThat(engine.receive(answer(MISSING_DEVICE_TOKEN, 4))).isTrue();
        BinarySettlement end = engine.end(null, List.of(), told);

        assertThat(told.events).containsExactly("accepted [n1, n2, n3]");
        assertThat(end.sentinelAnswered()).isTrue();
        assertThat(end.unanswered()).isEqualTo(3);
        assertThat(end.error()).isNull();
        assertThat(engine.awaitingSentinel()).isFalse();
        assertThatThrownBy(() -> engine.offer("n5", notification(5), 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended");
    }

    @Test
    void aSentinelIsDueOnlyAfterTheQueueStayedDryForTheLinger() {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        engine.offer("n1", notification(1), 0);

        assertThat(engine.sentinelDue(10 * MS, false)).as("dry from now").isFalse();
        assertThat(engine.sentinelDue(10 * MS + MS / 2, false)).as("half the linger").isFalse();
        assertThat(engine.sentinelDue(10 * MS + MS / 2 + 1, true)).as("more came").isFalse();
        assertThat(engine.sentinelDue(11 * MS, false)).as("dry again from now").isFalse();
        assertThat(engine.sentinelDue(12 * MS - 1, false)).isFalse();
        assertThat(engine.sentinelDue(12 * MS, false)).as("dry for the whole linger").isTrue();
        assertThat(engine.waitNanos(12 * MS, 100 * MS)).as("a sentinel may become due: no waiting").isZero();
    }

    @Test
    void anUnansweredSentinelEndsTheConnectionAndEverythingWrittenIsResentWithItsFateUnknown() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        write(engine, 2, 0);
        engine.writeSentinel();
        flush(engine);
        engine.sentinelFlushed(0);

        BinarySettlement end = engine.end(engine.sentinelTimeout(), List.of(), told);

        assertThat(told.events).containsExactly("resend [n1, n2] fate unknown");
        assertThat(end.cause()).hasMessageContaining("did not reject the sentinel notification within PT2S");
        assertThat(end.error().description()).contains("2 notification(s) were written").contains(ENDPOINT);
    }

    @Test
    void theQuietPeriodConfirmsEachNotificationItsDurationAfterItWasWritten() throws IOException {
        BinaryEngine<String> engine = quietEngine();
        engine.offer("n1", notification(1), 0);
        engine.offer("n2", notification(2), 100 * MS);
        flush(engine);

        assertThat(engine.waitNanos(50 * MS, 100 * MS)).as("capped at the idle wait").isEqualTo(100 * MS);
        assertThat(engine.waitNanos(250 * MS, 100 * MS)).as("until the first is due").isEqualTo(50 * MS);
        assertThat(engine.waitNanos(300 * MS, 100 * MS)).as("at least a millisecond").isEqualTo(MS);
        engine.confirmQuiet(300 * MS - 1, told);
        assertThat(told.events).isEmpty();
        engine.confirmQuiet(300 * MS, told);
        assertThat(told.events).containsExactly("accepted [n1]");
        engine.confirmQuiet(400 * MS, told);
        assertThat(told.events).containsExactly("accepted [n1]", "accepted [n2]");
        assertThat(engine.unconfirmed()).isZero();
        assertThat(engine.sentinelDue(400 * MS, false)).as("no sentinels with a quiet period").isFalse();
        assertThat(engine.waitNanos(400 * MS, 100 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void anErrorResponseMidWindowAcceptsThoseBeforeItAndDecidesTheRestByItsStatus() throws IOException {
        assertThat(settleAfter(INVALID_TOKEN, 3))
                .containsExactly("accepted [n1, n2]", "rejected n3 8", "resend [n4, n5]");
        assertThat(settleAfter(SHUTDOWN, 3)).containsExactly("accepted [n1, n2, n3]", "resend [n4, n5]");
        assertThat(settleAfter(PROCESSING_ERROR, 3)).containsExactly("accepted [n1, n2]",
                "resend [n3, n4, n5]");
        assertThat(settleAfter(INVALID_PAYLOAD_SIZE, 3)).containsExactly("accepted [n1, n2]",
                "handed back [n3, n4, n5]");
    }

    private List<String> settleAfter(int reason, long identifier) throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        Told fates = new Told();
        write(engine, 5, 0);
        assertThat(engine.receive(answer(reason, identifier))).isTrue();
        BinarySettlement end = engine.end(null, List.of(), fates);
        assertThat(end.response().identifier()).isEqualTo(identifier);
        assertThat(end.unattributed()).isFalse();
        assertThat(end.unanswered()).isEqualTo(5);
        return fates.events;
    }

    @Test
    void anErrorResponseSplitAcrossReadsIsReassembled() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        write(engine, 3, 0);
        byte[] bytes = answer(INVALID_TOKEN, 2).array();

        for (int i = 0; i < bytes.length - 1; i++) {
            assertThat(engine.receive(ByteBuffer.wrap(bytes, i, 1))).as("after byte %s", i).isFalse();
        }
        assertThat(engine.receive(ByteBuffer.wrap(bytes, bytes.length - 1, 1))).isTrue();
        engine.end(null, List.of(), told);

        assertThat(told.events).containsExactly("accepted [n1]", "rejected n2 8", "resend [n3]");
    }

    @Test
    void anErrorResponseNamingNoneOfTheWindowResendsItAllWithItsFateUnknown() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        write(engine, 3, 0);
        engine.receive(answer(PROCESSING_ERROR, 0));

        BinarySettlement end = engine.end(null, List.of(), told);

        assertThat(told.events).containsExactly("resend [n1, n2, n3] fate unknown");
        assertThat(end.unattributed()).isTrue();
        assertThat(end.error().description()).contains("names none of the 3");
    }

    @Test
    void aConnectionThatEndsWithAnUnconfirmedWindowResendsItOrHandsItBackWhenNoReconnectCanHeal()
            throws IOException {
        BinaryEngine<String> died = sentinelEngine(100, Identifiers.FIRST);
        write(died, 3, 0);
        BinarySettlement end = died.end(new IOException("Connection reset"), List.of("u1"), told);
        assertThat(told.events).containsExactly("resend [n1, n2, n3, u1] fate unknown");
        assertThat(end.cause()).hasMessage("Connection reset");
        assertThat(end.response()).isNull();

        Told refused = new Told();
        BinaryEngine<String> alert = sentinelEngine(100, Identifiers.FIRST);
        write(alert, 2, 0);
        alert.end(new javax.net.ssl.SSLHandshakeException("Received fatal alert: certificate_expired"), List.of("u1"),
                refused);
        assertThat(refused.events).containsExactly("handed back [n1, n2, u1]");
        assertThat(refused.lastError.description()).contains("refused the TLS client certificate");
    }

    @Test
    void theItemsNotYetWrittenFollowTheWindowsFate() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        write(engine, 3, 0);
        engine.receive(answer(INVALID_PAYLOAD_SIZE, 2));

        engine.end(null, List.of("u1", "u2"), told);

        assertThat(told.events).containsExactly("accepted [n1]", "handed back [n2, n3, u1, u2]");
    }

    @Test
    void aLateAnswerForNothingInFlightDecidesNothingAndIsLoggedOnce() throws IOException {
        BinaryEngine<String> engine = quietEngine();
        write(engine, 1, 0);
        engine.confirmQuiet(QUIET.toNanos(), told);
        engine.receive(answer(INVALID_TOKEN, 1));
        engine.confirmQuiet(QUIET.toNanos() * 2, told);

        String log = capturingStandardError(() -> engine.end(null, List.of(), told));

        assertThat(told.events).containsExactly("accepted [n1]");
        assertThat(log.lines().filter(line -> line.contains("WARN"))).hasSize(1)
                .allSatisfy(line -> assertThat(line).contains("late answer"));
    }

    @Test
    void identifiersWrapFromTheLargestToOneAndAnAnswerAfterTheWrapIsAttributed() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.MAX - 1);
        write(engine, 3, 0);
        assertThat(frames()).extracting(Frame::identifier).containsExactly(Identifiers.MAX - 1, Identifiers.MAX, 1L);
        assertThat(engine.nextIdentifier()).isEqualTo(2);

        engine.receive(answer(INVALID_TOKEN, 1));
        engine.end(null, List.of(), told);

        assertThat(told.events).containsExactly("accepted [n1, n2]", "rejected n3 8");
    }

    @Test
    void malformedInputIsATypedErrorOnceAndTheWindowIsDecidedAsForADeadConnection() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        write(engine, 2, 0);
        byte[] halfAnAnswer = {8, 8, 0};
        byte[] rest = {0, 0, 1, 7, 7};
        assertThat(engine.receive(ByteBuffer.wrap(halfAnAnswer))).isFalse();

        assertThatThrownBy(() -> engine.receive(ByteBuffer.wrap(rest)))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("read command 7")
                .satisfies(e -> assertThat(((MalformedResponseException) e).inputOffset()).isEqualTo(6));
        ByteBuffer more = ByteBuffer.wrap(new byte[] {9, 9, 9});
        assertThat(engine.receive(more)).as("later input is ignored, not thrown again").isTrue();
        assertThat(more.hasRemaining()).isFalse();
        assertThat(engine.malformed()).isNotNull();
    }

    @Test
    void malformedInputAloneEndsTheConnectionAsDeadWithItAsTheCause() throws IOException {
        BinaryEngine<String> engine = quietEngine();
        write(engine, 2, 0);

        assertThatThrownBy(() -> engine.receive(ByteBuffer.wrap(new byte[] {7, 0, 0})))
                .isInstanceOf(MalformedResponseException.class)
                .satisfies(e -> assertThat(((MalformedResponseException) e).inputOffset()).isZero());
        engine.confirmQuiet(QUIET.toNanos() * 2, told);
        assertThat(told.events).as("nothing is confirmed on a connection that cannot report errors").isEmpty();
        BinarySettlement end = engine.end(null, List.of(), told);

        assertThat(told.events).containsExactly("resend [n1, n2] fate unknown");
        assertThat(end.cause()).isInstanceOf(MalformedResponseException.class);
    }

    @Test
    void anErrorResponseAfterTheFirstIsIgnoredAndWarnedAboutOnce() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        write(engine, 3, 0);
        ByteBuffer answers = ByteBuffer.allocate(ErrorResponse.SIZE * 200);
        answers.put(answer(INVALID_TOKEN, 2));
        for (int i = 0; i < 199; i++) {
            answers.put(answer(PROCESSING_ERROR, 1));
        }
        answers.flip();

        String log = capturingStandardError(() -> {
            try {
                engine.receive(answers);
            } catch (MalformedResponseException e) {
                throw new AssertionError(e);
            }
            engine.inputEnded();
        });
        engine.end(null, List.of(), told);

        assertThat(log.lines().filter(line -> line.contains("WARN"))).hasSize(1)
                .allSatisfy(line -> assertThat(line).contains("another error response"));
        assertThat(engine.errorResponse().identifier()).as("the first one counts").isEqualTo(2);
        assertThat(told.events).containsExactly("accepted [n1]", "rejected n2 8", "resend [n3]");
    }

    @Test
    void anInputCutInTheMiddleOfAnErrorResponseIsReported() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        engine.receive(ByteBuffer.wrap(new byte[] {8, 8}));

        String log = capturingStandardError(engine::inputEnded);

        assertThat(log).contains("WARN").contains("in the middle of an error response (2 of 6 bytes read)");
    }

    @Test
    void aWindowThatWrapsAroundItsRingAndGrowsKeepsItsOrderAndIdentifiers() throws IOException {
        BinaryEngine<String> engine = quietEngine();
        for (int n = 1; n <= 50; n++) {
            engine.offer("n" + n, notification(n), n <= 40 ? 0 : QUIET.toNanos());
        }
        flush(engine);
        engine.confirmQuiet(QUIET.toNanos(), told);
        for (int n = 51; n <= 150; n++) {
            assertThat(engine.offer("n" + n, notification(n), QUIET.toNanos())).isTrue();
            flush(engine);
        }
        assertThat(engine.unconfirmed()).isEqualTo(110);

        engine.receive(answer(INVALID_TOKEN, 100));
        engine.end(null, List.of(), told);

        List<String> accepted = new ArrayList<>();
        for (int n = 41; n <= 99; n++) {
            accepted.add("n" + n);
        }
        List<String> resent = new ArrayList<>();
        for (int n = 101; n <= 150; n++) {
            resent.add("n" + n);
        }
        assertThat(told.events).hasSize(4);
        assertThat(told.events.get(0)).startsWith("accepted [n1, n2,").endsWith("n40]");
        assertThat(told.events.subList(1, 4)).containsExactly("accepted " + accepted, "rejected n100 8",
                "resend " + resent);
        assertThat(frames()).extracting(Frame::identifier).hasSize(150).doesNotHaveDuplicates();
    }

    @Test
    void aWindowEndedByOneEngineServesTheNextAndOnlyAnEmptyOneOfTheRightKindIsTaken() throws IOException {
        UnconfirmedWindow<String> window = new UnconfirmedWindow<>(false);
        BinaryEngine.Settings settings = new BinaryEngine.Settings(Confirmation.sentinel(SENTINEL_WAIT), MS, 1024);
        BinaryEngine<String> first = new BinaryEngine<>(ENDPOINT, Identifiers.FIRST, settings,
                SentinelSpacing.fixed(100), window);
        write(first, 2, 0);
        assertThatThrownBy(() -> new BinaryEngine<>(ENDPOINT, Identifiers.FIRST, settings, SentinelSpacing.fixed(100),
                window)).as("still holding two").isInstanceOf(IllegalArgumentException.class);
        first.end(new IOException("reset"), List.of(), told);

        BinaryEngine<String> second = new BinaryEngine<>(ENDPOINT, Identifiers.FIRST, settings,
                SentinelSpacing.fixed(100), window);
        assertThat(second.offer("n3", notification(3), 0)).isTrue();
        assertThat(second.unconfirmed()).isEqualTo(1);
        assertThatThrownBy(() -> new BinaryEngine<>(ENDPOINT, Identifiers.FIRST,
                new BinaryEngine.Settings(Confirmation.quietPeriod(QUIET), MS, 1024), SentinelSpacing.fixed(100),
                new UnconfirmedWindow<String>(false))).as("a quiet period needs the times")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void abandoningHandsTheWindowBackUndecided() throws IOException {
        BinaryEngine<String> engine = sentinelEngine(100, Identifiers.FIRST);
        write(engine, 2, 0);

        assertThat(engine.abandon()).containsExactly("n1", "n2");
        assertThat(engine.unconfirmed()).isZero();
        assertThat(told.events).isEmpty();
        assertThatThrownBy(() -> engine.offer("n3", notification(3), 0)).isInstanceOf(IllegalStateException.class);
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
