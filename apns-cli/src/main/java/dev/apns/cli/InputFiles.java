package dev.apns.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the files flags name, turning every failure into a one-line {@link CliException} (exit code 3) that
 * names the flag and the file. Stateless and thread-safe.
 */
final class InputFiles {
    private InputFiles() {
    }

    /** The file's bytes. */
    static byte[] bytes(String flag, Path file) {
        if (Files.isDirectory(file)) {
            throw CliException.badInput(flag + " " + file + ": is a directory, not a file.");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw CliException.badInput(flag + " " + file + ": no such file.", e);
        } catch (AccessDeniedException e) {
            throw CliException.badInput(flag + " " + file + ": cannot be read (permission denied).", e);
        } catch (IOException e) {
            throw CliException.badInput(flag + " " + file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The file's text, decoded as UTF-8 (bytes that are not UTF-8 become U+FFFD). */
    static String text(String flag, Path file) {
        return new String(bytes(flag, file), StandardCharsets.UTF_8);
    }

    /** Fails with a one-line report unless the file exists and can be read. */
    static void requireReadable(String flag, Path file) {
        if (!Files.exists(file)) {
            throw CliException.badInput(flag + " " + file + ": no such file.");
        }
        if (Files.isDirectory(file)) {
            throw CliException.badInput(flag + " " + file + ": is a directory, not a file.");
        }
        if (!Files.isReadable(file)) {
            throw CliException.badInput(flag + " " + file + ": cannot be read (permission denied).");
        }
    }
}
