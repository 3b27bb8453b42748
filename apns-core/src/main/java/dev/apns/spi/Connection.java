package dev.apns.spi;

import dev.apns.Endpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One TLS connection seen as a duplex byte pipe. Core writes encoded notifications into it and reads
 * the peer's bytes through the {@link Listener} it registered at connect; a backend never interprets
 * the bytes.
 *
 * <p>Thread-safety: {@link #write} may be called from several threads; each call's bytes are written
 * contiguously. {@link #close()} may be called from any thread, at any time, any number of times.
 */
public interface Connection extends AutoCloseable {

    /**
     * Writes all remaining bytes of {@code bytes}, in order after those of earlier calls, and returns once
     * they are handed to the network or queued behind bytes the backend is writing already (the buffer's
     * position is then at its limit and the caller may reuse it). What a backend queues without handing it
     * to the network must stay small, a few hundred KiB at most (comparable to a socket's send buffer),
     * because core starts timing the server's answer when this returns; a queued write that fails is
     * reported by a later call, and the connection ends. Blocks while the peer does not read
     * (backpressure), at most for the write timeout of the {@link ConnectRequest}.
     *
     * <p>Must not be called from a {@link Listener} callback.
     *
     * @throws IOException when the connection is closed or fails, or the write timed out (in which case
     *     the connection is closed with that cause)
     */
    void write(ByteBuffer bytes) throws IOException;

    /** True until the connection is closed by either side or fails. */
    boolean isOpen();

    /**
     * Completes, once, with why the connection ended, after the listener's
     * {@link Listener#onClosed(CloseReason)} has returned.
     */
    CompletionStage<CloseReason> closeFuture();

    /** Where this connection goes. */
    Endpoint endpoint();

    /** The negotiated TLS protocol, for example {@code TLSv1.3}. */
    String tlsProtocol();

    /**
     * The application protocol the server selected with ALPN, for example {@code h2}; empty when none was
     * offered ({@link ConnectRequest#applicationProtocols()} empty), when the server selected none (it does
     * not speak ALPN), or when the backend does not implement {@link Feature#ALPN} (this default).
     */
    default Optional<String> applicationProtocol() {
        return Optional.empty();
    }

    /** Closes the connection. Idempotent; returns without waiting for the peer. */
    @Override
    void close();

    /**
     * Receives what the peer sends. Calls are made in order, one at a time, never concurrently, and never
     * while the backend holds a lock that {@link Connection#write} or {@link Connection#close()} needs.
     */
    interface Listener {
        /**
         * Bytes from the peer, in order. The buffer is valid only during the call; copy what must be kept.
         */
        void onData(ByteBuffer bytes);

        /** The connection ended; called exactly once, after the last {@link #onData}. */
        void onClosed(CloseReason reason);
    }
}
