package io.github.aigateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.aigateway.search.MarkdownPage.Chunk;
import org.junit.jupiter.api.Test;

/** How a documentation page is cut into the chunks the search returns. */
class MarkdownPageTest {

    @Test
    void cuts_at_headings_and_keeps_the_headings_above_each_chunk() {
        MarkdownPage page = MarkdownPage.parse("""
                ---
                stage: Verify
                title: "Runners: an overview"
                ---

                Runners run the jobs of pipelines.

                ## Register a runner

                Use a runner authentication token.

                ### On Linux

                Install the package, then register.

                ## Remove a runner

                Delete it in the settings.
                """);

        assertThat(page.title()).isEqualTo("Runners: an overview");
        assertThat(page.chunks()).containsExactly(
                new Chunk("Runners: an overview", "Runners run the jobs of pipelines."),
                new Chunk("Runners: an overview > Register a runner", "## Register a runner\n\nUse a runner authentication token."),
                new Chunk("Runners: an overview > Register a runner > On Linux", "### On Linux\n\nInstall the package, then register."),
                new Chunk("Runners: an overview > Remove a runner", "## Remove a runner\n\nDelete it in the settings."));
    }

    @Test
    void lines_in_code_blocks_are_not_headings_and_headings_without_text_make_no_chunk() {
        MarkdownPage page = MarkdownPage.parse("""
                # Backups **(FREE SELF)**

                ## Create a backup

                ### With the Linux package

                ```shell
                # as root
                gitlab-backup create
                ```

                ###### Small print stays in its section
                """);

        assertThat(page.title()).isEqualTo("Backups");
        assertThat(page.chunks()).extracting(Chunk::headings)
                .containsExactly("Backups > Create a backup > With the Linux package");
        assertThat(page.chunks().get(0).text()).isEqualTo("### With the Linux package\n\n```shell\n# as root\n"
                + "gitlab-backup create\n```\n\n###### Small print stays in its section");
    }

    @Test
    void a_long_section_is_cut_at_line_ends_into_chunks_of_at_most_1500_characters() {
        String line = "Each setting is described in this line of the long reference table here.\n"; // 74 characters
        MarkdownPage page = MarkdownPage.parse("---\ntitle: Settings\n---\n## Reference\n\n" + line.repeat(60));

        assertThat(page.chunks()).hasSize(3).allSatisfy(chunk -> {
            assertThat(chunk.text().length()).isLessThanOrEqualTo(MarkdownPage.MAX_CHUNK_CHARS);
            assertThat(chunk.headings()).isEqualTo("Settings > Reference");
        });
        assertThat(page.chunks().get(0).text()).startsWith("## Reference\n\nEach setting");
        assertThat(page.chunks().get(1).text()).startsWith("Each setting").endsWith("here.");
        assertThat(String.join("\n", page.chunks().stream().map(Chunk::text).toList()))
                .isEqualTo(("## Reference\n\n" + line.repeat(60)).strip());
    }

    @Test
    void a_page_of_only_front_matter_has_no_chunks() {
        MarkdownPage page = MarkdownPage.parse("---\r\ntitle: Redirected\r\nredirect_to: 'other.md'\r\n---\r\n");

        assertThat(page.title()).isEqualTo("Redirected");
        assertThat(page.chunks()).isEmpty();
    }
}
