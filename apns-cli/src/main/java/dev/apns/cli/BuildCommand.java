package dev.apns.cli;

import dev.apns.DeviceToken;
import dev.apns.Payload;
import dev.apns.protocol.binary.NotificationEncoder;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * {@code apns build}: encodes one notification in one of the binary protocol's three formats with
 * {@link NotificationEncoder}, without connecting, and prints it as hex, raw bytes, or an annotated
 * breakdown. The protocol as a tool: compare with what another client writes, or feed a raw socket.
 */
@Command(name = "build",
        mixinStandardHelpOptions = true,
        header = "Encode a notification to hex or raw bytes without connecting.",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Encode a notification as the gateway receives it, without connecting: command 2 (frame, the "
                + "default), 1 (enhanced) or 0 (simple), printed as hex, raw bytes or an annotated breakdown."},
        footerHeading = "%nExamples:%n",
        footer = {"  apns build --alert hi --identifier 7 \\",
                "      --token 00000000000000000000000000000000000000000000000000000000000000ff",
                "  apns build --format enhanced --token TOKEN --payload-file payload.json \\",
                "      --raw > notification.bin",
                "  apns build --token TOKEN --alert hi --priority 10 --expiry 0 --explain"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:The notification was written.",
                "3:Bad input: a flag, a malformed token, an unreadable payload file, a field the format lacks.",
                "4:Internal error."})
final class BuildCommand extends Subcommand {
    private static final HexFormat HEX = HexFormat.of();

    /** The three formats of the binary protocol. */
    enum Format {
        FRAME, ENHANCED, SIMPLE
    }

    @Option(names = "--format", paramLabel = "frame|enhanced|simple", defaultValue = "frame", order = 1,
            description = "Command 2 (frame, items with optional expiry and priority), 1 (enhanced: identifier and "
                    + "expiry) or 0 (simple: no identifier, never answered). Default: frame.")
    Format format = Format.FRAME;

    @Option(names = "--token", paramLabel = "HEX", required = true, converter = Converters.TokenConverter.class,
            order = 2, description = "The device token in hex.")
    DeviceToken token;

    @Option(names = "--identifier", paramLabel = "N", order = 3, converter = Converters.UnsignedIntConverter.class,
            description = "The notification identifier, 0 to 4294967295 (default: 1); not in the simple format.")
    Long identifier;

    @ArgGroup(exclusive = false, heading = "%nPayload:%n", order = 4)
    PayloadOptions payload = new PayloadOptions();

    @ArgGroup(exclusive = false, heading = "%nOutput (one of):%n", order = 5)
    Output output = new Output();

    /** How the bytes are shown. */
    static final class Output {
        @Option(names = "--hex", description = "Lower-case hex on one line (the default).")
        boolean hex;

        @Option(names = "--raw", description = "The bytes themselves, for a pipe or a file.")
        boolean raw;

        @Option(names = "--explain", description = "One line per field: its bytes in hex and what they mean.")
        boolean explain;
    }

    @Override
    public Integer call() {
        PayloadOptions payloadOptions = payload != null ? payload : new PayloadOptions();
        Output shown = output != null ? output : new Output();
        if ((shown.hex ? 1 : 0) + (shown.raw ? 1 : 0) + (shown.explain ? 1 : 0) > 1) {
            throw CliException.badInput("--hex, --raw and --explain cannot be combined; choose one.");
        }
        if (format != Format.FRAME && payloadOptions.priority != null) {
            throw CliException.badInput("--priority is carried by --format frame only; the " + lower(format)
                    + " format has no priority field.");
        }
        if (format == Format.SIMPLE && payloadOptions.expiry != null) {
            throw CliException.badInput("--expiry is not carried by --format simple; use enhanced or frame.");
        }
        if (format == Format.SIMPLE && identifier != null) {
            throw CliException.badInput("--identifier is not carried by --format simple; use enhanced or frame.");
        }
        Payload body = payloadOptions.payload();
        if (!body.fitsIn(Payload.BINARY_LIMIT)) {
            err().println("apns: warning: the payload is " + body.size() + " bytes; the gateway refuses more than "
                    + Payload.BINARY_LIMIT + " (status 7).");
        }
        byte[] payloadBytes = body.toBytes();
        byte[] tokenBytes = token.toBytes();
        long expiry = payloadOptions.expiry == null ? NotificationEncoder.NO_EXPIRY
                : payloadOptions.expiry.getEpochSecond();
        int priority = payloadOptions.priority == null ? NotificationEncoder.NO_PRIORITY : payloadOptions.priority;
        long id = identifier == null ? 1 : identifier;

        ByteBuffer buffer;
        switch (format) {
            case FRAME -> {
                buffer = ByteBuffer.allocate(NotificationEncoder.frameSize(tokenBytes.length, payloadBytes.length,
                        expiry != NotificationEncoder.NO_EXPIRY, priority != NotificationEncoder.NO_PRIORITY));
                NotificationEncoder.writeFrame(buffer, id, token, payloadBytes, expiry, priority);
            }
            case ENHANCED -> {
                buffer = ByteBuffer.allocate(NotificationEncoder.enhancedSize(tokenBytes.length, payloadBytes.length));
                NotificationEncoder.writeEnhanced(buffer, id, expiry == NotificationEncoder.NO_EXPIRY ? 0 : expiry,
                        tokenBytes, payloadBytes);
            }
            default -> {
                buffer = ByteBuffer.allocate(NotificationEncoder.simpleSize(tokenBytes.length, payloadBytes.length));
                NotificationEncoder.writeSimple(buffer, tokenBytes, payloadBytes);
            }
        }
        byte[] bytes = buffer.array();
        if (shown.raw) {
            out().write(bytes, 0, bytes.length);
        } else if (shown.explain) {
            explain(bytes, tokenBytes.length, payloadBytes);
        } else {
            out().println(HEX.formatHex(bytes));
        }
        out().flush();
        return ExitCodes.OK;
    }

