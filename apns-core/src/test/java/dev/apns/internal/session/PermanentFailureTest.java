package dev.apns.internal.session;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures stop a sender for good ({@link SessionEngine#isPermanent}): the ones that say something about a
 * certificate or the TLS configuration, never a peer that merely broke a handshake off.
 */
class PermanentFailureTest {

    /** An SSLHandshakeException wrapped the way the backends report it, with what they caught as its cause. */
    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException outer = new SSLHandshakeException("TLS handshake with gateway.test:2195 failed: " + message);
        outer.initCause(cause);
        return outer;
    }

    @Test
    void aFatalAlertFromTheServerIsPermanent() {
        assertThat(SessionEngine.isPermanent(new SSLHandshakeException("Received fatal alert: bad_certificate"))).isTrue();
        assertThat(SessionEngine.isPermanent(new SSLException("Received fatal alert: certificate_revoked"))).isTrue();
        assertThat(SessionEngine.isPermanent(handshake("Received fatal alert: certificate_expired",
                new SSLHandshakeException("Received fatal alert: certificate_expired")))).isTrue();
    }

    @Test
    void alertsAreRecognisedWhateverTheirCaseAsBoringSslWritesThem() {
        assertThat(SessionEngine.isPermanent(new SSLException(
                "Read error: ssl=0x7f: Failure in SSL library: error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA")))
                .isTrue();
    }

    @Test
    void aServerCertificateThatOurTrustRefusesIsPermanent() {
        SSLHandshakeException refused = new SSLHandshakeException("PKIX path validation failed");
        refused.initCause(new CertPathValidatorException("validity check failed", new CertificateExpiredException()));
        assertThat(SessionEngine.isPermanent(handshake("PKIX path validation failed", refused))).isTrue();
    }

    @Test
    void aLocalHandshakeFailureWithoutAnyAlertIsPermanent() {
        assertThat(SessionEngine.isPermanent(handshake("No appropriate protocol (protocol is disabled or cipher suites "
                + "are inappropriate)", new SSLHandshakeException("No appropriate protocol")))).isTrue();
    }

    @Test
    void aHandshakeThePeerBrokeOffIsRetried() {
        SSLHandshakeException terminated = new SSLHandshakeException("Remote host terminated the handshake");
        terminated.initCause(new EOFException("SSL peer shut down incorrectly"));
        assertThat(SessionEngine.isPermanent(handshake("Remote host terminated the handshake", terminated))).isFalse();

        SSLHandshakeException reset = new SSLHandshakeException("Connection reset");
        reset.initCause(new SocketException("Connection reset"));
        assertThat(SessionEngine.isPermanent(handshake("Connection reset", reset))).isFalse();

        assertThat(SessionEngine.isPermanent(handshake("closed", new ClosedChannelException()))).isFalse();
    }

    @Test
    void plainNetworkFailuresAreRetried() {
        assertThat(SessionEngine.isPermanent(new SocketException("Connection refused"))).isFalse();
        assertThat(SessionEngine.isPermanent(new SocketTimeoutException("Connect timed out"))).isFalse();
        assertThat(SessionEngine.isPermanent(new IOException("Broken pipe"))).isFalse();
        assertThat(SessionEngine.isPermanent(new SSLException("Tag mismatch"))).isFalse();
    }

    @Test
    void aClosedSessionIsPermanent() {
        assertThat(SessionEngine.isPermanent(new IllegalStateException("This ApnsSession is closed."))).isTrue();
    }
}
