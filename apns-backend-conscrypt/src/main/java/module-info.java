/**
 * The Conscrypt transport backend: the blocking backend's sockets and threads with TLS from BoringSSL
 * through Conscrypt's JSSE provider, used privately (never installed in the JVM).
 *
 * <p>Conscrypt's jar has no module descriptor but names itself {@code org.conscrypt} in its manifest
 * ({@code Automatic-Module-Name}), a stable name, so it is required as an automatic module.
 */
@SuppressWarnings("requires-automatic")
module dev.apns.backend.conscrypt {
    requires dev.apns.core;
    requires dev.apns.backend.blocking;
    requires org.conscrypt;
    requires org.slf4j;

    provides dev.apns.spi.Backend with dev.apns.backend.conscrypt.ConscryptBackend;
}
