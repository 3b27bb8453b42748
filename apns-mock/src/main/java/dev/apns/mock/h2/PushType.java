package dev.apns.mock.h2;

import java.util.Map;

/** The {@code apns-push-type} values Apple documents and the topic suffix each requires. */
enum PushType {
    ALERT("alert", ""),
    BACKGROUND("background", ""),
    LOCATION("location", ".location-query"),
    VOIP("voip", ".voip"),
    COMPLICATION("complication", ".complication"),
    FILEPROVIDER("fileprovider", ".pushkit.fileprovider"),
    MDM("mdm", ""),
    LIVEACTIVITY("liveactivity", ".push-type.liveactivity"),
    PUSHTOTALK("pushtotalk", ".voip-ptt"),
    WIDGETS("widgets", ".push-type.widgets"),
    CONTROLS("controls", ".push-type.controls");

    private static final Map<String, PushType> BY_NAME = java.util.Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(type -> type.wireName, type -> type));

    /** Those with a topic suffix, longest suffix first, so that the first that ends a topic is the longest. */
    private static final PushType[] BY_SUFFIX_LENGTH = java.util.Arrays.stream(values())
            .filter(type -> !type.topicSuffix.isEmpty())
            .sorted(java.util.Comparator.comparingInt((PushType type) -> type.topicSuffix.length()).reversed())
            .toArray(PushType[]::new);

    final String wireName;
    final String topicSuffix;

    PushType(String wireName, String topicSuffix) {
        this.wireName = wireName;
        this.topicSuffix = topicSuffix;
    }

    /** The push type named {@code name} on the wire, or null when Apple knows no such type. */
    static PushType byName(CharSequence name) {
        return BY_NAME.get(name.toString());
    }

    /** The push type whose (non-empty) topic suffix ends {@code topic}, the longest such; null when none does. */
    static PushType bySuffix(String topic) {
        for (PushType type : BY_SUFFIX_LENGTH) {
            if (topic.endsWith(type.topicSuffix)) {
                return type;
            }
        }
        return null;
    }

    /** The largest payload Apple accepts for this type. */
    int maxPayloadBytes() {
        return this == VOIP ? 5120 : 4096;
    }
}
