package dev.apns.cli;

import dev.apns.ApnsSession;
import dev.apns.BackendException;
import dev.apns.CredentialsException;
import dev.apns.Trust;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The flags about how to connect, shared by {@code push} and {@code feedback}: which certificate authority
 * to trust ({@code --ca}), which transport backend ({@code --backend}) and the connect timeout. One instance
 * per command run; not thread-safe.
 */
final class ConnectionOptions {
    @Option(names = "--ca", paramLabel = "FILE",
            description = "Trust only the CA certificates in this PEM file (a private gateway, 'apns mock') instead "
                    + "of the JVM's trust store.")
    Path ca;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "The transport backend, such as blocking, netty or conscrypt (those on the class path). "
                    + "Default: the system property apns.backend, else the one of highest priority.")
    String backend;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "The limit for a TCP connect and, separately, a TLS handshake (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    /** The trust: the system's, or the {@code --ca} file's certificates. */
    Trust trust() {
        if (ca == null) {
            return Trust.system();
        }
        String text = CredentialOptions.pemText("--ca", ca);
        try {
            return Trust.fromPem(text);
        } catch (CredentialsException e) {
            throw CliException.badInput("--ca " + ca + ": " + e.getMessage(), e);
        }
    }

    /** Applies the backend and timeout to a session builder; the trust is separate, see {@link #trust()}. */
    ApnsSession.Builder apply(ApnsSession.Builder builder) {
        if (backend != null) {
            Backends.requireKnown(backend);
            builder.backend(backend.strip());
        }
        return builder.connectTimeout(connectTimeout);
    }

    /**
     * Builds the session, turning the reasons it cannot be built into one-line reports: a backend that is not
     * available (exit code 3), a certificate outside its validity period (exit code 2, a certificate failure).
     */
    static ApnsSession build(ApnsSession.Builder builder, CredentialOptions credentials, String backendName) {
        try {
            return builder.build();
        } catch (BackendException e) {
            throw CliException.badInput((backendName == null ? "" : "--backend " + backendName + ": ") + e.getMessage(), e);
        } catch (CredentialsException e) {
            throw new CliException(ExitCodes.UNSENT, credentials.describe() + ": " + e.getMessage(), e);
        }
    }
}
