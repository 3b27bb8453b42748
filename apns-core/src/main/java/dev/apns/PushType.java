package dev.apns;

import java.util.Objects;

/**
 * The {@code apns-push-type} of an HTTP/2 notification: what kind of notification it is, which topic suffix
 * Apple requires for it and how large its payload may be. The types Apple documents are constants; a type
 * Apple adds later is made with {@link #of(String)} and kept as its raw name. Immutable; equal by name.
 * The binary protocol has no push type and ignores it.
 */
public final class PushType {
    /** The largest payload of most push types, in bytes. */
    public static final int MAX_PAYLOAD_BYTES = 4096;
    /** The largest payload of a VoIP notification, in bytes. */
    public static final int MAX_VOIP_PAYLOAD_BYTES = 5120;

    /** A notification that shows an alert, plays a sound or badges the icon; topic: the bundle id. */
    public static final PushType ALERT = new PushType("alert", "");
    /** Content delivered in the background; topic: the bundle id; priority must be 5. */
    public static final PushType BACKGROUND = new PushType("background", "");
    /** A location query (token authentication only); topic: {@code <bundle>.location-query}. */
    public static final PushType LOCATION = new PushType("location", ".location-query");
    /** A VoIP call; topic: {@code <bundle>.voip}; payload up to 5120 bytes. */
    public static final PushType VOIP = new PushType("voip", ".voip");
    /** A watchOS complication update; topic: {@code <bundle>.complication}. */
    public static final PushType COMPLICATION = new PushType("complication", ".complication");
    /** A File Provider change; topic: {@code <bundle>.pushkit.fileprovider}. */
    public static final PushType FILEPROVIDER = new PushType("fileprovider", ".pushkit.fileprovider");
    /** A device-management wake-up; topic: the MDM certificate's topic (no suffix is added). */
    public static final PushType MDM = new PushType("mdm", "");
    /** A Live Activity update; topic: {@code <bundle>.push-type.liveactivity}. */
    public static final PushType LIVEACTIVITY = new PushType("liveactivity", ".push-type.liveactivity");
    /** A Push to Talk notification; topic: {@code <bundle>.voip-ptt}. */
    public static final PushType PUSHTOTALK = new PushType("pushtotalk", ".voip-ptt");
    /** A widget reload; topic: {@code <bundle>.push-type.widgets}. */
    public static final PushType WIDGETS = new PushType("widgets", ".push-type.widgets");
    /** A controls reload; topic: {@code <bundle>.push-type.controls}. */
    public static final PushType CONTROLS = new PushType("controls", ".push-type.controls");

    private static final PushType[] KNOWN = {ALERT, BACKGROUND, LOCATION, VOIP, COMPLICATION, FILEPROVIDER, MDM,
            LIVEACTIVITY, PUSHTOTALK, WIDGETS, CONTROLS};

    private final String name;
    private final String topicSuffix;

    private PushType(String name, String topicSuffix) {
        this.name = name;
        this.topicSuffix = topicSuffix;
    }

    /**
     * The push type with this header value: a documented constant, or an unknown type kept raw (no topic
     * suffix, the default payload limit).
     *
     * @throws IllegalArgumentException when the name is empty or not a lower-case token of letters, digits,
     *     dots and dashes
     */
    public static PushType of(String name) {
        Objects.requireNonNull(name, "name");
        for (PushType known : KNOWN) {
            if (known.name.equals(name)) {
                return known;
            }
        }
        if (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
            throw new IllegalArgumentException("Push type '" + name + "' is not a lower-case name of letters, digits, "
                    + "dots and dashes (at most 64 characters).");
        }
        return new PushType(name, "");
    }

    /** The value of the {@code apns-push-type} header. */
    public String name() {
        return name;
    }

    /** Whether Apple documents this type (false for types made from an unknown name). */
    public boolean isKnown() {
        for (PushType known : KNOWN) {
            if (known == this) {
                return true;
            }
        }
        return false;
    }

    /** What Apple requires after the bundle id in the topic of this type, for example {@code .voip}; may be empty. */
    public String topicSuffix() {
        return topicSuffix;
    }

    /**
     * The topic for an app's bundle id: the bundle id with this type's suffix, unless it already ends with it.
     */
    public String topicFor(String bundleId) {
        Objects.requireNonNull(bundleId, "bundleId");
        return topicSuffix.isEmpty() || bundleId.endsWith(topicSuffix) ? bundleId : bundleId + topicSuffix;
    }

    /** The largest payload Apple accepts for this type, in bytes. */
    public int maxPayloadBytes() {
        return this == VOIP ? MAX_VOIP_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PushType that && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
