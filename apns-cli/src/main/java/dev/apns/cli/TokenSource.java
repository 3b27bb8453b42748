package dev.apns.cli;

import dev.apns.DeviceToken;
import dev.apns.InvalidTokenException;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The device tokens of a {@code push}: those of the {@code --token} flags, then those of the
 * {@code --tokens-file} (or standard input for {@code -}), one a line, blank lines and lines starting with
 * {@code #} skipped. The file is read a batch at a time, so memory stays flat however long it is. A line
 * that is not a hex token ends the reading with a one-line report naming the file and the line number.
 * Not thread-safe; close it to close the file.
 */
final class TokenSource implements Closeable {
    static final String STDIN = "-";

    /** The length of the device tokens Apple issues, in bytes. */
    static final int APPLE_TOKEN_BYTES = 32;

    private final List<DeviceToken> flagTokens;
    private final boolean anyLength;
    private final String fileName;
    private final BufferedReader reader;
    private int flagIndex;
    private long lineNumber;
    private boolean ended;

    private TokenSource(List<DeviceToken> flagTokens, boolean anyLength, String fileName, BufferedReader reader) {
        this.flagTokens = List.copyOf(flagTokens);
        this.anyLength = anyLength;
        this.fileName = fileName;
        this.reader = reader;
        this.ended = reader == null;
    }

    /**
     * Tokens from the flags and the file ({@code null}: none; {@code "-"}: {@code stdin}).
     *
     * @param anyLength false to refuse tokens that are not {@value #APPLE_TOKEN_BYTES} bytes long
     * @throws CliException exit code 3 when the file cannot be opened or a {@code --token} has the wrong length
     */
    static TokenSource open(List<DeviceToken> flagTokens, boolean anyLength, String file, InputStream stdin) {
        if (!anyLength) {
            for (DeviceToken token : flagTokens) {
                if (token.length() != APPLE_TOKEN_BYTES) {
                    throw CliException.badInput("--token " + token.toHex() + ": " + wrongLength(token));
                }
            }
        }
        if (file == null) {
            return new TokenSource(flagTokens, anyLength, null, null);
        }
        if (STDIN.equals(file)) {
            return new TokenSource(flagTokens, anyLength, file,
                    new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)));
        }
        Path path = Path.of(file);
        InputFiles.requireReadable("--tokens-file", path);
        try {
            return new TokenSource(flagTokens, anyLength, file, Files.newBufferedReader(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CliException.badInput("--tokens-file " + file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a whole tokens file once, checking every line, and counts its tokens, so that a bad line is found
     * before anything is sent and the progress bar knows the total. Memory stays flat.
     *
     * @throws CliException exit code 3 naming the first bad line
     */
    static long countFile(String file, boolean anyLength) {
        long count = 0;
        try (TokenSource source = open(List.of(), anyLength, file, InputStream.nullInputStream())) {
            List<DeviceToken> batch;
            while (!(batch = source.next(10_000)).isEmpty()) {
                count += batch.size();
            }
        }
        return count;
    }

    /**
     * Up to {@code max} more tokens, fewer when the input has no more at hand (standard input fed slowly); empty
     * when all have been read.
     *
     * @throws CliException exit code 3 for a line that is not a hex token, or a file that fails while read
     */
    List<DeviceToken> next(int max) {
        List<DeviceToken> batch = new ArrayList<>(Math.min(max, 1024));
        while (batch.size() < max && flagIndex < flagTokens.size()) {
            batch.add(flagTokens.get(flagIndex++));
        }
        while (batch.size() < max && !ended) {
            String line = readLine();
            if (line == null) {
                ended = true;
                break;
            }
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            DeviceToken token;
            try {
                token = DeviceToken.fromHex(text);
            } catch (InvalidTokenException e) {
                throw CliException.badInput(describeFile() + " line " + lineNumber + ": " + e.getMessage(), e);
            }
            if (!anyLength && token.length() != APPLE_TOKEN_BYTES) {
                throw CliException.badInput(describeFile() + " line " + lineNumber + ": " + wrongLength(token));
            }
            batch.add(token);
            if (!moreAtHand()) {
                break; // a slow producer on standard input: send what came instead of waiting for a whole batch
            }
        }
        return batch;
    }

    /** The sentence for a token of another length than Apple's. */
    private static String wrongLength(DeviceToken token) {
        return "the device token is " + token.length() + " byte" + (token.length() == 1 ? "" : "s") + " ("
                + token.length() * 2 + " hex digits); APNs device tokens are " + APPLE_TOKEN_BYTES + " bytes (64 hex "
                + "digits). Give --allow-any-token-length to send it anyway.";
    }

    /** The number of the last line read from the file (0 before the first). */
    long lineNumber() {
        return lineNumber;
    }

    /** Whether the tokens come from standard input. */
    boolean isStandardInput() {
        return STDIN.equals(fileName);
    }

    /** The file as reports name it. */
    String describeFile() {
        return "--tokens-file " + (STDIN.equals(fileName) ? "- (standard input)" : fileName);
    }

    /** Whether more input can be read without waiting. */
    private boolean moreAtHand() {
        try {
            return reader.ready();
        } catch (IOException e) {
            return true; // the next read reports it
        }
    }

    private String readLine() {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw CliException.badInput(describeFile() + ": reading failed after line " + lineNumber + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (reader == null || STDIN.equals(fileName)) {
            return;
        }
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Closing " + describeFile() + " failed.", e);
        }
    }
}
