package dev.apns.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.apns.InvalidPayloadException;
import dev.apns.Message;
import dev.apns.Payload;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags that make a notification's payload, expiry and priority, shared by {@code push} and
 * {@code build}: the {@code aps} keys one by one ({@code --alert}, {@code --badge}, ...) with custom keys
 * ({@code --custom key=value}), or the whole JSON from {@code --payload-file}. One instance per command run;
 * not thread-safe.
 */
final class PayloadOptions {
    /** Reads {@code --custom} values: decimals are read exactly, and nothing may follow the value. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @Option(names = "--alert", paramLabel = "TEXT", description = "aps.alert: the text shown.")
    String alert;

    @Option(names = "--badge", paramLabel = "N", description = "aps.badge: the number on the app icon (0 clears it).")
    Integer badge;

    @Option(names = "--sound", paramLabel = "NAME", description = "aps.sound, such as default.")
    String sound;

    @Option(names = "--content-available", description = "aps.content-available = 1: wake the app in the background.")
    boolean contentAvailable;

    @Option(names = "--category", paramLabel = "NAME", description = "aps.category: the notification's actions.")
    String category;

    @Option(names = "--thread-id", paramLabel = "ID", description = "aps.thread-id: groups notifications.")
    String threadId;

    @Option(names = "--custom", paramLabel = "KEY=VALUE",
            description = "A custom key beside aps (repeatable). The value is taken as JSON when it parses as JSON "
                    + "(42, true, {\"a\":1}, \"text\"), else as a string.")
    List<String> custom = new ArrayList<>();

    @Option(names = "--payload-file", paramLabel = "FILE",
            description = "The whole payload as a JSON file, sent byte for byte; instead of the flags above.")
    Path payloadFile;

    @Option(names = {"--expiration", "--expiry"}, paramLabel = "TIME", converter = Converters.ExpiryConverter.class,
            description = "When APNs may stop trying (apns-expiration): an ISO-8601 instant (2026-01-02T03:04:05Z) or "
                    + "seconds since the epoch; 0 means deliver once, do not store.")
    Instant expiry;

    @Option(names = "--priority", paramLabel = "N", converter = Converters.ByteConverter.class,
            description = "The priority (apns-priority): 10 (send now), 5 (when power allows) or 1 (lowest); the "
                    + "binary protocol takes any byte, 0 to 255.")
    Integer priority;

    /**
     * The payload the flags describe.
     *
     * @throws CliException exit code 3 when there is none, when {@code --payload-file} is combined with the
     *     key flags, or when a file or value cannot be used
     */
    Payload payload() {
        boolean anyKey = alert != null || badge != null || sound != null || contentAvailable || category != null
                || threadId != null || !custom.isEmpty();
        if (payloadFile != null) {
            if (anyKey) {
                throw CliException.badInput("--payload-file cannot be combined with --alert, --badge, --sound, "
                        + "--content-available, --category, --thread-id or --custom; put every key in the file.");
            }
            String text = InputFiles.text("--payload-file", payloadFile);
            try {
                return Payload.ofJson(text);
            } catch (InvalidPayloadException e) {
                throw CliException.badInput("--payload-file " + payloadFile + ": " + e.getMessage(), e);
            }
        }
        if (!anyKey) {
            throw CliException.badInput("a payload is needed: give --alert TEXT (and --badge, --sound, --custom ...), "
                    + "--content-available, or --payload-file FILE.");
        }
        Payload.Builder builder = Payload.builder().alert(alert);
        if (badge != null) {
            builder.badge(badge);
        }
        builder.sound(sound).contentAvailable(contentAvailable).category(category).threadId(threadId);
        for (String entry : custom) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw CliException.badInput("--custom " + entry + ": is not of the form KEY=VALUE, such as "
                        + "--custom order=42 or --custom 'info={\"id\":7}'.");
            }
            String name = entry.substring(0, equals);
            if ("aps".equals(name)) {
                throw CliException.badInput("--custom " + entry + ": the key 'aps' is set with --alert, --badge, "
                        + "--sound, --content-available, --category and --thread-id; use --payload-file for other aps "
                        + "keys.");
            }
            builder.customField(name, value(entry.substring(equals + 1)));
        }
        try {
            return builder.build();
        } catch (InvalidPayloadException e) {
            throw CliException.badInput("The payload cannot be written: " + e.getMessage(), e);
        }
    }

    /** Sets the expiry and priority, when given, on a message builder. */
    Message.Builder applyTo(Message.Builder message) {
        if (expiry != null) {
            message.expiry(expiry);
        }
        if (priority != null) {
            message.priority(priority);
        }
        return message;
    }

    /** A {@code --custom} value: its JSON meaning when it is JSON, else the text itself. */
    static Object value(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? text : node;
        } catch (JsonProcessingException e) {
            return text;
        }
    }
}
