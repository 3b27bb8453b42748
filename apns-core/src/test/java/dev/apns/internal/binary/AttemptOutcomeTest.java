package dev.apns.internal.binary;

import dev.apns.Status;
import dev.apns.internal.binary.AttemptOutcome.Ending;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.Identifiers;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The delivery rules of the binary protocol, exhaustively and without a network. */
class AttemptOutcomeTest {
    private static final String ENDPOINT = "gateway.test:2195";
    private static final int[] TEN = IntStream.range(100, 110).toArray();

    private static AttemptOutcome afterError(int[] pending, int written, long first, int status, long identifier) {
        return AttemptOutcome.decide(pending, written, first, Ending.ERROR_RESPONSE,
                new ErrorResponse(Status.of(status), identifier), null, ENDPOINT);
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    @Test
    void confirmedAcceptsEverythingWrittenAndResendsTheUnwrittenRest() {
        AttemptOutcome outcome = AttemptOutcome.decide(TEN, 7, 1, Ending.CONFIRMED, null, null, ENDPOINT);
        assertThat(outcome.accepted()).containsExactly(range(100, 107));
        assertThat(outcome.resend()).containsExactly(range(107, 110));
        assertThat(outcome.rejected()).isEqualTo(-1);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.madeProgress()).isTrue();
    }

    @Test
    void tokenRejectionAtEveryPositionSplitsAcceptedRejectedAndResent() {
        for (int position = 0; position < TEN.length; position++) {
            AttemptOutcome outcome = afterError(TEN, TEN.length, 50, 8, 50 + position);
            assertThat(outcome.accepted()).containsExactly(range(100, 100 + position));
            assertThat(outcome.rejected()).isEqualTo(100 + position);
            assertThat(outcome.rejectedStatus().reason()).isEqualTo(Status.Reason.INVALID_TOKEN);
            assertThat(outcome.resend()).containsExactly(range(101 + position, 110));
            assertThat(outcome.handBack()).isEmpty();
            assertThat(outcome.error()).isNull();
            assertThat(outcome.madeProgress()).isTrue();
        }
    }

    @Test
    void rejectionWhileWritingResendsTheWrittenAfterItAndTheUnwritten() {
        AttemptOutcome outcome = afterError(TEN, 4, 1, 8, 2);
        assertThat(outcome.accepted()).containsExactly(100);
        assertThat(outcome.rejected()).isEqualTo(101);
        assertThat(outcome.resend()).containsExactly(range(102, 110));
    }

    @Test
    void shutdownNamesTheLastGoodOneWhichIsAcceptedNotFailed() {
        AttemptOutcome outcome = afterError(TEN, 10, 1, 10, 4);
        assertThat(outcome.accepted()).containsExactly(range(100, 104));
        assertThat(outcome.rejected()).isEqualTo(-1);
        assertThat(outcome.resend()).containsExactly(range(104, 110));
        assertThat(outcome.error()).isNull();
    }

    @Test
    void shutdownNamingAnEarlierNotificationResendsEverything() {
        AttemptOutcome outcome = afterError(TEN, 10, 200, 10, 199);
        assertThat(outcome.accepted()).isEmpty();
        assertThat(outcome.resend()).containsExactly(TEN);
        assertThat(outcome.madeProgress()).isFalse();
    }

    @Test
    void processingErrorResendsTheNamedOneAndThoseAfterIt() {
        AttemptOutcome outcome = afterError(TEN, 10, 1, 1, 3);
        assertThat(outcome.accepted()).containsExactly(100, 101);
        assertThat(outcome.resend()).containsExactly(range(102, 110));
        assertThat(outcome.error().status()).contains(Status.of(1));
    }

    @Test
    void contentErrorsAndUnknownCodesHandTheRestBackInsteadOfResending() {
        for (int status : new int[] {3, 4, 6, 7, 128, 0, 9, 11, 200}) {
            AttemptOutcome outcome = afterError(TEN, 10, 1, status, 6);
            assertThat(outcome.accepted()).as("status %d", status).containsExactly(range(100, 105));
            assertThat(outcome.handBack()).as("status %d", status).containsExactly(range(105, 110));
            assertThat(outcome.resend()).isEmpty();
            assertThat(outcome.rejected()).isEqualTo(-1);
            assertThat(outcome.error().status()).contains(Status.of(status));
        }
    }

