package dev.apns.internal.credentials;

import dev.apns.CredentialsException;
import dev.apns.CredentialsException.Problem;
import dev.apns.internal.credentials.DerReader.DerException;

import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * Turns one PEM private key block into a JDK {@link PrivateKey}: PKCS#8 ({@code PRIVATE KEY}), encrypted
 * PKCS#8 ({@code ENCRYPTED PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}),
 * the last two plain or encrypted the traditional OpenSSL way. PKCS#1 and SEC1 keys are wrapped into PKCS#8
 * so that the JDK's key factories read every form; the key type comes from the algorithm OID (RSA,
 * RSASSA-PSS, EC, Ed25519, Ed448).
 *
 * <p>Stateless and thread-safe. Decrypted and re-wrapped key bytes are zeroed after use; the block's own
 * bytes are left to the caller to erase.
 */
final class PrivateKeyReader {
    private PrivateKeyReader() {
    }

    /**
     * Reads the key in {@code block}.
     *
     * @param source names the text for messages, such as "the PEM text" or "file /x/key.pem"
     * @throws CredentialsException MALFORMED, PASSWORD_REQUIRED, WRONG_PASSWORD or UNSUPPORTED
     */
    static PrivateKey read(PemBlock block, char[] password, String source) {
        String what = "private key in " + source + " (PEM block " + block.number() + ", '" + block.label() + "')";
        switch (block.label()) {
            case "PRIVATE KEY":
                return fromPkcs8(block.bytes(), what, false);
            case "ENCRYPTED PRIVATE KEY": {
                requirePassword(password, what);
                byte[] pkcs8 = EncryptedPkcs8.decrypt(block.bytes(), password, what);
                try {
                    return fromPkcs8(pkcs8, what, true);
                } finally {
                    Secrets.erase(pkcs8);
                }
            }
            case "RSA PRIVATE KEY":
                return traditional(block, password, what, "PKCS#1 RSAPrivateKey", PrivateKeyReader::wrapPkcs1);
            case "EC PRIVATE KEY":
                return traditional(block, password, what, "SEC1 ECPrivateKey", PrivateKeyReader::wrapSec1);
            default:
                throw new CredentialsException(Problem.UNSUPPORTED, "The " + what + " is of a kind that is not supported. "
                        + "RSA and EC keys are, as PKCS#8 ('PRIVATE KEY' or 'ENCRYPTED PRIVATE KEY'), PKCS#1 "
                        + "('RSA PRIVATE KEY') or SEC1 ('EC PRIVATE KEY').");
        }
    }

    private static PrivateKey traditional(PemBlock block, char[] password, String what, String format, Wrapper wrapper) {
        boolean encrypted = TraditionalPemEncryption.isEncrypted(block);
        byte[] der = block.bytes();
        if (encrypted) {
            requirePassword(password, what);
            der = TraditionalPemEncryption.decrypt(block, password, what);
        }
        byte[] pkcs8;
        try {
            pkcs8 = wrapper.wrap(der, what);
        } catch (DerException e) {
            if (encrypted) {
                throw EncryptedPkcs8.wrongPassword(what, e);
            }
            throw new CredentialsException(Problem.MALFORMED,
                    "The " + what + " is not a valid " + format + ": " + CredentialsParser.reason(e) + ".", e);
        } finally {
            if (encrypted) {
                Secrets.erase(der);
            }
        }
        try {
            return fromPkcs8(pkcs8, what, false);
        } finally {
            Secrets.erase(pkcs8);
        }
    }

    /** PKCS#1 RSAPrivateKey into PKCS#8 with the rsaEncryption algorithm. */
    static byte[] wrapPkcs1(byte[] der, String what) throws DerException {
        DerReader top = new DerReader(der);
        DerReader rsa = top.sequence();
        top.requireEnd("the RSAPrivateKey");
        int version = rsa.smallInteger(0, 1);
        if (version == 1) {
            throw new CredentialsException(Problem.UNSUPPORTED,
                    "The " + what + " is a multi-prime RSA key, which the JDK does not support.");
        }
        for (int i = 0; i < 8; i++) {
            rsa.skip(DerReader.INTEGER, "an INTEGER (one of n, e, d, p, q, dp, dq, qinv)");
        }
        rsa.requireEnd("the RSAPrivateKey");
        return pkcs8(DerWriter.sequence(DerWriter.objectIdentifier(Oids.RSA_ENCRYPTION), DerWriter.nullValue()), der);
    }

