package dev.apns.docs;

import com.example.push.FirstPush;
import dev.apns.ApnsSession;
import dev.apns.Credentials;
import dev.apns.Environment;
import dev.apns.Outcome;
import dev.apns.SigningKey;
import dev.apns.Trust;
import dev.apns.mock.credentials.TestCertificates;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.TestSigningKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The samples of docs/getting-started.md: the page's class {@link FirstPush} (compiled here as a user's own class,
 * in its own package, with only the public API), first against the HTTP/2 mock started in process as the page
 * shows it, then with a certificate instead of a key; and the page's sample pom, which must name artifacts this
 * build makes, with this build's version.
 */
@Timeout(30)
class GettingStartedSamplesTest {
    @TempDir
    Path directory;

    @Test
    void theFirstPushIsAcceptedByTheMockStartedInProcess() throws Exception {
        String printed = printedBy(() -> {
            // tag::gs-mock[]
            TestSigningKey testKey = TestSigningKey.generate();           // an EC P-256 key, as in a .p8 file
            try (MockApnsHttp2Server apple = MockApnsHttp2Server.builder(TestCertificates.create()).start()) {
                testKey.register(apple, Set.of("com.example.app"));     // the mock accepts it for this bundle id
                SigningKey key = SigningKey.fromP8(testKey.privateKeyPkcs8Pem(), testKey.keyId(), testKey.teamId());

                try (ApnsSession session = ApnsSession.builder()
                        .signingKey(key)
                        .gateway(apple.address())                        // 127.0.0.1 and a free port
                        .trust(Trust.fromPem(apple.authorityPem()))      // the mock's test authority
                        .build()) {
                    Outcome outcome = FirstPush.push(session, "com.example.app", "3f2a".repeat(16));
                    System.out.println(outcome);                         // accepted 3f2a...3f2a (apns-id ...)
                    System.out.println(apple.accepted().get(0).payloadText());
                }
            }
            // end::gs-mock[]
        });

        assertThat(printed.lines().toList()).hasSize(2);
        assertThat(printed.lines().toList().get(0)).startsWith("accepted ").contains("apns-id");
        assertThat(printed.lines().toList().get(1)).contains("\"alert\":\"Hello from the SDK\"");
    }

    @Test
    void thePushCertificateWorksInsteadOfTheKey() throws Exception {
        try (Http2Mock apns = new Http2Mock()) {
            char[] password = "secret".toCharArray();
            Path p12File = Files.write(directory.resolve("push.p12"), apns.client.pkcs12(password));
            String token = "3f2a".repeat(16);
            Outcome outcome;

            // tag::gs-certificate[]
            try (ApnsSession session = ApnsSession.builder()
                    .credentials(Credentials.fromPkcs12(p12File, password))   // the push certificate, from Keychain Access
                    .environment(Environment.SANDBOX)
                    // end::gs-certificate[]
                    .gateway(apns.server.address())
                    .trust(Trust.fromPem(apns.server.authorityPem()))
                    // tag::gs-certificate[]
                    .build()) {
                outcome = FirstPush.push(session, "com.example.app", token);
            }
            // end::gs-certificate[]

            assertThat(outcome.isAccepted()).isTrue();
            assertThat(apns.server.accepted()).singleElement()
                    .satisfies(n -> assertThat(n.certificateSubject()).isPresent());
        }
    }

    @Test
    void aMissingP8FileFailsWithItsName() {
        Path missing = directory.resolve("AuthKey_ABC123DEFG.p8");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FirstPush.main(new String[] {missing.toString(),
                        "ABC123DEFG", "DEF123GHIJ", "com.example.app", "3f2a".repeat(16)}))
                .hasMessageContaining(missing.toString());
    }

    private interface Block {
        void run() throws Exception;
    }

    private static String printedBy(Block block) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream standardOut = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            block.run();
        } finally {
            System.setOut(standardOut);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path ROOT = MODULE.getParent();
    private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
    /** The JUnit this build pins (the parent pom's junit.version); the sample pom names the same. */
    private static final String JUNIT_VERSION = junitVersion();
    private static final Pattern VERSION = Pattern.compile("<artifactId>apns-parent</artifactId>\\s*<version>([^<]+)</version>");

    @Test
    void theSamplePomDependsOnThisBuildsArtifactsAndVersion() throws Exception {
        String page = Files.readString(ROOT.resolve("docs/getting-started.md"), StandardCharsets.UTF_8);
        Matcher block = XML_BLOCK.matcher(page);
        String pom = null;
        while (block.find()) {
            if (block.group(1).contains("<project")) {
                pom = block.group(1);
            }
        }
        assertThat(pom).as("a complete pom (an xml block with <project>) in getting-started.md").isNotNull();

        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(pom.getBytes(StandardCharsets.UTF_8)));
        Matcher version = VERSION.matcher(Files.readString(MODULE.resolve("pom.xml"), StandardCharsets.UTF_8));
        assertThat(version.find()).isTrue();
        String thisVersion = version.group(1);
        assertThat(text(document.getDocumentElement(), "apns.version")).isEqualTo(thisVersion);

        List<String> apnsArtifacts = new ArrayList<>();
        List<String> testFrameworks = new ArrayList<>();
        NodeList dependencies = document.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (text(dependency, "groupId").equals("org.junit.jupiter")) {
                testFrameworks.add(text(dependency, "artifactId") + ":" + text(dependency, "version") + ":"
                        + text(dependency, "scope"));
            }
            if (text(dependency, "groupId").equals("dev.apns")) {
                String artifact = text(dependency, "artifactId");
                apnsArtifacts.add(artifact + (text(dependency, "scope").isEmpty() ? "" : ":" + text(dependency, "scope")));
                assertThat(ROOT.resolve(artifact).resolve("pom.xml")).as(artifact + " is a module of this build").exists();
                assertThat(text(dependency, "version")).isEqualTo("${apns.version}");
            }
        }
        assertThat(apnsArtifacts).containsExactly("apns-core", "apns-backend-blocking", "apns-mock:test");
        assertThat(testFrameworks).as("the first test needs JUnit, which apns-mock does not bring")
                .containsExactly("junit-jupiter:" + JUNIT_VERSION + ":test");
        assertThat(text(document.getDocumentElement(), "maven.compiler.release")).isEqualTo("17");
    }

    private static String junitVersion() {
        try {
            Matcher m = Pattern.compile("<junit.version>([^<]+)</junit.version>")
                    .matcher(Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }
}
