package dev.apns.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The BOM that getting-started tells users to import lists every published module, at the build's version. */
class BomTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().resolve("..").normalize();
    /** Modules that are not published for users. */
    private static final List<String> UNPUBLISHED = List.of("apns-bom", "apns-docs-examples", "apns-benchmarks",
            "apns-benchmarks-legacy", "apns-benchmarks-pushy");

    @Test
    void theBomListsEveryPublishedModuleAtTheBuildsVersion() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("apns-bom/pom.xml"));
        String version = first(parent, "<artifactId>apns-parent</artifactId>\\s*<version>([^<]+)</version>");

        assertThat(first(bom, "<apns.version>([^<]+)</apns.version>")).isEqualTo(version);
        assertThat(first(bom, "<artifactId>apns-bom</artifactId>\\s*<version>([^<]+)</version>")).isEqualTo(version);
        List<String> published = new ArrayList<>(all(parent, "<module>([^<]+)</module>"));
        published.removeAll(UNPUBLISHED);
        assertThat(all(bom, "<artifactId>(apns-[a-z-]+)</artifactId><version>")).containsExactlyInAnyOrderElementsOf(published);
    }

    /**
     * Every published module that was packaged (a {@code mvn package} or {@code verify} of the reactor) has its
     * sources jar and its Javadoc jar beside the main jar, and the Javadoc holds the API pages.
     */
    @Test
    void everyPackagedPublishedModuleHasSourcesAndJavadocJars() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String version = first(parent, "<artifactId>apns-parent</artifactId>\\s*<version>([^<]+)</version>");
        List<String> published = new ArrayList<>(all(parent, "<module>([^<]+)</module>"));
        published.removeAll(UNPUBLISHED);
        int packaged = 0;
        for (String module : published) {
            Path target = ROOT.resolve(module).resolve("target");
            if (!Files.exists(target.resolve(module + "-" + version + ".jar"))) {
                continue; // not packaged in this build (a test-only run)
            }
            packaged++;
            assertThat(target.resolve(module + "-" + version + "-sources.jar")).exists();
            Path javadoc = target.resolve(module + "-" + version + "-javadoc.jar");
            assertThat(javadoc).exists();
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(javadoc.toFile())) {
                assertThat(jar.getEntry("index.html")).as("%s has API pages", javadoc).isNotNull();
            }
        }
        Path core = ROOT.resolve("apns-core/target/apns-core-" + version + "-javadoc.jar");
        if (Files.exists(core)) {
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(core.toFile())) {
                assertThat(jar.stream().map(java.util.zip.ZipEntry::getName))
                        .anyMatch(name -> name.endsWith("dev/apns/ApnsSender.html"));
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(packaged > 0,
                "no published module was packaged in this build; run mvn verify or mvn package");
    }

    private static String first(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("%s in the pom", regex).isTrue();
        return matcher.group(1);
    }

    private static List<String> all(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        List<String> found = new ArrayList<>();
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
