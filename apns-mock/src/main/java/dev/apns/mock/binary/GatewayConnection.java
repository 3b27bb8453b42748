package dev.apns.mock.binary;

import dev.apns.Status;
import dev.apns.protocol.binary.ErrorResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A gateway connection: reads notifications through a large buffer, parses them with {@link FrameParser},
 * lets the server decide on each, and after a rejection or shutdown answers with an error response and
 * closes gracefully (output shut down, then whatever the client still writes drained and counted as
 * discarded for a bounded time, so that a TCP reset cannot destroy the response).
 */
final class GatewayConnection extends ServerConnection {
    private static final Logger log = LoggerFactory.getLogger(GatewayConnection.class);
    static final int INITIAL_BUFFER = 64 * 1024;
    /** Large enough for the biggest command 0, 1 or 2 notification that is not rejected as oversized. */
    static final int MAX_BUFFER = 256 * 1024;
    static final long DRAIN_LIMIT_NANOS = 1_000_000_000L;

    /** What the server decided about one notification. */
    enum Decision {
        /** Recorded; go on reading. */
        ACCEPT,
        /** Answer with {@link #responseStatus} naming {@link #responseIdentifier} (command 0: just close). */
        REJECT,
        /** Accepted, and the scripted shutdown is due: status 10 naming it, then close. */
        ACCEPT_THEN_SHUTDOWN,
        /** Accepted, and the scripted silent close is due. */
        ACCEPT_THEN_CLOSE,
        /** The server closed the connection ({@code disconnectAll} or {@code close}): stop without a word. */
        DROP
    }

    private final FrameParser parser = new FrameParser();
    /** Reused to hand a token's bytes to {@code DeviceToken.fromBytes}, which copies them. */
    final byte[] tokenScratch = new byte[FrameParser.TOKEN_LENGTH];
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int start;
    private int end;

    // Set by the server under its lock, read by this connection's thread.
    Status responseStatus;
    long responseIdentifier;
    boolean abortAfterProcessing;
    long throttleGeneration = -1;
    long throttleStartNanos;
    long throttleBytes;

    GatewayConnection(MockApnsServer server, Socket raw, String name) {
        super(server, raw, name);
    }

    @Override
    boolean isGateway() {
        return true;
    }

    @Override
    void serve() throws IOException {
        InputStream in = tls.getInputStream();
        while (true) {
            if (end == buffer.length) {
                grow();
            }
            int allowed = server.readPermission(this, buffer.length - end);
            if (allowed < 0) {
                return;
            }
            int read = in.read(buffer, end, allowed);
            if (read < 0) {
                log.debug("{}: the client closed the connection", name);
                closeTls();
                return;
            }
            throttleBytes += read;
            end += server.claimBytes(this, read);
            if (!processBuffer()) {
                return;
            }
            if (abortAfterProcessing) {
                log.debug("{}: closing abruptly after the scripted number of bytes", name);
                countDiscarded(new FrameCounter());
                abort();
                return;
            }
            compact();
        }
    }

    /**
     * Parses and handles every whole notification in the buffer; false when the connection is finished.
     * The server's decisions for the whole buffer are taken under one hold of its lock, not one per
     * notification: connections do not contend per notification, and the global order stays exact.
     */
    private boolean processBuffer() throws IOException {
        Decision decision;
        long rest = 0; // bytes of an oversized frame that have not arrived yet
        server.holdLock();
        try {
            while (true) {
                int size = parser.parse(buffer, start, end);
                if (size == FrameParser.NEED_MORE) {
                    return true;
                }
                if (size == FrameParser.UNKNOWN_COMMAND) {
                    decision = null;
                    break;
                }
                if (size == FrameParser.OVERSIZED) {
                    rest = 5 + parser.declaredFrameLength - (end - start);
                    start = end;
                } else {
                    start += size;
                }
                decision = server.decide(this, parser, buffer);
                if (decision != Decision.ACCEPT) {
                    break;
                }
            }
        } finally {
            server.releaseLock();
        }
        if (decision == null) {
            log.debug("{}: unknown command byte {}", name, buffer[start] & 0xFF);
            finish(new FrameCounter(), new ErrorResponse(Status.of(FrameParser.STATUS_PROTOCOL_ERROR), 0));
            return false;
        }
        FrameCounter counter = new FrameCounter();
        counter.skipPartialFrame(rest);
        switch (decision) {
            case DROP -> {
                // closed by the server; nothing more to do
            }
            case REJECT -> finish(counter, parser.command == 0 ? null : new ErrorResponse(responseStatus, responseIdentifier));
            case ACCEPT_THEN_SHUTDOWN -> finish(counter, new ErrorResponse(responseStatus, responseIdentifier));
            case ACCEPT_THEN_CLOSE -> {
                log.debug("{}: closing silently after the scripted number of notifications", name);
                countDiscarded(counter);
                closeTls();
            }
            default -> throw new IllegalStateException("Unexpected decision " + decision);
        }
        return false;
    }

    /**
     * Counts what is left in the buffer as discarded, sends the response (none for command 0), shuts the
     * output down and drains.
     */
    private void finish(FrameCounter counter, ErrorResponse response) throws IOException {
        countDiscarded(counter);
        if (response != null) {
            if (!server.awaitErrorResponseDelay(this)) {
                return;
            }
            server.errorResponseSent(this, response);
            log.debug("{}: sending {}", name, response);
            OutputStream out = tls.getOutputStream();
            out.write(response.toBytes());
            out.flush();
        } else {
            log.debug("{}: closing without an error response (command 0)", name);
        }
        tls.shutdownOutput();
        drain(counter);
    }

    private void countDiscarded(FrameCounter counter) {
        long before = counter.count();
        counter.feed(buffer, start, end - start);
        start = end;
        server.discarded(this, counter.count() - before);
    }

    /** Reads and throws away what the client still sends, counting whole notifications, for a bounded time. */
    private void drain(FrameCounter counter) {
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        try {
            InputStream in = tls.getInputStream();
            while (true) {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000L;
                if (remainingMillis <= 0) {
                    log.debug("{}: the client kept the connection open; closing after the drain limit", name);
                    return;
                }
                tls.setSoTimeout((int) remainingMillis);
                int read = in.read(buffer, 0, buffer.length);
                if (read < 0) {
                    return;
                }
                long before = counter.count();
                counter.feed(buffer, 0, read);
                server.discarded(this, counter.count() - before);
            }
        } catch (SocketTimeoutException e) {
            log.debug("{}: drain timed out; closing", name);
        } catch (IOException e) {
            log.debug("{}: drain ended: {}", name, e.toString());
        }
    }

    private void closeTls() {
        try {
            tls.close();
        } catch (IOException e) {
            log.debug("{}: TLS close failed: {}", name, e.toString());
        }
    }

    private void grow() {
        if (buffer.length >= MAX_BUFFER) {
            // FrameParser bounds every frame it waits for well below MAX_BUFFER, so this cannot happen.
            throw new IllegalStateException("A notification does not fit the " + MAX_BUFFER + "-byte read buffer.");
        }
        byte[] larger = new byte[Math.min(MAX_BUFFER, buffer.length * 2)];
        System.arraycopy(buffer, start, larger, 0, end - start);
        end -= start;
        start = 0;
        buffer = larger;
    }

    private void compact() {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
    }
}
