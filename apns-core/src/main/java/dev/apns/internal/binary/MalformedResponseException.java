package dev.apns.internal.binary;

import java.io.IOException;

/**
 * The gateway sent bytes that are not an error response (the only thing a binary gateway may send). Nothing it
 * says afterwards can be attributed, so the connection can no longer report errors and must be dropped; what
 * was written on it is decided as for a connection that died.
 */
public final class MalformedResponseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long inputOffset;

    /**
     * @param inputOffset where the offending byte is in the connection's input, counted in bytes from 0
     * @param message what was wrong, as a sentence
     */
    public MalformedResponseException(long inputOffset, String message) {
        super(message + " (at input offset " + inputOffset + ")");
        this.inputOffset = inputOffset;
    }

    /** Where the offending byte is in the connection's input, counted in bytes from 0. */
    public long inputOffset() {
        return inputOffset;
    }
}
