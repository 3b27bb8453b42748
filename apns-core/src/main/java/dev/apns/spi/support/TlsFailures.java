package dev.apns.spi.support;

import dev.apns.spi.ConnectFailure;

import java.io.EOFException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLException;

/**
 * States the {@link ConnectFailure.Kind} of a TLS handshake that failed (other than by timing out), from what
 * the JDK, BoringSSL (through Conscrypt or Netty's OpenSSL engine) and Netty report: our trust manager's
 * refusal arrives as a {@link CertificateException} (or a certificate path exception) in the cause chain, the
 * server's refusal as a received fatal alert, and a peer that hung up as an end of stream, a reset, a closed
 * channel or one of {@link #HANG_UP_PHRASES}. Anything else is {@code LOCAL_CONFIGURATION}. Stateless.
 */
public final class TlsFailures {
    /** How the JDK and BoringSSL say, in lower case, that the peer hung up during the handshake. */
    public static final List<String> HANG_UP_PHRASES = List.of("terminated the handshake", "connection reset",
            "closed by peer", "connection closed", "broken pipe", "unexpected eof", "end of stream");

    private static final int MAX_DEPTH = 16;

    private TlsFailures() {
    }

    /**
     * The kind of a failed handshake, looking at most 16 causes deep; {@code moreHangUpPhrases} (lower case)
     * are what a particular TLS library says besides {@link #HANG_UP_PHRASES} when the peer hung up.
     */
    public static ConnectFailure.Kind handshakeKind(Throwable failure, List<String> moreHangUpPhrases) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return ConnectFailure.Kind.SERVER_NOT_TRUSTED;
            }
        }
        boolean hungUp = !(failure instanceof SSLException);
        depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (text.contains("received fatal alert") || text.contains("alert_") || text.contains("tlsv1 alert")
                    || text.contains("sslv3 alert")) {
                return ConnectFailure.Kind.CERTIFICATE_REFUSED_BY_SERVER;
            }
            hungUp |= t instanceof EOFException || t instanceof SocketException || t instanceof ClosedChannelException
                    || HANG_UP_PHRASES.stream().anyMatch(text::contains)
                    || moreHangUpPhrases.stream().anyMatch(text::contains);
        }
        return hungUp ? ConnectFailure.Kind.BROKEN_OFF : ConnectFailure.Kind.LOCAL_CONFIGURATION;
    }
}
