package dev.apns.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the Java samples of README.md and docs/*.md equal to the tested code of this module, so that a doc
 * sample cannot drift from code that compiles and runs.
 *
 * <p>In a doc, a fenced {@code ```java} block preceded by the line {@code <!-- sample: NAME -->} must equal the
 * region tagged NAME in this module's test sources: the lines between {@code // tag::NAME[]} and
 * {@code // end::NAME[]}. Several regions with one name, in one file, are joined in order; the samples use this
 * only to leave out the lines that point a session at the mock server instead of Apple. Comparison ignores
 * trailing spaces, leading and trailing blank lines, and the indentation common to all lines.
 *
 * <p>A java block preceded by {@code <!-- not-compiled: REASON -->} is a fragment that cannot stand alone (or
 * another library's code); any other java block fails this test. Every tagged region must be shown by some
 * doc, so that no sample is tested but no longer shown.
 */
class DocsSamplesTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path SOURCES = MODULE.resolve("src/test/java");
    private static final Path DOCS = MODULE.resolve("../docs").normalize();
    private static final Path README = MODULE.resolve("../README.md").normalize();

    private static final Pattern TAG = Pattern.compile("^\\s*// (tag|end)::([A-Za-z0-9_.-]+)\\[\\]\\s*$");
    private static final Pattern SAMPLE = Pattern.compile("^\\s*<!--\\s*sample:\\s*([A-Za-z0-9_.-]+)\\s*-->\\s*$");
    private static final Pattern NOT_COMPILED = Pattern.compile("^\\s*<!--\\s*not-compiled:\\s*\\S.*-->\\s*$");
    private static final Pattern JAVA_FENCE = Pattern.compile("^\\s*```java\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*$");

    /** A java block of a doc, with the sample it names (null when it names none) and where it is. */
    private record DocBlock(Path file, int line, String sample, boolean notCompiled, String text) {
        String where() {
            return MODULE.relativize(file) + ":" + line;
        }
    }

    @Test
    void everyMarkedDocSampleEqualsItsTaggedRegion() {
        Map<String, String> regions = taggedRegions();
        List<DocBlock> marked = docBlocks().stream().filter(b -> b.sample() != null).toList();

        assertThat(marked).as("marked java samples in the docs").isNotEmpty();
        List<String> failures = new ArrayList<>();
        for (DocBlock block : marked) {
            String region = regions.get(block.sample());
            if (region == null) {
                failures.add(block.where() + " names sample '" + block.sample()
                        + "', but no test source has a region // tag::" + block.sample() + "[].");
            } else if (!normalise(region).equals(normalise(block.text()))) {
                failures.add(block.where() + " differs from the tagged region '" + block.sample() + "'.\n--- doc:\n"
                        + normalise(block.text()) + "\n--- code:\n" + normalise(region));
            }
        }
        assertThat(failures).as("doc samples that differ from the code").isEmpty();
    }

    @Test
    void everyJavaBlockIsEitherASampleOrDeclaredNotCompiled() {
        List<String> unmarked = docBlocks().stream()
                .filter(b -> b.sample() == null && !b.notCompiled())
                .map(b -> b.where() + " is a java block with neither <!-- sample: NAME --> nor <!-- not-compiled: why -->.")
                .toList();
        assertThat(unmarked).isEmpty();
    }

    @Test
    void everyTaggedRegionIsShownInTheDocs() {
        Set<String> shown = docBlocks().stream().map(DocBlock::sample).filter(s -> s != null)
                .collect(Collectors.toSet());
        Set<String> unused = new TreeSet<>(taggedRegions().keySet());
        unused.removeAll(shown);
        assertThat(unused).as("tagged regions no doc shows").isEmpty();
    }

    @Test
    void normalisationIgnoresCommonIndentTrailingSpacesAndOuterBlankLines() {
        assertThat(normalise("\n        a();  \n            b();\n\n")).isEqualTo("a();\n    b();");
        assertThat(normalise("a();\n b();")).isNotEqualTo(normalise("a();\nb();"));
    }

    private static Map<String, String> taggedRegions() {
        Map<String, String> regions = new LinkedHashMap<>();
        Map<String, Path> owners = new LinkedHashMap<>();
        for (Path source : files(SOURCES, ".java")) {
            List<String> lines = read(source);
            Map<String, StringBuilder> open = new LinkedHashMap<>();
            Map<String, StringBuilder> done = new LinkedHashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher tag = TAG.matcher(line);
                if (tag.matches()) {
                    String name = tag.group(2);
                    String where = SOURCES.relativize(source) + ":" + (i + 1);
                    if (tag.group(1).equals("tag")) {
                        assertThat(open).as(where + " opens '" + name + "' twice").doesNotContainKey(name);
                        open.put(name, done.computeIfAbsent(name, n -> new StringBuilder()));
                    } else {
                        assertThat(open).as(where + " ends '" + name + "', which is not open").containsKey(name);
                        open.remove(name);
                    }
                    continue;
                }
                open.values().forEach(region -> region.append(line).append('\n'));
            }
            assertThat(open.keySet()).as(source + " leaves regions open").isEmpty();
            for (Map.Entry<String, StringBuilder> region : done.entrySet()) {
                Path previous = owners.putIfAbsent(region.getKey(), source);
                assertThat(previous).as("region '" + region.getKey() + "' is tagged in " + previous + " and " + source)
                        .isNull();
                regions.put(region.getKey(), region.getValue().toString());
            }
        }
        return regions;
    }

    private static List<DocBlock> docBlocks() {
        List<Path> docs = new ArrayList<>(files(DOCS, ".md"));
        docs.add(README);
        List<DocBlock> blocks = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = read(doc);
            for (int i = 0; i < lines.size(); i++) {
                if (!JAVA_FENCE.matcher(lines.get(i)).matches()) {
                    continue;
                }
                int start = i;
                StringBuilder text = new StringBuilder();
                int end = i + 1;
                while (end < lines.size() && !FENCE.matcher(lines.get(end)).matches()) {
                    text.append(lines.get(end)).append('\n');
                    end++;
                }
                assertThat(end).as(doc + ":" + (start + 1) + " opens a java block that is never closed")
                        .isLessThan(lines.size());
                String previous = start > 0 ? lines.get(start - 1) : "";
                Matcher sample = SAMPLE.matcher(previous);
                blocks.add(new DocBlock(doc, start + 1, sample.matches() ? sample.group(1) : null,
                        NOT_COMPILED.matcher(previous).matches(), text.toString()));
                i = end;
            }
        }
        return blocks;
    }

    /** Trailing spaces and outer blank lines removed, then the indentation every non-blank line shares. */
    static String normalise(String text) {
        List<String> lines = new ArrayList<>(text.lines().map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.get(0).isEmpty()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int indent = lines.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).collect(Collectors.joining("\n"));
    }

    private static List<Path> files(Path root, String suffix) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + root + ".", e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + ".", e);
        }
    }
}
