/**
 * HTTP/2 (RFC 9113) for the client side of one connection, without I/O: bytes in, bytes out, events to a
 * listener. {@link dev.apns.internal.h2.Http2ClientEngine} is the entry point; the frame reader and writer,
 * flow-control windows, settings and stream table are its parts. HPACK lives in
 * {@code dev.apns.internal.h2.hpack}. Nothing here starts a thread, opens a socket or reads a clock: time comes in
 * as a {@code long nowNanos} argument.
 */
package dev.apns.internal.h2;