    /** SEC1 ECPrivateKey into PKCS#8 with id-ecPublicKey and the curve named in the key's parameters [0]. */
    static byte[] wrapSec1(byte[] der, String what) throws DerException {
        DerReader top = new DerReader(der);
        DerReader ec = top.sequence();
        top.requireEnd("the ECPrivateKey");
        ec.smallInteger(1, 1);
        ec.skip(DerReader.OCTET_STRING, "the private key OCTET STRING");
        String curve = null;
        if (ec.nextIs(DerReader.CONTEXT_CONSTRUCTED)) {
            DerReader parameters = ec.explicit(0);
            if (parameters.nextIs(DerReader.OBJECT_IDENTIFIER)) {
                curve = parameters.objectIdentifier();
            } else if (parameters.nextIs(DerReader.SEQUENCE) || parameters.nextIs(DerReader.NULL)) {
                throw explicitCurve(what);
            } else {
                throw new DerException("the ECPrivateKey parameters are neither a curve name nor curve parameters");
            }
            parameters.requireEnd("the curve name");
        }
        if (ec.nextIs(DerReader.CONTEXT_CONSTRUCTED | 1)) {
            ec.skip();
        }
        ec.requireEnd("the ECPrivateKey");
        if (curve == null) {
            throw new CredentialsException(Problem.MALFORMED, "The " + what + " does not name its curve (the optional SEC1 "
                    + "parameters field is missing), so it cannot be read. Give the key as PKCS#8 ('BEGIN PRIVATE KEY'), "
                    + "which always names the curve.");
        }
        return pkcs8(DerWriter.sequence(DerWriter.objectIdentifier(Oids.EC_PUBLIC_KEY), DerWriter.objectIdentifier(curve)), der);
    }

    private static byte[] pkcs8(byte[] algorithmIdentifier, byte[] key) {
        byte[] wrappedKey = DerWriter.octetString(key);
        try {
            return DerWriter.sequence(DerWriter.integer(0), algorithmIdentifier, wrappedKey);
        } finally {
            Secrets.erase(wrappedKey);
        }
    }

    /**
     * Reads a PKCS#8 PrivateKeyInfo.
     *
     * @param decrypted whether {@code der} came out of a decryption, in which case a result that is not a
     *     PrivateKeyInfo means the password was wrong
     */
    static PrivateKey fromPkcs8(byte[] der, String what, boolean decrypted) {
        String algorithmOid;
        String curveOid = null;
        boolean explicitCurve = false;
        try {
            DerReader top = new DerReader(der);
            DerReader info = top.sequence();
            top.requireEnd("the PrivateKeyInfo");
            info.smallInteger(0, 1);
            DerReader algorithm = info.sequence();
            algorithmOid = algorithm.objectIdentifier();
            if (algorithm.nextIs(DerReader.OBJECT_IDENTIFIER)) {
                curveOid = algorithm.objectIdentifier();
            } else if (algorithm.nextIs(DerReader.SEQUENCE)) {
                explicitCurve = true;
            }
            info.skip(DerReader.OCTET_STRING, "the private key OCTET STRING");
        } catch (DerException e) {
            if (decrypted) {
                throw EncryptedPkcs8.wrongPassword(what, e);
            }
            throw new CredentialsException(Problem.MALFORMED,
                    "The " + what + " is not a PKCS#8 PrivateKeyInfo: " + CredentialsParser.reason(e) + ".", e);
        }
        String keyAlgorithm = switch (algorithmOid) {
            case Oids.RSA_ENCRYPTION -> "RSA";
            case Oids.RSASSA_PSS -> "RSASSA-PSS";
            case Oids.EC_PUBLIC_KEY -> "EC";
            case Oids.ED25519 -> "Ed25519";
            case Oids.ED448 -> "Ed448";
            default -> throw new CredentialsException(Problem.UNSUPPORTED, "The " + what + " is a "
                    + Oids.describe(algorithmOid) + " key, which is not supported; RSA and EC keys are (and "
                    + "RSASSA-PSS, Ed25519 and Ed448 where the peer accepts them).");
        };
        if (keyAlgorithm.equals("EC")) {
            if (explicitCurve || curveOid == null) {
                throw explicitCurve(what);
            }
            requireSupportedCurve(curveOid, what);
        }
        CredentialsParser.requireShallow(der, "The " + what);
        try {
            return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (NoSuchAlgorithmException e) {
            throw new CredentialsException(Problem.UNSUPPORTED,
                    "The " + what + " is an " + keyAlgorithm + " key, which this JVM cannot read.", e);
        } catch (InvalidKeySpecException e) {
            throw new CredentialsException(Problem.MALFORMED,
                    "The " + what + " cannot be read as an " + keyAlgorithm + " key: " + CredentialsParser.reason(e) + ".", e);
        }
    }

    private static void requireSupportedCurve(String curveOid, String what) {
        try {
            AlgorithmParameters.getInstance("EC").init(new ECGenParameterSpec(curveOid));
        } catch (NoSuchAlgorithmException | InvalidParameterSpecException e) {
            throw new CredentialsException(Problem.UNSUPPORTED, "The " + what + " is on the curve " + Oids.describe(curveOid)
                    + ", which this JVM does not support; P-256, P-384 and P-521 are supported everywhere.", e);
        }
    }

    private static CredentialsException explicitCurve(String what) {
        return new CredentialsException(Problem.UNSUPPORTED, "The " + what + " spells out its curve parameters instead of "
                + "naming the curve, which the JDK does not support. Convert it with "
                + "'openssl ec -param_enc named_curve -in key.pem -out named.pem'.");
    }

    private static void requirePassword(char[] password, String what) {
        if (Secrets.isMissing(password)) {
            throw new CredentialsException(Problem.PASSWORD_REQUIRED, "The " + what + " is encrypted; give its password.");
        }
    }

    @FunctionalInterface
    private interface Wrapper {
        byte[] wrap(byte[] der, String what) throws DerException;
    }
}
