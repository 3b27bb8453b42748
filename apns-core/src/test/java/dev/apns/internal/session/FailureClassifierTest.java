package dev.apns.internal.session;

import dev.apns.spi.ConnectFailure;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.EnumSet;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FailureClassifier}: a kind a backend states is believed, a timeout is transient whatever wraps it, and
 * the type-and-text inference remains for backends that state nothing.
 */
class FailureClassifierTest {

    @Test
    void onlyCertificateEvidenceLocalConfigurationAndAClosedSessionArePermanent() {
        EnumSet<FailureClassifier.Kind> permanent = EnumSet.noneOf(FailureClassifier.Kind.class);
        for (FailureClassifier.Kind kind : FailureClassifier.Kind.values()) {
            if (FailureClassifier.isPermanent(kind)) {
                permanent.add(kind);
            }
        }
        assertThat(permanent).containsExactlyInAnyOrder(FailureClassifier.Kind.CERTIFICATE_REFUSED_BY_SERVER,
                FailureClassifier.Kind.SERVER_NOT_TRUSTED, FailureClassifier.Kind.LOCAL_CONFIGURATION,
                FailureClassifier.Kind.CLOSED);
    }

    @Test
    void everyKindABackendCanStateIsTakenAsStated() {
        for (ConnectFailure.Kind stated : ConnectFailure.Kind.values()) {
            ConnectFailure failure = new ConnectFailure(stated, "TLS handshake with gateway.test:2195 failed",
                    new SSLHandshakeException("Received fatal alert: bad_certificate"));
            assertThat(FailureClassifier.classify(failure)).as("stated %s", stated).hasToString(stated.name());
        }
    }

    @Test
    void aStatedKindIsFoundUnderAWrapper() {
        IOException wrapped = new IOException("connect failed",
                new ConnectFailure(ConnectFailure.Kind.BROKEN_OFF, "closed during the handshake", null));
        assertThat(FailureClassifier.classify(wrapped)).isEqualTo(FailureClassifier.Kind.BROKEN_OFF);
    }

    @Test
    void aHandshakeTimeoutWrappedInAnSslHandshakeExceptionIsATransientTimeout() {
        // How Netty reports its handshake timer: an SSLHandshakeException subclass, under a SocketTimeoutException.
        SSLHandshakeException nettyTimeout = new SSLHandshakeException("handshake timed out after 1000ms");
        SocketTimeoutException outer = new SocketTimeoutException("TLS handshake with gateway.test:2195 did not finish "
                + "within 1 s.");
        outer.initCause(nettyTimeout);

        assertThat(FailureClassifier.classify(outer)).isEqualTo(FailureClassifier.Kind.TIMED_OUT);
        assertThat(FailureClassifier.classify(nettyTimeout)).isEqualTo(FailureClassifier.Kind.TIMED_OUT);
        assertThat(FailureClassifier.isPermanent(outer)).isFalse();
        SSLException underAnother = new SSLException("TLS handshake failed", outer);
        assertThat(FailureClassifier.isPermanent(underAnother)).isFalse();
    }

    @Test
    void networkFailuresAreClassedByType() {
        assertThat(FailureClassifier.classify(new ConnectException("Connection refused")))
                .isEqualTo(FailureClassifier.Kind.REFUSED_CONNECTION);
        assertThat(FailureClassifier.classify(new UnknownHostException("gateway.test")))
                .isEqualTo(FailureClassifier.Kind.UNREACHABLE);
        assertThat(FailureClassifier.classify(new InterruptedIOException("Interrupted while connecting")))
                .isEqualTo(FailureClassifier.Kind.OTHER_IO);
    }

    @Test
    void certificateEvidenceIsClassedAsSuch() {
        SSLHandshakeException ours = new SSLHandshakeException("PKIX path building failed");
        ours.initCause(new CertificateException("unable to find valid certification path"));
        assertThat(FailureClassifier.classify(ours)).isEqualTo(FailureClassifier.Kind.SERVER_NOT_TRUSTED);
        assertThat(FailureClassifier.classify(new SSLException("Received fatal alert: certificate_expired")))
                .isEqualTo(FailureClassifier.Kind.CERTIFICATE_REFUSED_BY_SERVER);
    }

    @Test
    void theHintForAHandshakeTheServerBrokeOffDoesNotBlameTheCertificate() {
        String hint = SessionEngine.hint(FailureClassifier.Kind.BROKEN_OFF, null);
        assertThat(hint).contains("closed the connection during the TLS handshake").doesNotContain("trusts");
        assertThat(SessionEngine.hint(FailureClassifier.Kind.TIMED_OUT, null)).contains("connect timeout");
    }

    @Test
    void causeChainsThatCycleAreClassifiedInBoundedTime() {
        IOException first = new IOException("first");
        IOException second = new IOException("second", first);
        first.initCause(second);
        assertThat(FailureClassifier.classify(first)).isEqualTo(FailureClassifier.Kind.OTHER_IO);
    }
}
