package dev.apns.internal.credentials;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.Locale;

/**
 * Decides whether a private key belongs to a public key. RSA keys are compared by modulus (and public
 * exponent when the private key carries it); EC keys must share the curve and then sign and verify a fixed
 * message; other keys sign and verify where the JDK knows a signature for them. Stateless and thread-safe.
 */
final class KeyMatching {
    private static final byte[] PROBE = "dev.apns key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyMatching() {
    }

    /** The outcome of a comparison; {@code reason} says why a pair does not match, for messages. */
    record Outcome(boolean matches, String reason) {
        static final Outcome MATCH = new Outcome(true, "");

        static Outcome mismatch(String reason) {
            return new Outcome(false, reason);
        }
    }

    /**
     * Compares the keys.
     *
     * @throws CredentialsException {@code UNSUPPORTED} when the key is of a kind that cannot be checked
     */
    static Outcome compare(PrivateKey privateKey, PublicKey publicKey) {
        if (privateKey instanceof RSAKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
            if (!rsa.getModulus().equals(rsaPublic.getModulus())) {
                return Outcome.mismatch("its RSA modulus differs from the certificate's");
            }
            if (privateKey instanceof RSAPrivateCrtKey crt && crt.getPublicExponent() != null
                    && crt.getPublicExponent().signum() != 0
                    && !crt.getPublicExponent().equals(rsaPublic.getPublicExponent())) {
                return Outcome.mismatch("its RSA public exponent differs from the certificate's");
            }
            return Outcome.MATCH;
        }
        if (privateKey instanceof ECKey ec && publicKey instanceof ECPublicKey ecPublic) {
            if (!sameCurve(ec.getParams(), ecPublic.getParams())) {
                return Outcome.mismatch("it is on a different elliptic curve than the certificate's key");
            }
            return signAndVerify("SHA256withECDSA", privateKey, publicKey);
        }
        if (!family(privateKey.getAlgorithm()).equals(family(publicKey.getAlgorithm()))) {
            return Outcome.mismatch("it is an " + privateKey.getAlgorithm() + " key and the certificate holds an "
                    + publicKey.getAlgorithm() + " key");
        }
        if (privateKey instanceof EdECKey) {
            return signAndVerify("EdDSA", privateKey, publicKey);
        }
        String signature = switch (family(privateKey.getAlgorithm())) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "EDDSA" -> "EdDSA";
            default -> throw new CredentialsException(Problem.UNSUPPORTED, "Cannot check that a "
                    + privateKey.getAlgorithm() + " private key belongs to its certificate; RSA and EC keys are supported.");
        };
        return signAndVerify(signature, privateKey, publicKey);
    }

    private static Outcome signAndVerify(String algorithm, PrivateKey privateKey, PublicKey publicKey) {
        byte[] signed;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(PROBE);
            signed = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new CredentialsException(Problem.UNSUPPORTED, "Cannot check that the " + privateKey.getAlgorithm()
                    + " private key belongs to its certificate: signing with " + algorithm + " failed: "
                    + CredentialsParser.reason(e) + ".", e);
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signed) ? Outcome.MATCH
                    : Outcome.mismatch("a signature made with it does not verify with the certificate's public key");
        } catch (GeneralSecurityException e) {
            return Outcome.mismatch("a signature made with it cannot be verified with the certificate's public key ("
                    + CredentialsParser.reason(e) + ")");
        }
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.getOrder().equals(b.getOrder()) && a.getGenerator().equals(b.getGenerator())
                && a.getCurve().equals(b.getCurve()) && a.getCofactor() == b.getCofactor();
    }

    /** Groups algorithm names that share keys: RSA with RSASSA-PSS, Ed25519 and Ed448 with EdDSA. */
    private static String family(String algorithm) {
        String upper = algorithm.toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "RSASSA-PSS" -> "RSA";
            case "ED25519", "ED448" -> "EDDSA";
            case "ECDSA" -> "EC";
            default -> upper;
        };
    }
}
