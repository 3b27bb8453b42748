package dev.apns.testkit.conformance;

import dev.apns.ApnsSession;
import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Protocol;
import dev.apns.Result;
import dev.apns.Trust;
import dev.apns.mock.binary.ReceivedNotification;
import dev.apns.spi.Backend;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch API ({@code ApnsSession.send}) when a connection dies silently mid-batch and reconnects are refused: a
 * connection that carried notifications is progress, and what is handed back says which tokens the server may
 * have. Kept apart from {@link BackendConformanceSuite}, which runs these tests in one of its {@code @Nested}
 * areas; {@code docs/conformance.md} explains each identifier.
 */
abstract class BatchRecoveryObligations {
    private final SuiteFixtures suite;

    BatchRecoveryObligations(SuiteFixtures suite) {
        this.suite = suite;
    }

    @Test
    @Timeout(30)
    @DisplayName("[e2e-19] a silent death and two refused reconnects do not end a batch: a connection that "
            + "carried notifications is progress")
    void aSilentDeathAndTwoRefusedReconnectsDoNotEndABatch() {
        List<DeviceToken> tokens = SuiteFixtures.tokens(5_000);

        Result result = sendThroughASilentDeath(tokens, 3, 2);

        assertThat(suite.server.refusedConnections()).isEqualTo(2);
        assertThat(result.retry()).isEmpty();
        assertThat(result.accepted()).containsExactlyInAnyOrderElementsOf(tokens);
        assertThat(new HashSet<>(receivedTokens())).containsAll(tokens);
    }

    @Test
    @Timeout(30)
    @DisplayName("[e2e-20] a batch handed back after a silent death says which tokens the server may have: "
            + "resending only the others duplicates nothing")
    void aBatchHandedBackAfterASilentDeathSaysWhichTokensTheServerMayHave() {
        List<DeviceToken> tokens = SuiteFixtures.tokens(5_000);

        Result result = sendThroughASilentDeath(tokens, 2, 1_000);

        assertThat(result.retry()).isPresent();
        List<DeviceToken> handedBack = result.retry().orElseThrow().tokens();
        Set<DeviceToken> received = new HashSet<>(receivedTokens());
        assertThat(received).hasSize(1_500);
        assertThat(result.accepted()).isEmpty();
        assertThat(handedBack).containsExactlyInAnyOrderElementsOf(tokens);
        assertThat(result.possiblyDelivered()).as("what the server took is flagged: resending only the rest "
                + "duplicates nothing").containsAll(received).isSubsetOf(handedBack);
        assertThat(result.errors()).as("the refused reconnects that ended it")
                .anySatisfy(error -> assertThat(error.description()).contains("handshake"));
    }

    /**
     * Sends {@code tokens} in one batch on a pooled connection that the server closes silently after 1,500 of
     * them, and then refuses the next {@code refusals} connections.
     */
    private Result sendThroughASilentDeath(List<DeviceToken> tokens, int maxAttemptsWithoutProgress, int refusals) {
        ApnsSession session = pooledSession(maxAttemptsWithoutProgress);
        session.send(SuiteFixtures.message(SuiteFixtures.tokens(1)));
        suite.server.reset();
        suite.server.closeSilentlyAfter(1_500);
        suite.server.refuseNextHandshakes(refusals);
        return session.send(SuiteFixtures.message(tokens));
    }

    /**
     * A binary session on a new instance of the backend with a quiet period, so that its connection stays pooled
     * between sends (a sentinel makes the server close it), closed after the test.
     */
    private ApnsSession pooledSession(int maxAttemptsWithoutProgress) {
        Backend fresh = suite.newBackend();
        SuiteFixtures.assumeAvailable(fresh);
        ApnsSession session = ApnsSession.builder().protocol(Protocol.BINARY)
                .backend(fresh)
                .credentials(suite.client.credentials())
                .gateway(suite.server.gateway())
                .trust(Trust.fromPem(suite.server.authorityPem()))
                .confirmation(Confirmation.quietPeriod(SuiteFixtures.QUIET_PERIOD))
                .maxAttemptsWithoutProgress(maxAttemptsWithoutProgress)
                .build();
        suite.opened.push(session);
        return session;
    }

    private List<DeviceToken> receivedTokens() {
        return suite.server.accepted().stream().map(ReceivedNotification::token).collect(Collectors.toList());
    }
}
