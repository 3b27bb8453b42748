package dev.apns.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * What {@code apns cert} says about a certificate: names, validity at a given time, the APNs topic (bundle id),
 * the environment Apple's extensions name, the key, whether the private key belongs to it, its SHA-256
 * digest, and the problems found. Immutable once made.
 *
 * @param subject the leaf's subject (RFC 2253)
 * @param issuer the leaf's issuer (RFC 2253)
 * @param serial the serial number in hex
 * @param notBefore when validity begins
 * @param notAfter when validity ends
 * @param daysLeft whole days from the given time to {@code notAfter}; negative once expired
 * @param validity {@code valid}, {@code expired} or {@code not yet valid}
 * @param topic the APNs topic: the subject's UID attribute, else its CN; empty when neither is there
 * @param topicSource {@code UID} or {@code CN}
 * @param environment {@code production}, {@code sandbox}, {@code sandbox and production} or {@code unknown}
 * @param keyType the public key's algorithm, such as {@code RSA} or {@code EC}
 * @param keySize the key's size in bits, when known
 * @param keyMatches whether the private key belongs to the certificate; empty when not checked
 * @param sha256 the SHA-256 digest of the leaf's DER encoding, lower-case hex (as {@code Credentials.digest()})
 * @param chain the subjects of the other certificates given, in order
 * @param problems one sentence per problem found, in the order found
 */
