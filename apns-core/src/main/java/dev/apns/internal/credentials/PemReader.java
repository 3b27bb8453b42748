package dev.apns.internal.credentials;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a PEM text into its blocks. Text outside blocks (such as the {@code Bag Attributes} lines that
 * {@code openssl pkcs12} writes) is ignored; LF, CRLF and CR line endings and surrounding blanks are
 * accepted; headers after the {@code BEGIN} line (RFC 1421 style, as in OpenSSL's encrypted keys) are
 * kept. Stateless and thread-safe.
 */
final class PemReader {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private PemReader() {
    }

    /**
     * The blocks of {@code text}, in order; empty when it has none.
     *
     * @throws CredentialsException {@code MALFORMED}, naming {@code source}, when a block is not closed, is
     *     closed with another label, is empty or is not valid base64
     */
    static List<PemBlock> read(String text, String source) {
        List<PemBlock> blocks = new ArrayList<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].strip();
            i++;
            if (!isBoundary(line, BEGIN)) {
                continue;
            }
            String label = line.substring(BEGIN.length(), line.length() - DASHES.length()).strip();
            int number = blocks.size() + 1;
            String where = "PEM block " + number + " ('" + label + "') in " + source;
            Map<String, String> headers = new LinkedHashMap<>();
            StringBuilder base64 = new StringBuilder();
            String lastHeader = null;
            boolean inHeaders = true;
            boolean closed = false;
            while (i < lines.length) {
                String raw = lines[i];
                String content = raw.strip();
                i++;
                if (isBoundary(content, END)) {
                    String endLabel = content.substring(END.length(), content.length() - DASHES.length()).strip();
                    if (!endLabel.equals(label)) {
                        throw malformed("The " + where + " ends with '-----END " + endLabel + "-----' instead of '-----END "
                                + label + "-----'.");
                    }
                    closed = true;
                    break;
                }
                if (isBoundary(content, BEGIN)) {
                    throw malformed("The " + where + " is not closed: another '-----BEGIN' line comes before its '-----END "
                            + label + "-----' line.");
                }
                if (inHeaders && lastHeader != null && !raw.isEmpty() && Character.isWhitespace(raw.charAt(0))
                        && !content.isEmpty()) {
                    headers.merge(lastHeader, content, (before, more) -> before + more);
                    continue;
                }
                int colon = content.indexOf(':');
                if (inHeaders && colon > 0) {
                    lastHeader = content.substring(0, colon).strip();
                    headers.put(lastHeader, content.substring(colon + 1).strip());
                    continue;
                }
                if (content.isEmpty()) {
                    continue;
                }
                inHeaders = false;
                for (int c = 0; c < content.length(); c++) {
                    char ch = content.charAt(c);
                    if (!Character.isWhitespace(ch)) {
                        base64.append(ch);
                    }
                }
            }
            if (!closed) {
                throw malformed("The " + where + " is not closed: the '-----END " + label + "-----' line is missing.");
            }
            if (base64.length() == 0) {
                throw malformed("The " + where + " is empty.");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(base64.toString());
            } catch (IllegalArgumentException e) {
                throw new CredentialsException(Problem.MALFORMED, "The " + where + " is not valid base64.", e);
            } finally {
                base64.setLength(0);
            }
            blocks.add(new PemBlock(label, headers, bytes, number));
        }
        return List.copyOf(blocks);
    }

    private static boolean isBoundary(String line, String prefix) {
        return line.startsWith(prefix) && line.endsWith(DASHES) && line.length() >= prefix.length() + DASHES.length() + 1;
    }

    private static CredentialsException malformed(String message) {
        return new CredentialsException(Problem.MALFORMED, message);
    }
}
