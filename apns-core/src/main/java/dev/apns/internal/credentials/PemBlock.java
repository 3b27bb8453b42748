package dev.apns.internal.credentials;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code -----BEGIN label----- ... -----END label-----} block of a PEM text: its label, its RFC 1421
 * headers (such as OpenSSL's {@code Proc-Type} and {@code DEK-Info}) and its decoded bytes.
 *
 * <p>The bytes are held, not copied, so that a reader of a key block can {@link #erase() erase} them when
 * done. Not thread-safe; made and used by one parse.
 */
final class PemBlock {
    private final String label;
    private final Map<String, String> headers;
    private final byte[] bytes;
    private final int number;

    PemBlock(String label, Map<String, String> headers, byte[] bytes, int number) {
        this.label = label;
        this.headers = Map.copyOf(headers);
        this.bytes = bytes;
        this.number = number;
    }

    /** The label between {@code BEGIN} and the dashes, such as {@code CERTIFICATE} or {@code RSA PRIVATE KEY}. */
    String label() {
        return label;
    }

    /** A header's value, looked up without regard to case. */
    Optional<String> header(String name) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return Optional.of(header.getValue());
            }
        }
        return Optional.empty();
    }

    /** Whether the block has any headers. */
    boolean hasHeaders() {
        return !headers.isEmpty();
    }

    /** The decoded content; the array itself, so that it can be erased. */
    byte[] bytes() {
        return bytes;
    }

    /** Where the block stands in its text, counting from 1, for messages. */
    int number() {
        return number;
    }

    /** Whether the label names a private key of any kind ({@code ... PRIVATE KEY}). */
    boolean isPrivateKey() {
        return label.endsWith("PRIVATE KEY");
    }

    /** Whether the block holds a certificate. */
    boolean isCertificate() {
        return label.equals("CERTIFICATE") || label.equals("X509 CERTIFICATE");
    }

    /** Zeroes the decoded content. */
    void erase() {
        Arrays.fill(bytes, (byte) 0);
    }

    /** Names the block, never its content: {@code block 2 ('RSA PRIVATE KEY')}. */
    String describe() {
        return "block " + number + " ('" + label + "')";
    }

    @Override
    public String toString() {
        return "PemBlock[" + describe() + ", " + bytes.length + " bytes]";
    }
}
