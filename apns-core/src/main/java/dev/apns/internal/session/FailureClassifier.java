package dev.apns.internal.session;

import dev.apns.spi.ConnectFailure;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Decides what a failure to connect (or a connection's end) means: which {@link Kind} it is, and whether
 * retrying can heal it. A backend that throws {@link ConnectFailure} states the kind and is believed; for
 * other exceptions (third-party backends) the kind is inferred from the exception types in the cause chain
 * and, last, from the text of TLS exceptions. A timeout anywhere in the chain is a timeout, whatever wraps it.
 */
public final class FailureClassifier {
    /** How many causes are inspected: cause chains may cycle. */
    private static final int MAX_DEPTH = 32;

    /** What a failure says about the connection and the certificate. */
    public enum Kind {
        /** The connect or the handshake took longer than allowed. */
        TIMED_OUT,
        /** The TCP connection was refused. */
        REFUSED_CONNECTION,
        /** The host did not resolve or could not be routed to. */
        UNREACHABLE,
        /** The peer closed or reset the connection during the handshake, without an alert. */
        BROKEN_OFF,
        /** The server refused our client certificate (a fatal TLS alert). */
        CERTIFICATE_REFUSED_BY_SERVER,
        /** Our trust refused the server's certificate or host name. */
        SERVER_NOT_TRUSTED,
        /** The handshake failed here for another reason: TLS configuration, key, protocol. */
        LOCAL_CONFIGURATION,
        /** The session (or backend) was closed: nothing will connect again. */
        CLOSED,
        /** Any other I/O failure: a reset, a broken pipe, an unexpected end. */
        OTHER_IO
    }

    private FailureClassifier() {
    }

    /** True when retrying cannot heal a failure of this kind. */
    public static boolean isPermanent(Kind kind) {
        return switch (kind) {
            case CERTIFICATE_REFUSED_BY_SERVER, SERVER_NOT_TRUSTED, LOCAL_CONFIGURATION, CLOSED -> true;
            case TIMED_OUT, REFUSED_CONNECTION, UNREACHABLE, BROKEN_OFF, OTHER_IO -> false;
        };
    }

    /** True when retrying cannot heal {@code failure}. */
    public static boolean isPermanent(Throwable failure) {
        return isPermanent(classify(failure));
    }

    /** The kind of {@code failure}. */
    public static Kind classify(Throwable failure) {
        if (failure instanceof IllegalStateException) {
            return Kind.CLOSED;
        }
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof ConnectFailure stated) {
                return of(stated.kind());
            }
        }
        return infer(failure);
    }

    /** The fallback for exceptions of backends that do not state a kind. */
    private static Kind infer(Throwable failure) {
        boolean handshake = false;
        boolean brokenOff = false;
        Kind network = null;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (isTimeout(t)) {
                return Kind.TIMED_OUT;
            }
        }
        depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return Kind.SERVER_NOT_TRUSTED;
            }
            if (t instanceof SSLException) {
                String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (text.contains("alert")) {
                    return Kind.CERTIFICATE_REFUSED_BY_SERVER;
                }
                if (text.contains("certificate") || text.contains("pkix")) {
                    return Kind.SERVER_NOT_TRUSTED;
                }
                handshake |= t instanceof SSLHandshakeException;
            }
            if (network == null && t instanceof ConnectException) {
                network = Kind.REFUSED_CONNECTION;
            } else if (network == null && (t instanceof UnknownHostException || t instanceof NoRouteToHostException)) {
                network = Kind.UNREACHABLE;
            }
            brokenOff |= t instanceof EOFException || t instanceof SocketException || t instanceof ClosedChannelException;
        }
        if (network != null) {
            return network;
        }
        if (handshake) {
            return brokenOff ? Kind.BROKEN_OFF : Kind.LOCAL_CONFIGURATION;
        }
        return Kind.OTHER_IO;
    }

    /** A socket timeout, or a TLS exception whose text says it timed out (Netty's handshake timeout). */
    private static boolean isTimeout(Throwable t) {
        if (t instanceof SocketTimeoutException) {
            return true;
        }
        if (t instanceof SSLException || t instanceof InterruptedIOException) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            return text.contains("timed out") || text.contains("timeout");
        }
        return false;
    }

    private static Kind of(ConnectFailure.Kind stated) {
        return switch (stated) {
            case TIMED_OUT -> Kind.TIMED_OUT;
            case REFUSED_CONNECTION -> Kind.REFUSED_CONNECTION;
            case UNREACHABLE -> Kind.UNREACHABLE;
            case BROKEN_OFF -> Kind.BROKEN_OFF;
            case CERTIFICATE_REFUSED_BY_SERVER -> Kind.CERTIFICATE_REFUSED_BY_SERVER;
            case SERVER_NOT_TRUSTED -> Kind.SERVER_NOT_TRUSTED;
            case LOCAL_CONFIGURATION -> Kind.LOCAL_CONFIGURATION;
        };
    }
}