    @Test
    void identifierZeroCannotBeAttributedSoEverythingIsResentAtLeastOnce() {
        AttemptOutcome outcome = afterError(TEN, 10, 1, 8, 0);
        assertThat(outcome.accepted()).isEmpty();
        assertThat(outcome.rejected()).isEqualTo(-1);
        assertThat(outcome.resend()).containsExactly(TEN);
        assertThat(outcome.error().description()).contains("identifier 0").contains("at-least-once");
        assertThat(outcome.madeProgress()).isFalse();
    }

    @Test
    void anIdentifierNotYetWrittenIsNotAttributed() {
        AttemptOutcome outcome = afterError(TEN, 5, 1, 8, 7);
        assertThat(outcome.rejected()).isEqualTo(-1);
        assertThat(outcome.resend()).containsExactly(TEN);
    }

    @Test
    void unattributableContentErrorHandsEverythingBack() {
        AttemptOutcome outcome = afterError(TEN, 10, 1, 7, 0);
        assertThat(outcome.handBack()).containsExactly(TEN);
        assertThat(outcome.resend()).isEmpty();
    }

    @Test
    void attributionWorksAcrossTheIdentifierWrap() {
        long first = Identifiers.MAX - 2;
        long id = first;
        for (int position = 0; position < TEN.length; position++) {
            AttemptOutcome outcome = afterError(TEN, TEN.length, first, 8, id);
            assertThat(outcome.rejected()).as("position %d, identifier %d", position, id).isEqualTo(100 + position);
            id = Identifiers.next(id);
        }
    }

    @Test
    void aConnectionThatDiedSilentlyResendsEverythingWithTheCause() {
        EOFException cause = new EOFException("gone");
        AttemptOutcome outcome = AttemptOutcome.decide(TEN, 6, 1, Ending.DIED, null, cause, ENDPOINT);
        assertThat(outcome.accepted()).isEmpty();
        assertThat(outcome.resend()).containsExactly(TEN);
        assertThat(outcome.error().cause()).contains(cause);
        assertThat(outcome.error().description()).contains("6 notification(s)").contains(ENDPOINT);
        assertThat(outcome.madeProgress()).isFalse();
    }

    @Test
    void aConnectionTheServerRefusedForOurCertificateHandsEverythingBackSayingSoNotThatItIsResent() {
        javax.net.ssl.SSLHandshakeException alert = new javax.net.ssl.SSLHandshakeException(
                "Received fatal alert: certificate_expired");
        AttemptOutcome outcome = AttemptOutcome.decide(TEN, 6, 1, Ending.DIED, null, alert, ENDPOINT);
        assertThat(outcome.resend()).isEmpty();
        assertThat(outcome.handBack()).containsExactly(TEN);
        assertThat(outcome.error().description()).contains("refused the TLS client certificate").contains(ENDPOINT)
                .contains("handed back").doesNotContain("at-least-once").doesNotContain("are resent");
        assertThat(outcome.error().cause()).contains(alert);
    }
    @Test
    void aSilentDeathLeavesEveryWrittenNotificationUnansweredAndTheUnwrittenOnesNot() {
        AttemptOutcome outcome = AttemptOutcome.decide(TEN, 7, 1, Ending.DIED, null, new EOFException("closed"), ENDPOINT);
        assertThat(outcome.resend()).containsExactly(TEN);
        assertThat(outcome.unanswered()).containsExactly(range(100, 107));
        assertThat(outcome.madeProgress()).isFalse();
    }

    @Test
    void anErrorResponseNamingNoneOfOursLeavesTheWrittenUnanswered() {
        assertThat(afterError(TEN, 6, 200, 1, 7).unanswered()).containsExactly(range(100, 106));
        assertThat(afterError(TEN, 6, 200, 7, 7).unanswered()).as("content status, handed back")
                .containsExactly(range(100, 106));
    }

    @Test
    void anErrorResponseNamingOneOfOursAnswersForEveryWrittenNotification() {
        for (int status : new int[] {1, 7, 8, 10}) {
            assertThat(afterError(TEN, 10, 1, status, 4).unanswered()).as("status %d", status).isEmpty();
        }
        assertThat(AttemptOutcome.decide(TEN, 10, 1, Ending.CONFIRMED, null, null, ENDPOINT).unanswered()).isEmpty();
    }
}
