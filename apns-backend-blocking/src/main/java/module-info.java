/**
 * The blocking transport backend: JSSE {@code SSLSocket}s with one reader thread per connection, no
 * dependencies beyond the JDK and core. Its package is exported for {@code new BlockingBackend()} and for
 * backends that reuse its {@code SocketTransport} with another JSSE provider (see {@code TlsContextFactory}).
 */
module dev.apns.backend.blocking {
    requires transitive dev.apns.core;
    requires org.slf4j;

    exports dev.apns.backend.blocking;

    provides dev.apns.spi.Backend with dev.apns.backend.blocking.BlockingBackend;
}
