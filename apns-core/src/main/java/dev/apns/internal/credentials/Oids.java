package dev.apns.internal.credentials;

import java.util.Map;

/** The object identifiers that key containers use, with names for messages. Constants only; thread-safe. */
final class Oids {
    static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    static final String RSASSA_PSS = "1.2.840.113549.1.1.10";
    static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    static final String ED25519 = "1.3.101.112";
    static final String ED448 = "1.3.101.113";

    static final String PBES2 = "1.2.840.113549.1.5.13";
    static final String PBKDF2 = "1.2.840.113549.1.5.12";
    static final String SCRYPT = "1.3.6.1.4.1.11591.4.11";

    static final String HMAC_SHA1 = "1.2.840.113549.2.7";
    static final String HMAC_SHA224 = "1.2.840.113549.2.8";
    static final String HMAC_SHA256 = "1.2.840.113549.2.9";
    static final String HMAC_SHA384 = "1.2.840.113549.2.10";
    static final String HMAC_SHA512 = "1.2.840.113549.2.11";

    static final String AES128_CBC = "2.16.840.1.101.3.4.1.2";
    static final String AES192_CBC = "2.16.840.1.101.3.4.1.22";
    static final String AES256_CBC = "2.16.840.1.101.3.4.1.42";
    static final String DES_EDE3_CBC = "1.2.840.113549.3.7";
    static final String DES_CBC = "1.3.14.3.2.7";

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry(RSA_ENCRYPTION, "RSA"),
            Map.entry(RSASSA_PSS, "RSASSA-PSS"),
            Map.entry(EC_PUBLIC_KEY, "EC"),
            Map.entry(ED25519, "Ed25519"),
            Map.entry(ED448, "Ed448"),
            Map.entry("1.2.840.10040.4.1", "DSA"),
            Map.entry("1.2.840.113549.1.3.1", "Diffie-Hellman"),
            Map.entry("1.2.840.10046.2.1", "X9.42 Diffie-Hellman"),
            Map.entry("1.3.101.110", "X25519"),
            Map.entry("1.3.101.111", "X448"),
            Map.entry("1.2.643.7.1.1.1.1", "GOST R 34.10-2012"),
            Map.entry(PBES2, "PBES2"),
            Map.entry(PBKDF2, "PBKDF2"),
            Map.entry(SCRYPT, "scrypt"),
            Map.entry(HMAC_SHA1, "HMAC-SHA1"),
            Map.entry(HMAC_SHA224, "HMAC-SHA224"),
            Map.entry(HMAC_SHA256, "HMAC-SHA256"),
            Map.entry(HMAC_SHA384, "HMAC-SHA384"),
            Map.entry(HMAC_SHA512, "HMAC-SHA512"),
            Map.entry("1.2.840.113549.2.12", "HMAC-SHA512/224"),
            Map.entry("1.2.840.113549.2.13", "HMAC-SHA512/256"),
            Map.entry(AES128_CBC, "AES-128-CBC"),
            Map.entry(AES192_CBC, "AES-192-CBC"),
            Map.entry(AES256_CBC, "AES-256-CBC"),
            Map.entry(DES_EDE3_CBC, "DES-EDE3-CBC"),
            Map.entry(DES_CBC, "DES-CBC"),
            Map.entry("1.2.840.113549.3.2", "RC2-CBC"),
            Map.entry("1.2.840.10045.3.1.7", "P-256 (secp256r1)"),
            Map.entry("1.3.132.0.34", "P-384 (secp384r1)"),
            Map.entry("1.3.132.0.35", "P-521 (secp521r1)"),
            Map.entry("1.3.132.0.10", "secp256k1"),
            Map.entry("1.2.840.10045.3.1.1", "P-192 (secp192r1)"),
            Map.entry("1.3.132.0.33", "P-224 (secp224r1)"),
            Map.entry("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
            Map.entry("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"),
            Map.entry("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"));

    private Oids() {
    }

    /** A readable name with the identifier, such as {@code DSA (OID 1.2.840.10040.4.1)}. */
    static String describe(String oid) {
        String name = NAMES.get(oid);
        return name == null ? "OID " + oid : name + " (OID " + oid + ")";
    }
}
