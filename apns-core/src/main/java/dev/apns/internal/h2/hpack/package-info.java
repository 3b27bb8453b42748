/**
 * HPACK (RFC 7541), header compression for the HTTP/2 client: {@link dev.apns.internal.h2.hpack.HpackEncoder}
 * writes header blocks into a {@link dev.apns.internal.h2.hpack.ByteSink}, {@link
 * dev.apns.internal.h2.hpack.HpackDecoder} reads complete header blocks, and {@link
 * dev.apns.internal.h2.hpack.IndexingPolicy} chooses which fields enter the encoder's dynamic table.
 *
 * <p>Sans-IO and JDK-only; not exported from the module. Encoders and decoders are not thread-safe: each
 * connection owns one of each and uses it from one thread at a time.
 */
package dev.apns.internal.h2.hpack;
