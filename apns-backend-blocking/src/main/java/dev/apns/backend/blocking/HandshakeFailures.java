package dev.apns.backend.blocking;

import dev.apns.Endpoint;
import dev.apns.spi.ConnectFailure;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLException;

/**
 * States the {@link ConnectFailure.Kind} of a TLS handshake that failed (not timed out) on a JSSE socket,
 * the JDK's or Conscrypt's. What failed where is known here: our trust manager throws a
 * {@link CertificateException} (it arrives as the cause), the server's refusal is a received fatal alert, and
 * a peer that hangs up leaves an end of stream or a reset.
 */
final class HandshakeFailures {
    private static final int MAX_DEPTH = 16;
    /** How the JDK and BoringSSL (Conscrypt) say that the peer hung up during the handshake. */
    private static final List<String> HUNG_UP = List.of("terminated the handshake", "connection reset",
            "closed by peer", "connection closed", "broken pipe", "unexpected eof", "end of stream", "shut down");

    private HandshakeFailures() {
    }

    /** The failure of a handshake with {@code endpoint} as a {@link ConnectFailure} of the right kind. */
    static ConnectFailure classify(Endpoint endpoint, IOException failure) {
        String message = "TLS handshake with " + endpoint + " failed: "
                + (failure.getMessage() == null ? failure.toString() : failure.getMessage());
        return new ConnectFailure(kind(failure), message, failure);
    }

    static ConnectFailure.Kind kind(IOException failure) {
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
            if (text.contains("received fatal alert") || text.contains("alert_")
                    || text.contains("tlsv1 alert") || text.contains("sslv3 alert")) {
                return ConnectFailure.Kind.CERTIFICATE_REFUSED_BY_SERVER;
            }
            hungUp |= t instanceof EOFException || t instanceof SocketException
                    || HUNG_UP.stream().anyMatch(text::contains);
        }
        return hungUp ? ConnectFailure.Kind.BROKEN_OFF : ConnectFailure.Kind.LOCAL_CONFIGURATION;
    }
}