    /** Walks the bytes just written, one field a line. */
    private void explain(byte[] bytes, int tokenLength, byte[] payloadBytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int command = in.get();
        line(bytes, 0, 1, "command " + command + " (" + lower(format) + ")");
        switch (format) {
            case FRAME -> {
                int frameLength = in.getInt();
                line(bytes, 1, 4, "frame length " + frameLength);
                while (in.hasRemaining()) {
                    int start = in.position();
                    int item = in.get();
                    int length = Short.toUnsignedInt(in.getShort());
                    in.position(in.position() + length);
                    line(bytes, start, 3 + length, "item " + item + ", " + length + (length == 1 ? " byte: " : " bytes: ")
                            + describeItem(item, bytes, start + 3, length));
                }
            }
            case ENHANCED -> {
                line(bytes, 1, 4, "identifier " + Integer.toUnsignedLong(in.getInt()));
                long expiry = Integer.toUnsignedLong(in.getInt());
                line(bytes, 5, 4, "expiry " + expiry + (expiry == 0 ? " (deliver once, do not store)"
                        : " (" + java.time.Instant.ofEpochSecond(expiry) + ")"));
                line(bytes, 9, 2, "token length " + tokenLength);
                line(bytes, 11, tokenLength, "device token");
                line(bytes, 11 + tokenLength, 2, "payload length " + payloadBytes.length);
                line(bytes, 13 + tokenLength, payloadBytes.length, "payload " + utf8(payloadBytes));
            }
            default -> {
                line(bytes, 1, 2, "token length " + tokenLength);
                line(bytes, 3, tokenLength, "device token");
                line(bytes, 3 + tokenLength, 2, "payload length " + payloadBytes.length);
                line(bytes, 5 + tokenLength, payloadBytes.length, "payload " + utf8(payloadBytes));
            }
        }
        out().printf(Locale.ROOT, "%d bytes in all%n", bytes.length);
    }

    private static String describeItem(int item, byte[] bytes, int offset, int length) {
        ByteBuffer data = ByteBuffer.wrap(bytes, offset, length);
        return switch (item) {
            case NotificationEncoder.ITEM_TOKEN -> "device token";
            case NotificationEncoder.ITEM_PAYLOAD -> "payload " + new String(bytes, offset, length, StandardCharsets.UTF_8);
            case NotificationEncoder.ITEM_IDENTIFIER -> "identifier " + Integer.toUnsignedLong(data.getInt());
            case NotificationEncoder.ITEM_EXPIRY -> {
                long expiry = Integer.toUnsignedLong(data.getInt());
                yield "expiry " + expiry + (expiry == 0 ? " (deliver once, do not store)"
                        : " (" + java.time.Instant.ofEpochSecond(expiry) + ")");
            }
            case NotificationEncoder.ITEM_PRIORITY -> "priority " + Byte.toUnsignedInt(data.get());
            default -> "unknown item";
        };
    }

    private void line(byte[] bytes, int offset, int length, String meaning) {
        out().println(HEX.formatHex(bytes, offset, offset + length) + "  " + meaning);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String lower(Format format) {
        return format.name().toLowerCase(Locale.ROOT);
    }
}
