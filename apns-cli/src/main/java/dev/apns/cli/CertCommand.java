package dev.apns.cli;

import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;
import dev.apns.Trust;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code apns cert}: reads a certificate and key as {@code push} would and says what they are and whether
 * they can be used: names, validity, topic, environment, key, whether the key belongs to the certificate,
 * SHA-256 digest, and each problem in words.
 */
@Command(name = "cert",
        mixinStandardHelpOptions = true,
        header = "Inspect a certificate and key: validity, topic, environment, match.",
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = {"Inspect a provider certificate and its private key, given as for 'apns push': subject, "
                + "issuer, serial, validity (days left, EXPIRED, NOT YET VALID), the topic (bundle id: the subject's "
                + "UID, else its CN), the environment Apple's extensions name (sandbox, production, or unknown), "
                + "the key's type and size, whether the private key belongs to the certificate, and its SHA-256 "
                + "digest (as the SDK's Credentials.digest() and logs show it)."},
        footerHeading = "%nExamples:%n",
        footer = {"  apns cert --p12 app.p12 --password-env APNS_PASSWORD",
                "  apns cert --cert app.pem --key app.key --json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:The certificate is valid now, and the private key (when given) belongs to it.",
                "1:It was read but cannot be used: expired, not yet valid, or the key belongs to another certificate.",
                "3:Bad input: a flag, an unreadable or malformed file, a missing or wrong password.",
                "4:Internal error."})
final class CertCommand extends Subcommand {
    @ArgGroup(exclusive = false, heading = "%nCredentials:%n", order = 1)
    CredentialOptions credentials = new CredentialOptions();

    @Option(names = "--json", order = 2, description = "Print the report as one line of JSON.")
    boolean json;

    @Override
    public Integer call() {
        CredentialOptions options = credentials != null ? credentials : new CredentialOptions();
        options.check();
        Instant now = Instant.now();
        List<X509Certificate> chain;
        Optional<Boolean> keyMatches = Optional.empty();
        List<String> problems = new ArrayList<>();
        String inputProblem = null;

        if (options.isPkcs12()) {
            CredentialOptions.PasswordAttempt<Credentials> attempt = options.attempt(io, options::read);
            if (attempt.failure() != null) {
                // Without the password nothing in the store can be read, so there is nothing else to report.
                throw CliException.badInput(options.explain(attempt.failure(), attempt.passwordSource(), io),
                        attempt.failure());
            }
            chain = attempt.value().chain();
            keyMatches = Optional.of(true);
        } else {
            String certificateText = CredentialOptions.pemText("--cert", options.cert);
            try {
                chain = Trust.fromPem(certificateText).anchors().orElseThrow();
            } catch (CredentialsException e) {
                throw CliException.badInput("--cert " + options.cert + ": " + e.getMessage(), e);
            }
            boolean keyGiven = options.key != null || certificateText.contains("PRIVATE KEY-----");
            if (keyGiven) {
                CredentialOptions.PasswordAttempt<Credentials> attempt = options.attempt(io, options::read);
                if (attempt.failure() == null) {
                    chain = attempt.value().chain();
                    keyMatches = Optional.of(true);
                } else {
                    CredentialsException failure = attempt.failure();
                    String line = options.explain(failure, attempt.passwordSource(), io);
                    problems.add(line);
                    if (failure.problem() == Problem.KEY_MISMATCH) {
                        keyMatches = Optional.of(false);
                    } else {
                        inputProblem = line;
                    }
                }
            }
        }

        CertificateReport report = CertificateReport.of(chain, now, keyMatches, problems);
        if (json) {
            out().println(report.toJson());
        } else {
            report.printText(out());
        }
        out().flush();
        if (inputProblem != null) {
            throw CliException.badInput(inputProblem);
        }
        return report.usable() ? ExitCodes.OK : ExitCodes.REJECTED;
    }
}
