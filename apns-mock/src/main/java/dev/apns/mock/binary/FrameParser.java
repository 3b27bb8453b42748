package dev.apns.mock.binary;

/**
 * The mock server's own parser of notification commands 0, 1 and 2, written independently of the SDK's
 * encoder so that it checks the client's bytes rather than agreeing with them. It parses one frame in
 * place from a byte array without allocating and leaves the result in its fields, validated the way the
 * real gateway does. One instance per connection; not thread-safe.
 */
final class FrameParser {
    /** {@link #parse} result: the frame is not complete yet. */
    static final int NEED_MORE = -1;
    /** {@link #parse} result: the command byte is not 0, 1 or 2. */
    static final int UNKNOWN_COMMAND = -2;
    /** {@link #parse} result: a frame (command 2) declares more bytes than any valid frame can hold. */
    static final int OVERSIZED = -3;

    /** The token length the gateway accepts. */
    static final int TOKEN_LENGTH = 32;
    /** The largest payload the gateway accepts on the binary protocol. */
    static final int MAX_PAYLOAD = 2048;
    /**
     * The largest item area a command 2 frame can have without repeating an item: token and payload of up
     * to 65,535 bytes each, identifier, expiry and priority.
     */
    static final long MAX_FRAME_LENGTH = (3 + 0xFFFF) * 2L + (3 + 4) * 2L + (3 + 1);

    static final int STATUS_OK = 0;
    static final int STATUS_MISSING_TOKEN = 2;
    static final int STATUS_MISSING_PAYLOAD = 4;
    static final int STATUS_INVALID_TOKEN_SIZE = 5;
    static final int STATUS_INVALID_PAYLOAD_SIZE = 7;
    static final int STATUS_PROTOCOL_ERROR = 128;

    // Result of the last successful parse.
    int command;
    /** 0 when the notification is valid, else the status the gateway answers with. */
    int status;
    /** Unsigned; 0 when the frame has none or it could not be read. */
    long identifier;
    boolean hasExpiry;
    long expiry;
    boolean hasPriority;
    int priority;
    int tokenOffset;
    int tokenLength;
    int payloadOffset;
    int payloadLength;
    /** For {@link #OVERSIZED}: the frame length the header declared. */
    long declaredFrameLength;

    /**
     * Parses the frame starting at {@code position}, reading no further than {@code limit}.
     *
     * @return the frame's total size in bytes (fields are then set), or {@link #NEED_MORE},
     *         {@link #UNKNOWN_COMMAND} or {@link #OVERSIZED}
     */
    int parse(byte[] buffer, int position, int limit) {
        int available = limit - position;
        if (available < 1) {
            return NEED_MORE;
        }
        int commandByte = buffer[position] & 0xFF;
        return switch (commandByte) {
            case 0 -> parseSimpleOrEnhanced(buffer, position, available, false);
            case 1 -> parseSimpleOrEnhanced(buffer, position, available, true);
            case 2 -> parseFrame(buffer, position, available);
            default -> UNKNOWN_COMMAND;
        };
    }

    private int parseSimpleOrEnhanced(byte[] buffer, int position, int available, boolean enhanced) {
        int header = enhanced ? 9 : 1;
        if (available < header + 2) {
            return NEED_MORE;
        }
        int tokenLen = u16(buffer, position + header);
        int payloadLengthAt = header + 2 + tokenLen;
        if (available < payloadLengthAt + 2) {
            return NEED_MORE;
        }
        int payloadLen = u16(buffer, position + payloadLengthAt);
        int total = payloadLengthAt + 2 + payloadLen;
        if (available < total) {
            return NEED_MORE;
        }
        clear();
        command = enhanced ? 1 : 0;
        if (enhanced) {
            identifier = u32(buffer, position + 1);
            hasExpiry = true;
            expiry = u32(buffer, position + 5);
        }
        tokenOffset = position + header + 2;
        tokenLength = tokenLen;
        payloadOffset = position + payloadLengthAt + 2;
        payloadLength = payloadLen;
        status = validateContent(true, true);
        return total;
    }

    private int parseFrame(byte[] buffer, int position, int available) {
        if (available < 5) {
            return NEED_MORE;
        }
        long frameLength = u32(buffer, position + 1);
        if (frameLength > MAX_FRAME_LENGTH) {
            clear();
            command = 2;
            declaredFrameLength = frameLength;
            status = STATUS_PROTOCOL_ERROR;
            return OVERSIZED;
        }
        int total = 5 + (int) frameLength;
        if (available < total) {
            return NEED_MORE;
        }
        clear();
        command = 2;
        boolean protocolError = false;
        boolean hasToken = false;
        boolean hasPayload = false;
        boolean hasIdentifier = false;
        int end = position + total;
        int at = position + 5;
        while (at < end) {
            if (end - at < 3) {
                protocolError = true; // a partial item header: the frame length does not match its items
                break;
            }
            int itemId = buffer[at] & 0xFF;
            int itemLength = u16(buffer, at + 1);
            at += 3;
            if (itemLength > end - at) {
                protocolError = true; // the item runs past the frame
                break;
            }
            switch (itemId) {
                case 1 -> {
                    protocolError |= hasToken;
                    hasToken = true;
                    tokenOffset = at;
                    tokenLength = itemLength;
                }
                case 2 -> {
                    protocolError |= hasPayload;
                    hasPayload = true;
                    payloadOffset = at;
                    payloadLength = itemLength;
                }
                case 3 -> {
                    if (itemLength != 4 || hasIdentifier) {
                        protocolError = true;
                    } else {
                        hasIdentifier = true;
                        identifier = u32(buffer, at);
                    }
                }
                case 4 -> {
                    if (itemLength != 4 || hasExpiry) {
                        protocolError = true;
                    } else {
                        hasExpiry = true;
                        expiry = u32(buffer, at);
                    }
                }
                case 5 -> {
                    if (itemLength != 1 || hasPriority) {
                        protocolError = true;
                    } else {
                        hasPriority = true;
                        priority = buffer[at] & 0xFF;
                    }
                }
                default -> protocolError = true;
            }
            at += itemLength;
        }
        status = protocolError ? STATUS_PROTOCOL_ERROR : validateContent(hasToken, hasPayload);
        return total;
    }

    private int validateContent(boolean hasToken, boolean hasPayload) {
        if (!hasToken || tokenLength == 0) {
            return STATUS_MISSING_TOKEN;
        }
        if (tokenLength != TOKEN_LENGTH) {
            return STATUS_INVALID_TOKEN_SIZE;
        }
        if (!hasPayload || payloadLength == 0) {
            return STATUS_MISSING_PAYLOAD;
        }
        if (payloadLength > MAX_PAYLOAD) {
            return STATUS_INVALID_PAYLOAD_SIZE;
        }
        return STATUS_OK;
    }

    private void clear() {
        command = 0;
        status = STATUS_OK;
        identifier = 0;
        hasExpiry = false;
        expiry = 0;
        hasPriority = false;
        priority = 0;
        tokenOffset = 0;
        tokenLength = 0;
        payloadOffset = 0;
        payloadLength = 0;
        declaredFrameLength = 0;
    }

    static int u16(byte[] buffer, int at) {
        return ((buffer[at] & 0xFF) << 8) | (buffer[at + 1] & 0xFF);
    }

    static long u32(byte[] buffer, int at) {
        return ((long) (buffer[at] & 0xFF) << 24) | ((buffer[at + 1] & 0xFF) << 16)
                | ((buffer[at + 2] & 0xFF) << 8) | (buffer[at + 3] & 0xFF);
    }
}
