package dev.apns.mock.credentials;

/** The kinds of key a test certificate can have. */
public enum KeyType {
    /** RSA 2048, the kind Apple issues for APNs certificates. */
    RSA,
    /** EC on the P-256 curve. */
    EC
}
