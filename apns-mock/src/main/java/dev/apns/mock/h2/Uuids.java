package dev.apns.mock.h2;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Random (version 4) UUIDs in lower case, drawn without the lock of {@link UUID#randomUUID()}'s SecureRandom. */
final class Uuids {
    private Uuids() {
    }

    static String random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L;
        long low = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
