package dev.apns.cli;

import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The flags that name the provider's certificate and key, shared by {@code push}, {@code feedback} and
 * {@code cert}: {@code --cert FILE [--key FILE]} (PEM) or {@code --p12 FILE}, and the password of an encrypted
 * key or PKCS#12 file from {@code --password-env VAR}, {@code --password-file FILE} or, on a terminal, a
 * prompt. A password is never taken as a plain argument (it would show in the process list and the shell's
 * history), and never appears in a message. One instance per command run; not thread-safe.
 */
final class CredentialOptions {
    @Option(names = "--cert", paramLabel = "FILE",
            description = "The client certificate (and its chain) as PEM. It may hold the private key too.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE",
            description = "The private key as PEM (PKCS#8, PKCS#1 or SEC1; encrypted or not) when it is not in the "
                    + "--cert file. For 'push' with --key-id and --team-id: the .p8 signing key of token "
                    + "authentication.")
    Path key;

    @Option(names = "--p12", paramLabel = "FILE",
            description = "The certificate and key as PKCS#12 (a .p12 export from Keychain Access), instead of "
                    + "--cert.")
    Path p12;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "Take the password of an encrypted key or of the --p12 file from this environment variable.")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Take that password from the first line of this file. Without either, a terminal asks "
                    + "for it when it is needed.")
    Path passwordFile;

    /** Fails with a one-line report unless exactly one way of giving credentials was chosen. */
    void check() {
        if (cert == null && p12 == null) {
            throw CliException.badInput("a client certificate is needed: give --cert FILE (PEM, with --key FILE when "
                    + "the key is in another file) or --p12 FILE.");
        }
        if (cert != null && p12 != null) {
            throw CliException.badInput("--cert and --p12 cannot be combined; give the credentials one way.");
        }
        if (key != null && p12 != null) {
            throw CliException.badInput("--key goes with --cert; a --p12 file holds the key itself.");
        }
        if (passwordEnv != null && passwordFile != null) {
            throw CliException.badInput("--password-env and --password-file cannot be combined; give the password "
                    + "one way.");
        }
    }

    /** True for {@code --p12}. */
    boolean isPkcs12() {
        return p12 != null;
    }

    /** The flags and files, as reports name them: {@code --cert a.pem --key b.pem} or {@code --p12 x.p12}. */
    String describe() {
        if (p12 != null) {
            return "--p12 " + p12;
        }
        return "--cert " + cert + (key == null ? "" : " --key " + key);
    }

    /**
     * Reads the credentials.
     *
     * @throws CliException exit code 3 with a line saying what is wrong with which file
     */
    Credentials load(Io io) {
        check();
        PasswordAttempt<Credentials> attempt = attempt(io, this::read);
        if (attempt.failure() != null) {
            throw CliException.badInput(explain(attempt.failure(), attempt.passwordSource(), io),
                    attempt.failure());
        }
        return attempt.value();
    }

    /** Reads the credentials with this password ({@code null}: none given). */
    Credentials read(char[] password) {
        if (p12 != null) {
            byte[] bytes = InputFiles.bytes("--p12", p12);
            try {
                return Credentials.fromPkcs12(bytes, password);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        String certificateText = pemText("--cert", cert);
        String keyText = key == null ? certificateText : pemText("--key", key);
        return Credentials.fromPem(certificateText, keyText, password);
    }

    /** The text of a PEM file, or a report that it is not PEM. */
    static String pemText(String flag, Path file) {
        String text = InputFiles.text(flag, file);
        if (!text.contains("-----BEGIN ")) {
            throw CliException.badInput(flag + " " + file + ": is not PEM (it has no '-----BEGIN ...-----' line). "
                    + "Convert a binary .cer or .der certificate with 'openssl x509 -inform der -in FILE -out "
                    + "FILE.pem'; give a .p12 file with --p12.");
        }
        return text;
    }

    /**
     * Runs {@code read} with the password the flags give, or none; when the input turns out to need a password
     * and none was given, asks on the terminal (when there is one) and runs it again. Credential problems are
     * returned, not thrown, so that {@code cert} can report them beside what it could read.
     */
    <T> PasswordAttempt<T> attempt(Io io, Function<char[], T> read) {
        char[] password = givenPassword(io);
        String source = passwordSource();
        try {
            return new PasswordAttempt<>(read.apply(password), null, source);
        } catch (CredentialsException e) {
            if (e.problem() != Problem.PASSWORD_REQUIRED || password != null || io.terminal().isEmpty()) {
                return new PasswordAttempt<>(null, e, source);
            }
        } finally {
            wipe(password);
        }
        char[] typed = io.terminal().get().readPassword("Password for " + describe() + ": ");
        if (typed == null) {
            throw CliException.badInput(describe() + ": no password was typed (the input ended).");
        }
        try {
            return new PasswordAttempt<>(read.apply(typed), null, "the password typed");
        } catch (CredentialsException e) {
            return new PasswordAttempt<>(null, e, "the password typed");
        } finally {
            wipe(typed);
        }
    }

    /** What {@link #attempt} got: a value, or the problem and where the password came from. */
    record PasswordAttempt<T>(T value, CredentialsException failure, String passwordSource) {
    }

    /** The flag the password came from, for messages; {@code null} when none was given. */
    private String passwordSource() {
        if (passwordEnv != null) {
            return "--password-env " + passwordEnv;
        }
        return passwordFile == null ? null : "--password-file " + passwordFile;
    }

    /** The password from the environment or the file; {@code null} when neither flag was given. */
    private char[] givenPassword(Io io) {
        if (passwordEnv != null) {
            String value = io.environment().apply(passwordEnv);
            if (value == null) {
                throw CliException.badInput("--password-env " + passwordEnv + ": the environment variable "
                        + passwordEnv + " is not set.");
            }
            return value.toCharArray();
        }
        if (passwordFile != null) {
            byte[] bytes = InputFiles.bytes("--password-file", passwordFile);
            try {
                int end = 0;
                while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                    end++;
                }
                CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
                char[] password = new char[chars.remaining()];
                chars.get(password);
                Arrays.fill(chars.array(), '\0');
                return password;
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        return null;
    }

    private static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * One line (without the {@code apns: } prefix) saying what is wrong with the credentials, naming the flag
     * and file, and what to do about it.
     */
    String explain(CredentialsException e, String passwordSource, Io io) {
        String keySubject = p12 != null ? "--p12 " + p12 : key != null ? "--key " + key : "--cert " + cert;
        String protectedThing = p12 != null ? "the PKCS#12 file" : "the private key";
        return switch (e.problem()) {
            case PASSWORD_REQUIRED -> keySubject + ": " + protectedThing + " is protected by a password; give it with "
                    + "--password-env VAR or --password-file FILE"
                    + (io.terminal().isPresent() ? "." : ", or run on a terminal to be asked for it.");
            case WRONG_PASSWORD -> keySubject + ": the password from " + passwordSource + " does not open "
                    + protectedThing + ".";
            case NO_PRIVATE_KEY -> p12 != null
                    ? keySubject + ": holds no private key, only certificates; export the certificate together with "
                    + "its private key (in Keychain Access, select both)."
                    : keySubject + ": holds no private key ('-----BEGIN ... PRIVATE KEY-----' block); give the key with "
                    + "--key FILE.";
            case NO_CERTIFICATE -> (p12 != null ? keySubject : "--cert " + cert) + ": holds no certificate"
                    + (p12 != null ? " with its private key." : " ('-----BEGIN CERTIFICATE-----' block).");
            case KEY_MISMATCH -> describe() + ": the private key does not belong to the certificate. "
                    + e.getMessage();
            case EXPIRED, NOT_YET_VALID -> describe() + ": " + e.getMessage();
            case MALFORMED, UNSUPPORTED, WRONG_KEY_TYPE -> describe() + ": " + e.getMessage();
        };
    }
}
