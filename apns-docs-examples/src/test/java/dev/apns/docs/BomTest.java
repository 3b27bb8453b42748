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
