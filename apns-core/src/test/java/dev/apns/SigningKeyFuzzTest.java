package dev.apns;

import static dev.apns.TestP8Keys.KEY_ID;
import static dev.apns.TestP8Keys.TEAM_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link SigningKey#fromP8}: whatever the input, the result is a key or a
 * {@link CredentialsException} (or {@link IllegalArgumentException}, documented for ids), within a bounded
 * time per input, and no error message carries key material.
 */
class SigningKeyFuzzTest {
    /** A hang detector, not a speed requirement: a parse of a few kilobytes that takes this long is stuck. */
    private static final long PER_INPUT_BOUND_NANOS = 5_000_000_000L;
    /** The whole run stops early after this, whatever the counts say. */
    private static final long RUN_BOUND_NANOS = 5_000_000_000L;

    @Test
    void randomBytesGiveOnlyTypedErrors() {
        Random random = new Random(0x5EED_0001L);
        Tally tally = fuzz(400, () -> {
            byte[] bytes = new byte[random.nextInt(600)];
            random.nextBytes(bytes);
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }, null);
        assertThat(tally.keys).isZero();
    }

    @Test
    void pemArmouredGarbageGivesOnlyTypedErrors() {
        Random random = new Random(0x5EED_0002L);
        String[] labels = {"PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "CERTIFICATE",
                "OPENSSH PRIVATE KEY", "PRIVATE KEY ", ""};
        Tally tally = fuzz(600, () -> {
            byte[] der = new byte[random.nextInt(300)];
            random.nextBytes(der);
            if (der.length > 2 && random.nextBoolean()) {
                der[0] = 0x30; // looks like a SEQUENCE, so the DER reader gets further
                der[1] = (byte) random.nextInt(0x84);
            }
            String label = labels[random.nextInt(labels.length)];
            String pem = TestP8Keys.pem(label, der);
            if (random.nextInt(4) == 0) {
                pem = "Proc-Type: 4,ENCRYPTED\n" + pem;
            }
            return pem;
        }, null);
        assertThat(tally.keys).isZero();
        assertThat(tally.errors).isPositive();
    }

    @Test
    void mutationsOfAValidP8GiveAKeyOrATypedErrorAndNeverKeyMaterial() {
        KeyPair pair = TestP8Keys.p256();
        byte[] der = pair.getPrivate().getEncoded();
        byte[] appleDer = SigningKeyTest.pkcs8WithPublicKey(pair);
        String p8 = TestP8Keys.p8(pair.getPrivate());
        List<String> secrets = secretsOf(pair, p8);
        Random random = new Random(0x5EED_0003L);
        Tally tally = fuzz(1500, () -> {
            int kind = random.nextInt(3);
            if (kind == 0) {
                return TestP8Keys.pem("PRIVATE KEY", mutate(random.nextBoolean() ? der : appleDer, random));
            }
            if (kind == 1) {
                return mutateText(p8, random);
            }
            byte[] sec1 = SigningKeyTest.sec1(((ECPrivateKey) pair.getPrivate()).getS());
            return TestP8Keys.pem("EC PRIVATE KEY", mutate(sec1, random));
        }, secrets);
        assertThat(tally.errors).as("mutations that break the key").isPositive();
        assertThat(tally.keys).as("mutations that leave a readable key (such as in the private value)").isPositive();
    }

    private static Tally fuzz(int count, Supplier<String> inputs, List<String> secrets) {
        Tally tally = new Tally();
        long runStart = System.nanoTime();
        for (int i = 0; i < count && System.nanoTime() - runStart < RUN_BOUND_NANOS; i++) {
            String input = inputs.get();
            long start = System.nanoTime();
            try {
                SigningKey key = SigningKey.fromP8(input, KEY_ID, TEAM_ID);
                assertThat(key.publicKey()).isNotNull();
                tally.keys++;
            } catch (CredentialsException | IllegalArgumentException e) {
                tally.errors++;
                assertThat(e.getMessage()).as("message of input %d", i).isNotBlank();
                if (secrets != null) {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        String message = String.valueOf(t.getMessage());
                        for (String secret : secrets) {
                            assertThat(message).as("message of input %d", i).doesNotContain(secret);
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                fail("Input " + i + " (" + describe(input) + ") threw " + e + ", not a CredentialsException", e);
            }
            long elapsed = System.nanoTime() - start;
            assertThat(elapsed).as("nanoseconds spent on input %d (%s)", i, describe(input)).isLessThan(PER_INPUT_BOUND_NANOS);
        }
        assertThat(tally.keys + tally.errors).as("inputs tried").isPositive();
        return tally;
    }

    /** Flips, replaces, drops, duplicates or truncates a few bytes. */
    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> bytes = concat(Arrays.copyOf(bytes, at), Arrays.copyOfRange(bytes, at + 1, bytes.length));
                case 3 -> bytes = concat(Arrays.copyOf(bytes, at + 1), Arrays.copyOfRange(bytes, at, bytes.length));
                default -> bytes = Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }

    /** Edits the PEM text itself: characters, lines, labels. */
    private static String mutateText(String pem, Random random) {
        StringBuilder text = new StringBuilder(pem);
        int edits = 1 + random.nextInt(3);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-\n\r :";
        for (int e = 0; e < edits && text.length() > 0; e++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(4)) {
                case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> text.deleteCharAt(at);
                case 2 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> text.setLength(at);
            }
        }
        return text.toString();
    }

    /** Pieces of the private key as they could appear in a message: base64 of the PEM body, hex and decimal of d. */
    private static List<String> secretsOf(KeyPair pair, String p8) {
        String body = SigningKeyTest.body(p8);
        List<String> secrets = new ArrayList<>();
        for (int at = 32; at + 16 <= body.length(); at += 8) {
            secrets.add(body.substring(at, at + 16));
        }
        byte[] d = SigningKeyTest.fixed32(((ECPrivateKey) pair.getPrivate()).getS());
        String hex = HexFormat.of().formatHex(d);
        secrets.add(hex.substring(0, 16));
        secrets.add(hex.substring(16, 32).toUpperCase());
        secrets.add(((ECPrivateKey) pair.getPrivate()).getS().toString().substring(0, 16));
        secrets.add(Base64.getEncoder().encodeToString(d).substring(0, 16));
        return secrets;
    }

    private static String describe(String input) {
        return input.length() + " characters";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return SigningKeyTest.concat(a, b);
    }

    private static final class Tally {
        int keys;
        int errors;
    }
}
