/**
 * The binary APNs provider protocol as sans-IO codecs: encoders write notifications (commands 0, 1 and
 * 2) into buffers the caller supplies, decoders consume {@link java.nio.ByteBuffer}s and report what
 * they found to a listener, malformed input included. Nothing here touches a socket or a thread.
 */
package dev.apns.protocol.binary;
