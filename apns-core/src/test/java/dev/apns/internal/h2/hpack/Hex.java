package dev.apns.internal.h2.hpack;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Hex dumps as the RFC prints them ("8286 8441 ..."), white space ignored. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String dump) {
        return HexFormat.of().parseHex(dump.replaceAll("\\s+", ""));
    }

    static ByteBuffer buffer(String dump) {
        return ByteBuffer.wrap(bytes(dump));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
