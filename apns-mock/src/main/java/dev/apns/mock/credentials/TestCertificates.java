package dev.apns.mock.credentials;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away certificate authority made at run time, for tests: it issues a server certificate for
 * {@code localhost} and {@code 127.0.0.1}, client certificates (valid, expired, not yet valid, RSA or EC),
 * each available as JDK objects, PEM in every common key format, and PKCS#12. Nothing is read from or
 * written to disk. Another instance is a different, mutually untrusted authority.
 *
 * <p>Thread-safe. Key generation is the slow part (RSA 2048 takes tens of milliseconds), so tests share
 * one instance per class where they can.
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final IssuedCertificate authority;
    private final IssuedCertificate server;

    private TestCertificates(String name) {
        Instant now = Instant.now();
        KeyPair caKeys = generate(KeyType.EC);
        X500Name caName = new X500Name("CN=" + name + ", O=APNs SDK testkit");
        X509Certificate caCertificate = sign(caName, caKeys, caName, caKeys.getPublic(), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(3650)), Role.AUTHORITY);
        this.authority = new IssuedCertificate(caCertificate, caKeys.getPrivate(), List.of(caCertificate));
        this.server = issue(Role.SERVER, "localhost", KeyType.EC, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /** A new authority with its server certificate. */
    public static TestCertificates create() {
        return new TestCertificates("APNs SDK test CA " + Long.toHexString(RANDOM.nextLong()));
    }

    /** The authority's own certificate and key; trust this to trust its server and clients. */
    public IssuedCertificate authority() {
        return authority;
    }

    /** The authority's certificate as PEM, for {@code Trust.fromPem}. */
    public String authorityPem() {
        return authority.certificatePem();
    }

    /** A server certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid for a year. */
    public IssuedCertificate server() {
        return server;
    }

    /** A server certificate for another host name only, to test hostname verification. */
    public IssuedCertificate serverFor(String hostName) {
        Instant now = Instant.now();
        return issue(Role.SERVER, hostName, KeyType.EC, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /** A new RSA client certificate valid from yesterday for a year. */
    public IssuedCertificate client(String commonName) {
        return client(commonName, KeyType.RSA);
    }

    /** A new client certificate with the given key type, valid from yesterday for a year. */
    public IssuedCertificate client(String commonName, KeyType keyType) {
        Instant now = Instant.now();
        return client(commonName, keyType, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /** A new client certificate with the given validity period. */
    public IssuedCertificate client(String commonName, KeyType keyType, Instant notBefore, Instant notAfter) {
        return issue(Role.CLIENT, commonName, keyType, notBefore, notAfter);
    }

    /** A client certificate that expired yesterday. */
    public IssuedCertificate expiredClient(String commonName) {
        Instant now = Instant.now();
        return client(commonName, KeyType.RSA, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    }

    private IssuedCertificate issue(Role role, String commonName, KeyType keyType, Instant notBefore, Instant notAfter) {
        KeyPair keys = generate(keyType);
        X500Name subject = new X500Name("CN=" + commonName + ", O=APNs SDK testkit");
        // From the encoded name: re-parsing the RFC 2253 string would reverse the RDN order, and the issuer
        // name would no longer match the authority's subject, which breaks chain building and validation.
        X500Name issuer = X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded());
        KeyPair issuerKeys = new KeyPair(authority.certificate().getPublicKey(), authority.privateKey());
        X509Certificate certificate = sign(issuer, issuerKeys, subject, keys.getPublic(), notBefore, notAfter, role);
        return new IssuedCertificate(certificate, keys.getPrivate(), List.of(certificate, authority.certificate()));
    }

    private enum Role { AUTHORITY, SERVER, CLIENT }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject,
                                        java.security.PublicKey subjectKey, Instant notBefore, Instant notAfter, Role role) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            switch (role) {
                case AUTHORITY -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SERVER -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                    String host = subject.getRDNs()[0].getFirst().getValue().toString();
                    GeneralNames names = "localhost".equals(host)
                            ? new GeneralNames(new GeneralName[] {
                                    new GeneralName(GeneralName.dNSName, "localhost"),
                                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                                    new GeneralName(GeneralName.iPAddress, "::1")})
                            : new GeneralNames(new GeneralName(GeneralName.dNSName, host));
                    builder.addExtension(Extension.subjectAlternativeName, false, names);
                }
                case CLIENT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
            }
            String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not issue a test certificate for " + subject + ": " + e, e);
        }
    }

    private static KeyPair generate(KeyType type) {
        try {
            if (type == KeyType.EC) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate a " + type + " key: " + e, e);
        }
    }
}
