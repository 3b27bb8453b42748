package dev.apns.cli;

import dev.apns.mock.credentials.IssuedCertificate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes the test credentials {@code apns mock} makes, each failure a one-line {@link CliException} naming the
 * flag and the file. Private keys are made readable by the owner only where the file system allows. Stateless.
 */
final class CredentialFiles {
    private CredentialFiles() {
    }

    /**
     * Writes {@code ca.pem}, {@code client-cert.pem} and {@code client-key.pem} to {@code directory} (made if
     * missing) and returns the lines that name them: {@code ca-file=}, {@code client-cert-file=},
     * {@code client-key-file=}.
     */
    static List<String> writeCertificates(Path directory, String authorityPem, IssuedCertificate client) {
        Path ca = write("--write-credentials", directory.resolve("ca.pem"), authorityPem, false);
        Path certificate = write("--write-credentials", directory.resolve("client-cert.pem"), client.chainPem(), false);
        Path key = write("--write-credentials", directory.resolve("client-key.pem"), client.privateKeyPkcs8Pem(), true);
        return List.of("ca-file=" + ca.toAbsolutePath(), "client-cert-file=" + certificate.toAbsolutePath(),
                "client-key-file=" + key.toAbsolutePath());
    }

    /** Writes {@code text} to {@code file}, making its directory; {@code secret} files get owner-only permissions. */
    static Path write(String flag, Path file, String text, boolean secret) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            if (secret && Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return file;
        } catch (IOException e) {
            throw CliException.badInput(flag + " " + file + ": cannot be written: " + e.getMessage(), e);
        }
    }
}
