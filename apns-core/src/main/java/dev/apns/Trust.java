package dev.apns;

import dev.apns.internal.credentials.CredentialsParser;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.TrustManagerFactory;

/**
 * Which server certificates a connection accepts: the JVM's system trust store (the default, right for
 * Apple's servers) or a given set of CA certificates (for private gateways and the testkit's mock
 * server). Hostname verification is always on, whichever is chosen. Immutable and thread-safe.
 */
public final class Trust {
    private static final Trust SYSTEM = new Trust(null);

    private final List<X509Certificate> anchors;

    private Trust(List<X509Certificate> anchors) {
        this.anchors = anchors;
    }

    /** Trust what the JVM's default trust store trusts. */
    public static Trust system() {
        return SYSTEM;
    }

    /** Trust only servers whose chain ends at one of these CA certificates. */
    public static Trust of(List<X509Certificate> caCertificates) {
        Objects.requireNonNull(caCertificates, "caCertificates");
        if (caCertificates.isEmpty()) {
            throw new IllegalArgumentException("Trust.of needs at least one CA certificate.");
        }
        return new Trust(List.copyOf(caCertificates));
    }

    /** Trust only servers whose chain ends at one of these CA certificates. */
    public static Trust of(X509Certificate... caCertificates) {
        return of(Arrays.asList(caCertificates));
    }

    /**
     * Trust only the CA certificates in this PEM text.
     *
     * @throws CredentialsException when the text holds no readable certificate
     */
    public static Trust fromPem(String caPem) {
        Objects.requireNonNull(caPem, "caPem");
        return of(CredentialsParser.certificatesFromPem(caPem, "the CA PEM text"));
    }

    /** The CA certificates trusted, or empty when the system trust store is used. */
    public Optional<List<X509Certificate>> anchors() {
        return Optional.ofNullable(anchors);
    }

    /** A JDK trust manager factory for this trust, for backends that use JSSE trust managers. */
    public TrustManagerFactory trustManagerFactory() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (anchors == null) {
                factory.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    store.setCertificateEntry("ca-" + i, anchors.get(i));
                }
                factory.init(store);
            }
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new ApnsException("The JVM could not build a trust manager: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Trust that && Objects.equals(anchors, that.anchors);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(anchors);
    }

    @Override
    public String toString() {
        if (anchors == null) {
            return "Trust[system]";
        }
        StringBuilder names = new StringBuilder("Trust[");
        for (int i = 0; i < anchors.size(); i++) {
            names.append(i == 0 ? "" : ", ").append(anchors.get(i).getSubjectX500Principal().getName());
        }
        return names.append(']').toString();
    }
}
