package dev.apns.cli;

import dev.apns.DeviceToken;
import dev.apns.Http2Defaults;
import dev.apns.Notification;
import dev.apns.Payload;
import dev.apns.PushType;

import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.UUID;

/**
 * The flags of {@code push} that become HTTP/2 request headers: the topic (given whole, or made from the bundle id
 * and the push type's suffix), the push type, the collapse id and the {@code apns-id}. Checked against Apple's
 * rules before anything is sent, with messages naming the flags. One instance per command run; not thread-safe.
 */
final class Http2Options {
    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "apns-topic as it goes on the wire, such as com.example.app or com.example.app.voip.")
    String topic;

    @Option(names = "--bundle-id", paramLabel = "ID",
            description = "The app's bundle id; the topic is made from it and the push type's suffix "
                    + "(voip: ID.voip, liveactivity: ID.push-type.liveactivity, ...). Instead of --topic.")
    String bundleId;

    @Option(names = "--push-type", paramLabel = "TYPE", converter = Converters.PushTypeConverter.class,
            description = "apns-push-type: alert (the default), background, location, voip, complication, "
                    + "fileprovider, mdm, liveactivity, pushtotalk, widgets, controls, or a newer one.")
    PushType pushType;

    @Option(names = "--collapse-id", paramLabel = "ID",
            description = "apns-collapse-id: notifications with the same id replace each other on the device "
                    + "(at most 64 bytes).")
    String collapseId;

    @Option(names = "--apns-id", paramLabel = "UUID", converter = Converters.UuidConverter.class,
            description = "apns-id of the notification (with exactly one --token); APNs makes one up otherwise.")
    UUID apnsId;

    /** The push type: the flag's, or alert. */
    PushType type() {
        return pushType == null ? PushType.ALERT : pushType;
    }

    /** The topic the flags give, or null. */
    String resolvedTopic() {
        if (topic != null && bundleId != null) {
            throw CliException.badInput("--topic and --bundle-id cannot be combined: --topic is the whole topic, "
                    + "--bundle-id makes it from the push type.");
        }
        String value = topic != null ? topic : bundleId == null ? null : type().topicFor(bundleId.strip());
        if (value != null && (value.isBlank() || value.chars().anyMatch(c -> c <= ' ' || c >= 0x7f))) {
            throw CliException.badInput((topic != null ? "--topic '" + topic : "--bundle-id '" + bundleId)
                    + "': a topic is a bundle id such as com.example.app, without spaces or control characters.");
        }
        return value;
    }

    /** The sender's defaults: the topic (when given) and push type of every notification. */
    Http2Defaults defaults(String resolvedTopic) {
        Http2Defaults defaults = Http2Defaults.defaults().withPushType(type());
        return resolvedTopic == null ? defaults : defaults.withTopic(resolvedTopic);
    }

    /**
     * Checks the combination before connecting: priority values and background rules, payload size for the
     * push type, the collapse id's length.
     *
     * @throws CliException exit code 3 naming the flags
     */
    void check(Payload payload, Integer priority) {
        PushType type = type();
        if (priority != null && priority != 10 && priority != 5 && priority != 1) {
            throw CliException.badInput("--priority " + priority + ": APNs accepts 10 (send now), 5 (when power allows) "
                    + "or 1 (lowest).");
        }
        if (type.equals(PushType.BACKGROUND) && (priority == null || priority != 5)) {
            throw CliException.badInput("--push-type background needs --priority 5, as APNs requires"
                    + (priority == null ? " (without it the server takes 10)." : "; it was " + priority + "."));
        }
        if (payload.size() > type.maxPayloadBytes()) {
            throw CliException.badInput("The payload is " + payload.size() + " bytes; APNs accepts at most "
                    + type.maxPayloadBytes() + " for push type " + type + ". Shorten the alert or the custom keys.");
        }
        if (collapseId != null) {
            try {
                Notification.builder(DeviceToken.fromBytes(new byte[32]), payload).collapseId(collapseId);
            } catch (IllegalArgumentException e) {
                throw CliException.badInput("--collapse-id: " + e.getMessage(), e);
            }
        }
    }

    /** Whether every notification is the same apart from its token, with nothing beyond the sender's defaults. */
    boolean plain(Instant expiry, Integer priority) {
        return expiry == null && priority == null && collapseId == null && apnsId == null;
    }

    /** The notification to one token. */
    Notification notification(DeviceToken token, Payload payload, Instant expiry, Integer priority) {
        if (plain(expiry, priority)) {
            return Notification.of(token, payload);
        }
        Notification.Builder builder = Notification.builder(token, payload);
        if (expiry != null) {
            builder.expiry(expiry);
        }
        if (priority != null) {
            builder.priority(priority);
        }
        if (collapseId != null) {
            builder.collapseId(collapseId);
        }
        if (apnsId != null) {
            builder.apnsId(apnsId);
        }
        return builder.build();
    }
}