record CertificateReport(String subject, String issuer, String serial, Instant notBefore, Instant notAfter,
                         long daysLeft, String validity, Optional<String> topic, Optional<String> topicSource,
                         String environment, String keyType, Optional<Integer> keySize, Optional<Boolean> keyMatches,
                         String sha256, List<String> chain, List<String> problems) {

    /** The OID of the LDAP user id attribute (UID), where Apple puts the bundle id. */
    static final String UID_OID = "0.9.2342.19200300.100.1.1";
    /** Apple's extension marking an APNs development (sandbox) certificate. */
    static final String APPLE_DEVELOPMENT_OID = "1.2.840.113635.100.6.3.1";
    /** Apple's extension marking an APNs production certificate. */
    static final String APPLE_PRODUCTION_OID = "1.2.840.113635.100.6.3.2";

    static final String VALID = "valid";
    static final String EXPIRED = "expired";
    static final String NOT_YET_VALID = "not yet valid";

    CertificateReport {
        chain = List.copyOf(chain);
        problems = List.copyOf(problems);
    }

    /**
     * Inspects {@code chain}'s first certificate at {@code now}.
     *
     * @param keyMatches whether the private key belongs to the leaf; empty when it was not checked
     * @param problems problems already found (with the key); validity problems are added after them
     */
    static CertificateReport of(List<X509Certificate> chain, Instant now, Optional<Boolean> keyMatches,
                                List<String> problems) {
        X509Certificate leaf = chain.get(0);
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        long daysLeft = Duration.between(now, notAfter).toDays();
        List<String> found = new ArrayList<>(problems);
        String validity;
        if (now.isAfter(notAfter)) {
            validity = EXPIRED;
            found.add(String.format(Locale.ROOT, "The certificate EXPIRED at %s (%,d day%s ago); Apple refuses it. "
                    + "Renew it in Apple's developer portal.", notAfter, -daysLeft, -daysLeft == 1 ? "" : "s"));
        } else if (now.isBefore(notBefore)) {
            validity = NOT_YET_VALID;
            found.add("The certificate is NOT YET VALID: its validity begins at " + notBefore
                    + "; check this computer's clock.");
        } else {
            validity = VALID;
        }
        Optional<String> uid = attribute(leaf.getSubjectX500Principal(), "UID", UID_OID);
        Optional<String> cn = attribute(leaf.getSubjectX500Principal(), "CN", "2.5.4.3");
        Optional<String> topic = uid.isPresent() ? uid : cn;
        Optional<String> topicSource = uid.isPresent() ? Optional.of("UID") : cn.map(c -> "CN");
        List<String> others = new ArrayList<>();
        for (int i = 1; i < chain.size(); i++) {
            others.add(chain.get(i).getSubjectX500Principal().getName());
        }
        PublicKey key = leaf.getPublicKey();
        return new CertificateReport(leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
                leaf.getSerialNumber().toString(16), notBefore, notAfter, daysLeft, validity, topic, topicSource,
                environment(leaf), key.getAlgorithm(), keySize(key), keyMatches, sha256(leaf), others, found);
    }

    /** The environment Apple's extensions name. */
    static String environment(X509Certificate certificate) {
        boolean development = certificate.getExtensionValue(APPLE_DEVELOPMENT_OID) != null;
        boolean production = certificate.getExtensionValue(APPLE_PRODUCTION_OID) != null;
        if (development && production) {
            return "sandbox and production";
        }
        if (development) {
            return "sandbox";
        }
        return production ? "production" : "unknown";
    }

    /** The first value of an attribute of the name, by keyword or OID. */
    static Optional<String> attribute(X500Principal name, String keyword, String oid) {
        LdapName parsed;
        try {
            parsed = new LdapName(name.getName(X500Principal.RFC2253));
        } catch (InvalidNameException e) {
            throw new IllegalStateException("The JDK wrote a name it cannot read back: " + name, e);
        }
        // LdapName lists the RDNs from the right; the first one written (leftmost) is the most specific.
        List<Rdn> rdns = new ArrayList<>(parsed.getRdns());
        for (int i = rdns.size() - 1; i >= 0; i--) {
            Rdn rdn = rdns.get(i);
            if (rdn.getType().equalsIgnoreCase(keyword) || rdn.getType().equalsIgnoreCase(oid)
                    || rdn.getType().equalsIgnoreCase("OID." + oid)) {
                Object value = rdn.getValue();
                return Optional.of(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value.toString());
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> keySize(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return Optional.of(rsa.getModulus().bitLength());
        }
        if (key instanceof ECPublicKey ec) {
            return Optional.of(ec.getParams().getCurve().getField().getFieldSize());
        }
        return Optional.empty();
    }

    private static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("The certificate's SHA-256 digest could not be computed.", e);
        }
    }

    /** True when nothing is wrong: valid now, and the key (when checked) belongs to it. */
    boolean usable() {
        return problems.isEmpty();
    }

    /** The report as compact JSON, keys in the order of the text. */
    String toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("subject", subject);
        root.put("issuer", issuer);
        root.put("serial", serial);
        root.put("notBefore", notBefore.toString());
        root.put("notAfter", notAfter.toString());
        root.put("daysLeft", daysLeft);
        root.put("validity", validity);
        root.put("topic", topic.orElse(null));
        root.put("topicSource", topicSource.orElse(null));
        root.put("environment", environment);
        root.put("keyType", keyType);
        if (keySize.isPresent()) {
            root.put("keySize", keySize.get());
        } else {
            root.putNull("keySize");
        }
        if (keyMatches.isPresent()) {
            root.put("keyMatches", keyMatches.get());
        } else {
            root.putNull("keyMatches");
        }
        root.put("sha256", sha256);
        ArrayNode chainNode = root.putArray("chain");
        chain.forEach(chainNode::add);
        ArrayNode problemsNode = root.putArray("problems");
        problems.forEach(problemsNode::add);
        try {
            return JsonMapper.builder().build().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The certificate report could not be written as JSON.", e);
        }
    }

    /** The report for people. */
    void printText(PrintStream out) {
        out.println("Subject:      " + subject);
        out.println("Issuer:       " + issuer);
        out.println("Serial:       " + serial);
        out.println("Not before:   " + notBefore);
        String left = switch (validity) {
            case EXPIRED -> "EXPIRED " + -daysLeft + (daysLeft == -1 ? " day" : " days") + " ago";
            case NOT_YET_VALID -> "NOT YET VALID";
            default -> daysLeft + (daysLeft == 1 ? " day" : " days") + " left";
        };
        out.println("Not after:    " + notAfter + " (" + left + ")");
        out.println("Topic:        " + topic.map(t -> t + " (from " + topicSource.orElse("?") + ")")
                .orElse("(none: the subject has neither UID nor CN)"));
        out.println("Environment:  " + environment + ("unknown".equals(environment)
                ? " (no Apple push extension; not an Apple-issued APNs certificate?)" : ""));
        out.println("Key:          " + keyType + keySize.map(size -> " " + size + " bits").orElse(""));
        out.println("Key matches:  " + keyMatches.map(matches -> matches ? "yes" : "NO")
                .orElse("not checked (no private key read)"));
        out.println("SHA-256:      " + sha256);
        if (!chain.isEmpty()) {
            out.println("Chain:        " + String.join("; ", chain));
        }
        if (!problems.isEmpty()) {
            out.println("Status:       NOT USABLE");
            problems.forEach(problem -> out.println("Problem:      " + problem));
        } else if (keyMatches.isEmpty()) {
            out.println("Status:       valid certificate; give its private key (--key FILE) to check the pair");
        } else {
            out.println("Status:       usable");
        }
        out.flush();
    }
}
