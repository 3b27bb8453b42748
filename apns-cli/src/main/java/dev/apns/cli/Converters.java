package dev.apns.cli;

import dev.apns.Confirmation;
import dev.apns.DeviceToken;
import dev.apns.Endpoint;
import dev.apns.FeedbackEntry;
import dev.apns.InvalidTokenException;
import dev.apns.Message;
import dev.apns.Status;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The picocli converters for the values {@code apns} flags take. Each failure is a
 * {@link TypeConversionException} whose message says what the text should look like; picocli prefixes it
 * with the flag's name. Stateless and thread-safe.
 */
final class Converters {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,19}");

    private Converters() {
    }

    /** {@code host:port}, IPv6 literals in brackets. */
    static final class EndpointConverter implements ITypeConverter<Endpoint> {
        @Override
        public Endpoint convert(String text) {
            try {
                return Endpoint.parse(text.strip());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " Example: gateway.sandbox.push.apple.com:2195.");
            }
        }
    }

    /** A device token in hex. */
    static final class TokenConverter implements ITypeConverter<DeviceToken> {
        @Override
        public DeviceToken convert(String text) {
            return token(text);
        }
    }

    /** {@code 200ms}, {@code 5s}, {@code 1m}, or ISO-8601 ({@code PT5S}); positive. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration duration = duration(text);
            if (duration.isZero()) {
                throw new TypeConversionException("'" + text + "' is zero; give a positive duration such as 5s.");
            }
            return duration;
        }
    }

    /** {@code quiet:200ms}, {@code sentinel:5s}, or just {@code quiet} / {@code sentinel} for their defaults. */
    static final class ConfirmationConverter implements ITypeConverter<Confirmation> {
        @Override
        public Confirmation convert(String text) {
            String trimmed = text.strip().toLowerCase(Locale.ROOT);
            int colon = trimmed.indexOf(':');
            String kind = colon < 0 ? trimmed : trimmed.substring(0, colon);
            String value = colon < 0 ? null : trimmed.substring(colon + 1);
            switch (kind) {
                case "quiet" -> {
                    return value == null ? Confirmation.defaults() : Confirmation.quietPeriod(duration(value));
                }
                case "sentinel" -> {
                    Duration timeout = value == null ? Duration.ofSeconds(5) : duration(value);
                    if (timeout.isZero()) {
                        throw new TypeConversionException("the sentinel timeout must be positive, such as sentinel:5s.");
                    }
                    return Confirmation.sentinel(timeout);
                }
                default -> throw new TypeConversionException("'" + text + "' is not a confirmation strategy; use "
                        + "quiet:DURATION (wait that long for an error after the last write, such as quiet:200ms) or "
                        + "sentinel:TIMEOUT (end each batch with a notification the server must reject, such as "
                        + "sentinel:5s).");
            }
        }
    }

    /** An ISO-8601 instant ({@code 2026-01-02T03:04:05Z}) or seconds since the epoch; 0 means "deliver once". */
    static final class ExpiryConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String text) {
            String trimmed = text.strip();
            Instant instant;
            if (DIGITS.matcher(trimmed).matches()) {
                // At most 19 digits: a long holds them unless they exceed Long.MAX_VALUE, which is out of range too.
                long seconds = trimmed.length() < 19 ? Long.parseLong(trimmed) : Long.MAX_VALUE;
                if (seconds > Message.MAX_EXPIRY_SECONDS) {
                    throw new TypeConversionException(outOfRange(text));
                }
                instant = Instant.ofEpochSecond(seconds);
            } else {
                try {
                    instant = Instant.parse(trimmed);
                } catch (DateTimeParseException e) {
                    throw new TypeConversionException("'" + text + "' is neither an ISO-8601 instant such as "
                            + "2026-01-02T03:04:05Z nor a number of seconds since 1970-01-01T00:00:00Z (0: deliver once, "
                            + "do not store).");
                }
                if (instant.getEpochSecond() < 0 || instant.getEpochSecond() > Message.MAX_EXPIRY_SECONDS) {
                    throw new TypeConversionException(outOfRange(text));
                }
            }
            return instant;
        }

        private static String outOfRange(String text) {
            return "'" + text + "' is outside what the protocol's 32-bit expiry carries: "
                    + Instant.EPOCH + " to " + Instant.ofEpochSecond(Message.MAX_EXPIRY_SECONDS) + ".";
        }
    }

    /** One unsigned byte, 0 to 255 (priorities). */
    static final class ByteConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            long value = unsigned(text, 255);
            return (int) value;
        }
    }

    /** An unsigned 32-bit value, 0 to 4294967295 (notification identifiers). */
    static final class UnsignedIntConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            return unsigned(text, 0xFFFF_FFFFL);
        }
    }

    /** A count of at least 1. */
    static final class PositiveConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            long value = unsigned(text, Long.MAX_VALUE);
            if (value < 1) {
                throw new TypeConversionException("'" + text + "' must be at least 1.");
            }
            return value;
        }
    }

    /** A TCP port, 0 (any free port) to 65535. */
    static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            return (int) unsigned(text, 65535);
        }
    }

    /** {@code HEX} or {@code HEX:STATUS} for {@code apns mock --reject-token}; status 8 when left out. */
    static final class TokenRejectionConverter implements ITypeConverter<TokenRejection> {
        @Override
        public TokenRejection convert(String text) {
            int colon = text.indexOf(':');
            DeviceToken token = token(colon < 0 ? text : text.substring(0, colon));
            Status status = colon < 0 ? Status.of(8) : status(text.substring(colon + 1));
            return new TokenRejection(token, status);
        }
    }

    /** {@code K} or {@code K:STATUS} for {@code apns mock --reject-nth}; status 8 when left out. */
    static final class NthRejectionConverter implements ITypeConverter<NthRejection> {
        @Override
        public NthRejection convert(String text) {
            int colon = text.indexOf(':');
            long k = unsigned(colon < 0 ? text : text.substring(0, colon), Long.MAX_VALUE);
            if (k < 1) {
                throw new TypeConversionException("notifications are counted from 1; '" + text + "' names 0.");
            }
            Status status = colon < 0 ? Status.of(8) : status(text.substring(colon + 1));
            return new NthRejection(k, status);
        }
    }

    /** {@code HEX@EPOCH_SECONDS} for {@code apns mock --feedback}. */
    static final class FeedbackEntryConverter implements ITypeConverter<FeedbackEntry> {
        @Override
        public FeedbackEntry convert(String text) {
            int at = text.indexOf('@');
            if (at < 0) {
                throw new TypeConversionException("'" + text + "' is not of the form TOKEN@SECONDS, such as "
                        + "a1b2...@1767323045 (the time in seconds since 1970-01-01T00:00:00Z).");
            }
            DeviceToken token = token(text.substring(0, at));
            long seconds = unsigned(text.substring(at + 1), 0xFFFF_FFFFL);
            return new FeedbackEntry(token, Instant.ofEpochSecond(seconds));
        }
    }

    /** An {@code apns-push-type}: one Apple documents ({@code alert}, {@code voip}, ...) or a newer one, kept raw. */
    static final class PushTypeConverter implements ITypeConverter<dev.apns.PushType> {
        @Override
        public dev.apns.PushType convert(String text) {
            try {
                return dev.apns.PushType.of(text.strip());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " Apple's types: alert, background, location, voip, "
                        + "complication, fileprovider, mdm, liveactivity, pushtotalk, widgets, controls.");
            }
        }
    }

    /** An {@code apns-id}: a UUID in its canonical 8-4-4-4-12 form, any case; kept in lower case. */
    static final class UuidConverter implements ITypeConverter<java.util.UUID> {
        private static final Pattern CANONICAL = Pattern.compile(
                "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

        @Override
        public java.util.UUID convert(String text) {
            String trimmed = text.strip();
            if (!CANONICAL.matcher(trimmed).matches()) {
                throw new TypeConversionException("'" + text + "' is not a UUID such as "
                        + "123e4567-e89b-12d3-a456-4266554400a0 (32 hex digits in groups of 8-4-4-4-12).");
            }
            return java.util.UUID.fromString(trimmed);
        }
    }

    /** A token the mock rejects, with the status it answers. */
    record TokenRejection(DeviceToken token, Status status) {
    }

    /** The k-th notification the mock processes, and the status it answers. */
    record NthRejection(long k, Status status) {
    }

    static DeviceToken token(String text) {
        try {
            return DeviceToken.fromHex(text);
        } catch (InvalidTokenException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static Duration duration(String text) {
        String trimmed = text.strip();
        Matcher matcher = DURATION.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        }
        Duration duration;
        try {
            duration = Duration.parse(trimmed);
        } catch (DateTimeParseException e) {
            throw notADuration(text);
        }
        if (duration.isNegative()) {
            throw notADuration(text);
        }
        return duration;
    }

    /** A duration as the flags write it: {@code 200ms}, {@code 5s}, {@code 2m}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static TypeConversionException notADuration(String text) {
        return new TypeConversionException("'" + text + "' is not a duration; write a number with ms, s or m, "
                + "such as 200ms, 5s or 1m.");
    }

    private static Status status(String text) {
        return Status.of((int) unsigned(text, 255));
    }

    private static long unsigned(String text, long max) {
        String trimmed = text.strip();
        String problem = "'" + text + "' is not a whole number from 0 to " + max + ".";
        if (!DIGITS.matcher(trimmed).matches()) {
            throw new TypeConversionException(problem);
        }
        long value;
        try {
            value = Long.parseLong(trimmed);
        } catch (NumberFormatException e) {
            throw new TypeConversionException(problem);
        }
        if (value > max) {
            throw new TypeConversionException(problem);
        }
        return value;
    }
}
