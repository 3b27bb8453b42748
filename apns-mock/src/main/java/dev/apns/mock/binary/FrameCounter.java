package dev.apns.mock.binary;

/**
 * Counts the whole notifications in a stream of bytes that is being thrown away (after an error response
 * or a close), by following only the length fields of commands 0, 1 and 2. Bytes can arrive in chunks of
 * any size. At an unknown command byte it stops counting, since nothing after it can be delimited. One
 * instance per connection; not thread-safe.
 */
final class FrameCounter {
    private enum State {
        COMMAND, SKIP_ENHANCED_HEADER, TOKEN_LENGTH, SKIP_TOKEN, PAYLOAD_LENGTH, SKIP_PAYLOAD, FRAME_LENGTH,
        SKIP_FRAME, STOPPED
    }

    private State state = State.COMMAND;
    /** Bytes still to skip, or still to collect into {@link #value}. */
    private long remaining;
    private long value;
    private long count;
    /** False while skipping the rest of a frame that was already handled, so it is not counted. */
    private boolean countSkippedFrame = true;

    /** The number of whole notifications seen so far. */
    long count() {
        return count;
    }

    /** Starts in the middle of a frame of which {@code bytes} remain; the frame itself is not counted. */
    void skipPartialFrame(long bytes) {
        if (bytes > 0) {
            state = State.SKIP_FRAME;
            remaining = bytes;
            countSkippedFrame = false;
        }
    }

    /** Feeds {@code length} bytes from {@code offset}. */
    void feed(byte[] buffer, int offset, int length) {
        int at = offset;
        int end = offset + length;
        while (at < end && state != State.STOPPED) {
            switch (state) {
                case COMMAND -> {
                    int command = buffer[at++] & 0xFF;
                    switch (command) {
                        case 0 -> collect(State.TOKEN_LENGTH, 2);
                        case 1 -> skip(State.SKIP_ENHANCED_HEADER, 8);
                        case 2 -> collect(State.FRAME_LENGTH, 4);
                        default -> state = State.STOPPED;
                    }
                }
                case TOKEN_LENGTH, PAYLOAD_LENGTH, FRAME_LENGTH -> {
                    value = (value << 8) | (buffer[at++] & 0xFF);
                    if (--remaining == 0) {
                        fieldCollected();
                    }
                }
                case SKIP_ENHANCED_HEADER, SKIP_TOKEN, SKIP_PAYLOAD, SKIP_FRAME -> {
                    int step = (int) Math.min(remaining, end - at);
                    at += step;
                    remaining -= step;
                    if (remaining == 0) {
                        skipped();
                    }
                }
                default -> throw new IllegalStateException("Unexpected state " + state);
            }
        }
    }

    private void fieldCollected() {
        long length = value;
        switch (state) {
            case TOKEN_LENGTH -> skipOrContinue(State.SKIP_TOKEN, length);
            case PAYLOAD_LENGTH -> skipOrContinue(State.SKIP_PAYLOAD, length);
            case FRAME_LENGTH -> skipOrContinue(State.SKIP_FRAME, length);
            default -> throw new IllegalStateException("Unexpected state " + state);
        }
    }

    private void skipOrContinue(State skipState, long length) {
        if (length == 0) {
            state = skipState;
            skipped();
        } else {
            skip(skipState, length);
        }
    }

    private void skipped() {
        switch (state) {
            case SKIP_ENHANCED_HEADER -> collect(State.TOKEN_LENGTH, 2);
            case SKIP_TOKEN -> collect(State.PAYLOAD_LENGTH, 2);
            case SKIP_PAYLOAD -> frameDone(true);
            case SKIP_FRAME -> frameDone(countSkippedFrame);
            default -> throw new IllegalStateException("Unexpected state " + state);
        }
    }

    private void frameDone(boolean counted) {
        if (counted) {
            count++;
        }
        countSkippedFrame = true;
        state = State.COMMAND;
    }

    private void collect(State next, int bytes) {
        state = next;
        remaining = bytes;
        value = 0;
    }

    private void skip(State next, long bytes) {
        state = next;
        remaining = bytes;
    }
}
