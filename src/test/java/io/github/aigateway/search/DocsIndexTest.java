package io.github.aigateway.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index of src/test/resources/gitlab-docs: what a query finds, and GitLab's metadata of each result. */
class DocsIndexTest {

    private static final Path DOCS = Path.of("src/test/resources/gitlab-docs");

    @Test
    void finds_the_section_a_question_is_about_with_gitlabs_metadata() throws Exception {
        DocsIndex index = DocsIndex.build(DOCS, "https://docs.example.com/");

        List<DocsResult> results = index.search("Can I keep videos and images in Git?", 2);

        assertThat(index.pages()).isEqualTo(3);
        assertThat(index.chunks()).isEqualTo(8);
        assertThat(results).first().satisfies(result -> {
            assertThat(result.id()).matches("[0-9a-f]{32}");
            assertThat(result.content()).startsWith("# Git Large File Storage **(FREE ALL)**\n\nGit LFS keeps large binary files");
            // the title without the tier badge older pages carry
            assertThat(result.metadata()).containsExactly(Map.entry("title", "Git Large File Storage"),
                    Map.entry("md5sum", sha256Of("topics/git/lfs/_index.md")),
                    Map.entry("source", "topics/git/lfs/_index.md"), Map.entry("source_type", "doc"),
                    Map.entry("source_url", "https://docs.example.com/topics/git/lfs/_index"));
        });
    }

    @Test
    void question_words_alone_find_nothing_and_a_huge_query_is_cut_to_its_first_words() throws Exception {
        DocsIndex index = DocsIndex.build(DOCS, "https://docs.example.com");

        assertThat(index.search("How do I? What can you do?", 4)).isEmpty();
        // a question of thousands of distinct words stays within Lucene's clause limit
        StringBuilder huge = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            huge.append("word").append(i).append(' ');
        }
        assertThat(index.search(huge + "schedule", 4)).isEmpty();
        assertThat(index.search("schedule " + huge, 4)).isNotEmpty();
    }

    @Test
    void a_gitlab_checkout_is_read_from_its_doc_folder_and_a_missing_folder_is_refused(@TempDir Path checkout)
            throws Exception {
        Files.createDirectories(checkout.resolve("doc/user"));
        Files.writeString(checkout.resolve("doc/user/todos.md"), "---\ntitle: To-do items\n---\n\nYour to-do list.\n");
        Files.writeString(checkout.resolve("README.md"), "# Not documentation\n\nAbout the repository.\n");

        Path folder = DocsFolder.resolve(checkout);

        assertThat(folder).isEqualTo(checkout.resolve("doc"));
        assertThat(DocsIndex.build(folder, "https://docs.example.com").search("to-do list", 4))
                .extracting(result -> result.metadata().get("source")).containsExactly("user/todos.md");
        assertThatThrownBy(() -> DocsFolder.resolve(checkout.resolve("missing")))
                .hasMessageContaining("AIGW_DOCS_DIR=" + checkout.resolve("missing") + " is not a readable folder");
    }

    @Test
    void results_stop_before_gitlabs_8000_token_budget_is_passed() {
        DocsResult fiveThousandSixHundredTokens = new DocsResult("a", "word ".repeat(4000), Map.of());
        DocsResult twoThousandEightHundredTokens = new DocsResult("b", "word ".repeat(2000), Map.of());
        DocsResult small = new DocsResult("c", "word ".repeat(10), Map.of());

        assertThat(DocsSearch.withinBudget(List.of(fiveThousandSixHundredTokens, twoThousandEightHundredTokens, small)))
                .extracting(DocsResult::id).containsExactly("a");
        assertThat(DocsSearch.withinBudget(List.of(twoThousandEightHundredTokens, twoThousandEightHundredTokens, small)))
                .extracting(DocsResult::id).containsExactly("b", "b", "c");
    }

    private static String sha256Of(String page) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(DOCS.resolve(page))));
    }
}
