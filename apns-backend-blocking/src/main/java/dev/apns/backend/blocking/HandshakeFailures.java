package dev.apns.backend.blocking;

import dev.apns.Endpoint;
import dev.apns.spi.ConnectFailure;
import dev.apns.spi.support.TlsFailures;

import java.io.IOException;
import java.util.List;

/**
 * States the {@link ConnectFailure.Kind} of a TLS handshake that failed (not timed out) on a JSSE socket,
 * the JDK's or Conscrypt's, with {@link TlsFailures}: our trust manager's refusal arrives as the cause, the
 * server's refusal is a received fatal alert, and a peer that hangs up leaves an end of stream or a reset.
 */
final class HandshakeFailures {
    /** What the JDK and BoringSSL (Conscrypt) say on a socket, besides the common phrases, when the peer hung up. */
    private static final List<String> MORE_HANG_UP_PHRASES = List.of("shut down");

    private HandshakeFailures() {
    }

    /** The failure of a handshake with {@code endpoint} as a {@link ConnectFailure} of the right kind. */
    static ConnectFailure classify(Endpoint endpoint, IOException failure) {
        String message = "TLS handshake with " + endpoint + " failed: "
                + (failure.getMessage() == null ? failure.toString() : failure.getMessage());
        return new ConnectFailure(kind(failure), message, failure);
    }

    static ConnectFailure.Kind kind(IOException failure) {
        return TlsFailures.handshakeKind(failure, MORE_HANG_UP_PHRASES);
    }
}
