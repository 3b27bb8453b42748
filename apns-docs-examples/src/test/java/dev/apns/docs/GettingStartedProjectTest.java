package dev.apns.docs;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample pom of docs/getting-started.md names artifacts this build makes, with this build's version, and the
 * scopes the page describes; its Java class is {@code com.example.push.FirstPush} of this module's test sources
 * (kept equal to the page by {@link DocsSamplesTest}).
 */
class GettingStartedProjectTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path ROOT = MODULE.getParent();
    private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
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
        NodeList dependencies = document.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (text(dependency, "groupId").equals("dev.apns")) {
                String artifact = text(dependency, "artifactId");
                apnsArtifacts.add(artifact + (text(dependency, "scope").isEmpty() ? "" : ":" + text(dependency, "scope")));
                assertThat(ROOT.resolve(artifact).resolve("pom.xml")).as(artifact + " is a module of this build").exists();
                assertThat(text(dependency, "version")).isEqualTo("${apns.version}");
            }
        }
        assertThat(apnsArtifacts).containsExactly("apns-core", "apns-backend-blocking", "apns-testkit:test");
        assertThat(text(document.getDocumentElement(), "maven.compiler.release")).isEqualTo("17");
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }
}
