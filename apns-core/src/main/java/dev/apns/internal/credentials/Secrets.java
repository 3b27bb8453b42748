package dev.apns.internal.credentials;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Small helpers for handling passwords and key bytes so they can be erased. Stateless and thread-safe. */
final class Secrets {
    private Secrets() {
    }

    /** Whether no usable password was given. */
    static boolean isMissing(char[] password) {
        return password == null || password.length == 0;
    }

    /** The password as UTF-8 bytes (what OpenSSL uses), in an array the caller must erase. */
    static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    /** Zeroes each array that is not null. */
    static void erase(byte[]... arrays) {
        for (byte[] array : arrays) {
            if (array != null) {
                Arrays.fill(array, (byte) 0);
            }
        }
    }
}
