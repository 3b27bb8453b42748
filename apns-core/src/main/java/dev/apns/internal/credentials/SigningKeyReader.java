package dev.apns.internal.credentials;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.List;

import javax.crypto.KeyAgreement;

/**
 * Reads an APNs token-authentication key (the {@code AuthKey_XXXXXXXXXX.p8} file from Apple's developer
 * portal, an unencrypted PKCS#8 PEM {@code PRIVATE KEY}) with the JDK alone, checks that it is an EC P-256
 * key that can sign, and derives its public key, which the file need not hold.
 *
 * <p>An unencrypted SEC1 {@code EC PRIVATE KEY} is taken too (what {@code openssl ec} writes). The public
 * key is derived without big-integer arithmetic on the private scalar: an ECDH agreement of the private key
 * with the curve's generator gives the public point's x coordinate (the JDK's own constant-time code), the
 * curve equation gives the two candidate y coordinates, and a signature made with the private key picks
 * the right one. That signature also proves the key signs.
 *
 * <p>Stateless and thread-safe. The PEM block's decoded bytes are zeroed after use.
 */
public final class SigningKeyReader {
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSAinP1363Format";
    private static final byte[] PROBE = "APNs signing key self-check".getBytes(StandardCharsets.US_ASCII);
    private static final ECParameterSpec P256 = p256();

    private SigningKeyReader() {
    }

    /**
     * Reads the one private key of a {@code .p8} PEM text.
     *
     * @param source names the input in messages, such as "the .p8 text" or "file /x/AuthKey_ABC.p8"
     * @return the private key and its derived public key
     * @throws CredentialsException MALFORMED (not PEM, broken block, not a valid key), NO_PRIVATE_KEY,
     *     UNSUPPORTED (an encrypted key) or WRONG_KEY_TYPE (a key other than EC P-256)
     */
    public static KeyPair read(String text, String source) {
        List<PemBlock> blocks = PemReader.read(text, source);
        try {
            if (blocks.isEmpty()) {
                throw new CredentialsException(Problem.MALFORMED, "No PEM block was found in " + source + ": it has no "
                        + "'-----BEGIN PRIVATE KEY-----' line. An APNs signing key is the .p8 file downloaded from "
                        + "Apple's developer portal (Certificates, Identifiers & Profiles > Keys), used as it is.");
            }
            List<PemBlock> keys = blocks.stream().filter(PemBlock::isPrivateKey).toList();
            if (keys.isEmpty()) {
                throw new CredentialsException(Problem.NO_PRIVATE_KEY, capitalize(source) + " holds no private key "
                        + "('-----BEGIN PRIVATE KEY-----' block); an APNs signing key is the .p8 file from Apple's developer portal.");
            }
            if (keys.size() > 1) {
                throw new CredentialsException(Problem.MALFORMED,
                        capitalize(source) + " holds " + keys.size() + " private keys; a .p8 file holds exactly one.");
            }
            PemBlock block = keys.get(0);
            String what = "private key in " + source + " (PEM block " + block.number() + ", '" + block.label() + "')";
            requireUnencrypted(block, what);
            requireKnownForm(block, what);
            PrivateKey key;
            try {
                key = PrivateKeyReader.read(block, null, source);
            } catch (CredentialsException e) {
                if (e.problem() == Problem.UNSUPPORTED) {
                    throw wrongType("The " + what + " is not an EC P-256 key, which an APNs signing key always is: "
                            + e.getMessage(), e);
                }
                throw e;
            }
            ECPrivateKey ecKey = requireP256(key, what);
            return new KeyPair(publicKeyOf(ecKey, what), ecKey);
        } finally {
            for (PemBlock block : blocks) {
                if (block.isPrivateKey()) {
                    block.erase();
                }
            }
        }
    }

