/**
 * The blocking transport backend: JSSE {@code SSLSocket}s with one reader thread per connection, no
 * dependencies beyond the JDK and core.
 */
module dev.apns.backend.blocking {
    requires dev.apns.core;
    requires org.slf4j;

    provides dev.apns.spi.Backend with dev.apns.backend.blocking.BlockingBackend;
}
