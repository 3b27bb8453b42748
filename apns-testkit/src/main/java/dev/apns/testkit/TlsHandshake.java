package dev.apns.testkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link TlsTestServer} saw of one client's TLS handshake, recorded when the handshake completed.
 *
 * @param offeredProtocols the ALPN protocols the client offered, in its order; empty when the client sent no
 *     ALPN extension (recorded only by a server given {@link TlsTestServer.Builder#applicationProtocols})
 * @param selectedProtocol the protocol the server selected; empty when it selected none
 * @param serverNames the host names the client sent with SNI (none for an IP literal)
 * @param clientSubject the subject of the client's certificate; empty when the client presented none
 * @param protocol the negotiated TLS protocol, for example {@code TLSv1.3}
 */
public record TlsHandshake(Optional<List<String>> offeredProtocols, Optional<String> selectedProtocol,
                           List<String> serverNames, Optional<String> clientSubject, String protocol) {
    /** Checks and copies the components. */
    public TlsHandshake {
        Objects.requireNonNull(offeredProtocols, "offeredProtocols");
        offeredProtocols = offeredProtocols.map(List::copyOf);
        Objects.requireNonNull(selectedProtocol, "selectedProtocol");
        serverNames = List.copyOf(serverNames);
        Objects.requireNonNull(clientSubject, "clientSubject");
        Objects.requireNonNull(protocol, "protocol");
    }
}