    private static void requireUnencrypted(PemBlock block, String what) {
        if (block.label().equals("ENCRYPTED PRIVATE KEY") || TraditionalPemEncryption.isEncrypted(block)) {
            throw new CredentialsException(Problem.UNSUPPORTED, "The " + what + " is encrypted. APNs signing keys (.p8 "
                    + "files) are not encrypted and SigningKey takes no password; use the file as Apple issued it, or "
                    + "decrypt it with 'openssl pkcs8 -in encrypted.p8 -out AuthKey.p8'.");
        }
    }

    private static void requireKnownForm(PemBlock block, String what) {
        switch (block.label()) {
            case "PRIVATE KEY", "EC PRIVATE KEY" -> {
            }
            case "RSA PRIVATE KEY", "DSA PRIVATE KEY" -> throw wrongType("The " + what + " is not an EC key; an APNs "
                    + "signing key is an EC P-256 key ('-----BEGIN PRIVATE KEY-----').", null);
            default -> throw new CredentialsException(Problem.UNSUPPORTED, "The " + what + " is in a form that is not "
                    + "read here; an APNs signing key is the PKCS#8 .p8 file ('-----BEGIN PRIVATE KEY-----') as Apple issues it.");
        }
    }

    private static ECPrivateKey requireP256(PrivateKey key, String what) {
        if (!(key instanceof ECPrivateKey ec)) {
            throw wrongType("The " + what + " is an " + key.getAlgorithm() + " key; an APNs signing key is an EC P-256 key.",
                    null);
        }
        if (!isP256(ec.getParams())) {
            throw wrongType("The " + what + " is an EC key on a " + ec.getParams().getCurve().getField().getFieldSize()
                    + "-bit curve other than P-256; an APNs signing key is an EC P-256 (secp256r1) key.", null);
        }
        BigInteger scalar = ec.getS();
        if (scalar.signum() <= 0 || scalar.compareTo(P256.getOrder()) >= 0) {
            throw new CredentialsException(Problem.MALFORMED, "The " + what + " is not a valid P-256 key: its private "
                    + "value lies outside the range the curve allows.");
        }
        return ec;
    }

    private static boolean isP256(ECParameterSpec params) {
        return params.getCurve().equals(P256.getCurve()) && params.getGenerator().equals(P256.getGenerator())
                && params.getOrder().equals(P256.getOrder()) && params.getCofactor() == P256.getCofactor();
    }

    /** The public key of a P-256 private key: x by ECDH with the generator, y chosen by a signature check. */
    private static ECPublicKey publicKeyOf(ECPrivateKey key, String what) {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            ECPublicKey generator = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(P256.getGenerator(), P256));
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(key);
            agreement.doPhase(generator, true);
            BigInteger x = new BigInteger(1, agreement.generateSecret());

            BigInteger p = ((ECFieldFp) P256.getCurve().getField()).getP();
            BigInteger rhs = x.pow(3).add(P256.getCurve().getA().multiply(x)).add(P256.getCurve().getB()).mod(p);
            BigInteger y = rhs.modPow(p.add(BigInteger.ONE).shiftRight(2), p); // p = 3 (mod 4)
            if (!y.multiply(y).mod(p).equals(rhs)) {
                throw new CredentialsException(Problem.MALFORMED, "The " + what + " is not a valid P-256 key.");
            }

            Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            for (BigInteger candidate : new BigInteger[] {y, p.subtract(y).mod(p)}) {
                ECPublicKey publicKey = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(new ECPoint(x, candidate), P256));
                Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
                verifier.initVerify(publicKey);
                verifier.update(PROBE);
                if (verifier.verify(signature)) {
                    return publicKey;
                }
            }
            throw new CredentialsException(Problem.MALFORMED,
                    "The " + what + " cannot make a signature that verifies; it is not a valid P-256 key.");
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof CredentialsException credentials) {
                throw credentials;
            }
            throw new CredentialsException(Problem.MALFORMED, "The " + what + " cannot be used to sign: "
                    + CredentialsParser.reason(e) + ".", e);
        }
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static CredentialsException wrongType(String message, Throwable cause) {
        return new CredentialsException(Problem.WRONG_KEY_TYPE, message, cause);
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no P-256 (secp256r1) curve, which every Java SE has", e);
        }
    }
}
