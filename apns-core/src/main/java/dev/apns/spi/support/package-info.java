/**
 * Optional help for backend authors: what every {@link dev.apns.spi.Backend} must get right the same way,
 * written once. {@link dev.apns.spi.support.AbstractConnection} is the close-once state machine of a
 * connection (idempotent close, write failures and the write timeout recorded once, the listener told of the
 * end once, then {@code closeFuture} completed), {@link dev.apns.spi.support.TlsContextCache} caches TLS
 * contexts per (certificate or none, trust, ALPN offer), {@link dev.apns.spi.support.TlsSettings} holds the
 * protocol versions, hostname verification and ALPN set-up of a JSSE socket or engine,
 * {@link dev.apns.spi.support.TlsFailures} states why a handshake failed, and
 * {@link dev.apns.spi.support.Timeouts} turns timeouts into socket options and messages. The three bundled
 * backends use all of it; a backend may use any part or none.
 */
package dev.apns.spi.support;
