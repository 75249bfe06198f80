package io.github.aigateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user-facing docs (README, docs/, bench/README.md, recipes/README.md) link only inside the repository, and every link resolves:
 * the file exists and, with a {@code #fragment}, has that heading.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");

    @Test
    void every_link_resolves_inside_the_repository() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : docs()) {
            Matcher link = LINK.matcher(withoutCode(doc));
            while (link.find()) {
                String target = link.group(1);
                if (!resolves(doc, target)) {
                    broken.add(doc + " → " + target);
                }
            }
        }
        assertThat(broken).as("links that leave the repository or do not resolve").isEmpty();
    }

    @Test
    void the_docs_name_nothing_outside_the_repository() throws IOException {
        for (Path doc : docs()) {
            assertThat(Files.readString(doc)).as(doc.toString()).doesNotContain("../shared");
        }
    }

    @Test
    void the_readme_stays_short() throws IOException {
        assertThat(Files.readAllLines(Path.of("README.md"))).hasSizeLessThanOrEqualTo(250);
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md"), Path.of("bench/README.md"), Path.of("recipes/README.md")));
        try (Stream<Path> files = Files.walk(Path.of("docs"))) {
            files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    private static boolean resolves(Path doc, String target) throws IOException {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return false; // http:, https:, mailto:, …: outside the repository
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file = path.isEmpty() ? doc.toAbsolutePath() : doc.toAbsolutePath().getParent().resolve(path).normalize();
        if (!Files.exists(file) || !file.startsWith(Path.of("").toAbsolutePath())) {
            return false;
        }
        return hash < 0 || (Files.isRegularFile(file) && anchors(file).contains(target.substring(hash + 1)));
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(Path file) throws IOException {
        List<String> anchors = new ArrayList<>();
        for (String line : withoutCode(file).split("\n")) {
            if (line.matches("^#{1,6} .*")) {
                anchors.add(line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static String withoutCode(Path file) throws IOException {
        return FENCE.matcher(Files.readString(file)).replaceAll("");
    }
}
