package dev.apns.gateway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apns.Credentials;
import dev.apns.CredentialsException;
import dev.apns.Endpoint;
import dev.apns.Protocol;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.gateway.InvalidFieldException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;

/**
 * How one app sends: its protocol, its credentials (a certificate, or a signing key with key id and team id),
 * a default topic, and, for private gateways and tests, another server (and feedback service, for the binary
 * protocol) and the certificates to trust for it.
 * Read from a provisioning request (pyapns's {@code certificate} and {@code timeout} included) and stored as
 * JSON, credentials included; {@link #toString()} and {@link #publicView} leave the credentials out.
 */
public final class AppSpec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CONNECTIONS = 16;
    private static final Set<String> FIELDS = Set.of("protocol", "certificate", "certificate_password", "key", "key_id",
            "team_id", "topic", "timeout", "endpoint", "feedback", "trust", "connections", "callback_url");
    private static final Set<String> STORED_ONLY = Set.of("certificate_file", "key_file");

    private final Protocol protocol;
    private final String certificatePem;
    private final String certificatePath;
    private final String certificatePassword;
    private final String keyPem;
    private final String keyPath;
    private final String keyId;
    private final String teamId;
    private final String topic;
    private final int timeoutSeconds;
    private final Endpoint endpoint;
    private final Endpoint feedback;
    private final String trustPem;
    private final int connections;
    private final URI callbackUrl;

    private AppSpec(Protocol protocol, String certificatePem, String certificatePath, String certificatePassword,
                    String keyPem, String keyPath, String keyId, String teamId, String topic, int timeoutSeconds,
                    Endpoint endpoint, Endpoint feedback, String trustPem, int connections, URI callbackUrl) {
        this.protocol = protocol;
        this.certificatePem = certificatePem;
        this.certificatePath = certificatePath;
        this.certificatePassword = certificatePassword;
        this.keyPem = keyPem;
        this.keyPath = keyPath;
        this.keyId = keyId;
        this.teamId = teamId;
        this.topic = topic;
        this.timeoutSeconds = timeoutSeconds;
        this.endpoint = endpoint;
        this.feedback = feedback;
        this.trustPem = trustPem;
        this.connections = connections;
        this.callbackUrl = callbackUrl;
    }

    /**
     * Reads a provisioning request. {@code certificate} and {@code key} may hold PEM text or the path of a file
     * on the gateway's machine (read now, so that the stored app does not depend on the file).
     *
     * @throws InvalidFieldException naming the first field that is missing or wrong
     */
    public static AppSpec parse(JsonNode body) {
        return parse(body, false);
    }

    /**
     * @param stored whether {@code body} is what {@link #toStored()} wrote: PEM text with the path of the file it was
     *               read from beside it ({@code certificate_file}, {@code key_file}), which a request may not set
     */
    private static AppSpec parse(JsonNode body, boolean stored) {
        if (body == null || !body.isObject()) {
            throw new InvalidFieldException("body", "must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name) && !(stored && STORED_ONLY.contains(name))) {
                // A misspelt field would otherwise be ignored silently: "endpiont" would send to Apple instead.
                throw new InvalidFieldException(name, "is not a provisioning field (known: " + new TreeSet<>(FIELDS)
                        + ")");
            }
        }
        Protocol protocol = switch (text(body, "protocol").orElse("http2").toLowerCase(Locale.ROOT)) {
            case "http2", "h2" -> Protocol.HTTP2;
            case "binary" -> Protocol.BINARY;
            default -> throw new InvalidFieldException("protocol", "must be \"http2\" or \"binary\"");
        };
        Optional<String> certificate = text(body, "certificate");
        Optional<String> key = text(body, "key");
        if (certificate.isPresent() == key.isPresent()) {
            throw new InvalidFieldException(certificate.isPresent() ? "key" : "certificate",
                    "give either \"certificate\" (PEM text or path, for certificate authentication) or \"key\""
                            + " (a .p8 signing key's PEM text or path, with \"key_id\" and \"team_id\"), not both");
        }
        if (key.isPresent() && protocol == Protocol.BINARY) {
            throw new InvalidFieldException("key", "the binary protocol authenticates with a certificate only");
        }
        String certificatePath = stored ? text(body, "certificate_file").orElse(null)
                : certificate.filter(AppSpec::isPath).orElse(null);
        String certificatePem = certificate.map(value -> readIfPath("certificate", value)).orElse(null);
        String password = text(body, "certificate_password").orElse(null);
        String keyPath = stored ? text(body, "key_file").orElse(null) : key.filter(AppSpec::isPath).orElse(null);
        String keyPem = key.map(value -> readIfPath("key", value)).orElse(null);
        String keyId = key.isPresent() ? required(body, "key_id") : null;
        String teamId = key.isPresent() ? required(body, "team_id") : null;
        String topic = text(body, "topic").orElse(null);
        if (topic != null && (topic.isEmpty() || topic.length() > 255
                || !topic.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new InvalidFieldException("topic", "must be 1 to 255 printable ASCII characters");
        }
        int timeout = integer(body, "timeout", 15, 1, 600);
        Endpoint endpoint = endpoint(body, "endpoint");
        Endpoint feedback = endpoint(body, "feedback");
        if (feedback != null && protocol != Protocol.BINARY) {
            throw new InvalidFieldException("feedback", "is the binary protocol's feedback service; an HTTP/2 app"
                    + " learns of dead tokens from its rejections");
        }
        String trust = text(body, "trust").map(value -> readIfPath("trust", value)).orElse(null);
        int connections = integer(body, "connections", 1, 1, MAX_CONNECTIONS);
        URI callbackUrl = text(body, "callback_url").map(AppSpec::callbackUrl).orElse(null);
        AppSpec spec = new AppSpec(protocol, certificatePem, certificatePath, password, keyPem, keyPath, keyId, teamId,
                topic, timeout, endpoint, feedback, trust, connections, callbackUrl);
        spec.check();
        return spec;
    }

    /** Reads an app as {@link #toStored()} wrote it. */
    public static AppSpec fromStored(String json) {
        try {
            return parse(JSON.readTree(json), true);
        } catch (IOException e) {
            throw new IllegalStateException("A stored app is not JSON: " + e.getMessage(), e);
        }
    }

    /** The whole spec as JSON, credentials included (as text, not paths): for the store only. */
    public String toStored() {
        ObjectNode node = JSON.createObjectNode();
        node.put("protocol", protocol == Protocol.HTTP2 ? "http2" : "binary");
        if (certificatePem != null) {
            node.put("certificate", certificatePem);
            putIfPresent(node, "certificate_file", certificatePath);
            if (certificatePassword != null) {
                node.put("certificate_password", certificatePassword);
            }
        }
        if (keyPem != null) {
            node.put("key", keyPem);
            putIfPresent(node, "key_file", keyPath);
            node.put("key_id", keyId);
            node.put("team_id", teamId);
        }
        putIfPresent(node, "topic", topic);
        node.put("timeout", timeoutSeconds);
        putIfPresent(node, "endpoint", endpoint == null ? null : endpoint.host() + ":" + endpoint.port());
        putIfPresent(node, "feedback", feedback == null ? null : feedback.host() + ":" + feedback.port());
        putIfPresent(node, "trust", trustPem);
        node.put("connections", connections);
        putIfPresent(node, "callback_url", callbackUrl == null ? null : callbackUrl.toString());
        return node.toString();
    }

    /** What may be shown of the app: everything but credentials, with their fingerprint and expiry instead. */
    public ObjectNode publicView() {
        ObjectNode node = JSON.createObjectNode();
        node.put("protocol", protocol == Protocol.HTTP2 ? "http2" : "binary");
        node.put("auth", usesToken() ? "token" : "certificate");
        putIfPresent(node, "certificate", certificatePath);
        putIfPresent(node, "key_file", keyPath);
        putIfPresent(node, "key_id", keyId);
        putIfPresent(node, "team_id", teamId);
        node.put("fingerprint", fingerprint());
        if (expiresAt() > 0) {
            node.put("expires", Instant.ofEpochMilli(expiresAt()).toString());
        }
        putIfPresent(node, "topic", topic);
        node.put("timeout", timeoutSeconds);
        putIfPresent(node, "endpoint", endpoint == null ? null : endpoint.toString());
        putIfPresent(node, "feedback", feedback == null ? null : feedback.toString());
        node.put("connections", connections);
        putIfPresent(node, "callback_url", callbackUrl == null ? null : callbackUrl.toString());
        return node;
    }

    /** The SHA-256 fingerprint of the certificate, or of the signing key's public key. */
    public String fingerprint() {
        return usesToken() ? signingKey().publicKeyDigest() : credentials().digest();
    }

    /** When the certificate expires, epoch ms; 0 for signing keys (they do not expire). */
    public long expiresAt() {
        return usesToken() ? 0 : credentials().notAfter().toEpochMilli();
    }

    /** Whether the app authenticates with a signing key (HTTP/2 provider tokens). */
    public boolean usesToken() {
        return keyPem != null;
    }

    /** The protocol. */
    public Protocol protocol() {
        return protocol;
    }

    /** The certificate and its key; only for certificate authentication. */
    public Credentials credentials() {
        try {
            return Credentials.fromPem(certificatePem, certificatePassword == null ? null
                    : certificatePassword.toCharArray());
        } catch (CredentialsException e) {
            throw new InvalidFieldException("certificate", e.getMessage(), e);
        }
    }

    /** The signing key; only for token authentication. */
    public SigningKey signingKey() {
        try {
            return SigningKey.fromP8(keyPem, keyId, teamId);
        } catch (CredentialsException | IllegalArgumentException e) {
            throw new InvalidFieldException("key", e.getMessage(), e);
        }
    }

    /** The default topic, if given. */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /** pyapns's timeout: how long a connection attempt may take. */
    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** Another server than Apple's, if given. */
    public Optional<Endpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** Another feedback service than Apple's (binary protocol), if given. */
    public Optional<Endpoint> feedback() {
        return Optional.ofNullable(feedback);
    }

    /** The certificates to trust for the server, if not the system's. */
    public Optional<Trust> trust() {
        try {
            return Optional.ofNullable(trustPem).map(Trust::fromPem);
        } catch (RuntimeException e) {
            throw new InvalidFieldException("trust", e.getMessage(), e);
        }
    }

    /** How many connections the app's sender keeps. */
    public int connections() {
        return connections;
    }

    /** Where final results are posted, if the app wants them posted. */
    public Optional<URI> callbackUrl() {
        return Optional.ofNullable(callbackUrl);
    }

    private static URI callbackUrl(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException("callback_url", "is not a URL (" + e.getReason() + ")", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || value.length() > 2048) {
            throw new InvalidFieldException("callback_url", "must be an http or https URL with a host, at most 2048"
                    + " characters");
        }
        return uri;
    }

    private void check() {
        if (usesToken()) {
            signingKey();
        } else {
            credentials();
        }
        trust();
    }

    @Override
    public String toString() {
        return "AppSpec[" + publicView() + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AppSpec that && toStored().equals(that.toStored());
    }

    @Override
    public int hashCode() {
        return toStored().hashCode();
    }

    private static Endpoint endpoint(JsonNode body, String field) {
        return text(body, field).map(value -> {
            try {
                return Endpoint.parse(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException(field, "must be host:port (" + e.getMessage() + ")", e);
            }
        }).orElse(null);
    }

    private static boolean isPath(String value) {
        return !value.contains("-----BEGIN");
    }

    private static String readIfPath(String field, String value) {
        if (!isPath(value)) {
            return value;
        }
        try {
            return Files.readString(Path.of(value), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new InvalidFieldException(field, "is neither PEM text nor a readable file on the gateway's machine ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidFieldException(field, "must be a string");
        }
        return Optional.of(value.asText());
    }

    private static String required(JsonNode body, String field) {
        return text(body, field).filter(value -> !value.isBlank())
                .orElseThrow(() -> new InvalidFieldException(field, "is required with \"key\""));
    }

    private static int integer(JsonNode body, String field, int otherwise, int min, int max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw new InvalidFieldException(field, "must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
