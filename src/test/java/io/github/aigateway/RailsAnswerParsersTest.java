package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.aigateway.RailsAnswerParsers.DocumentationAnswer;
import io.github.aigateway.RailsAnswerParsers.ReviewComment;
import io.github.aigateway.RailsAnswerParsers.VulnerabilityFix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ported parser rules give what GitLab's own specs expect of the Ruby originals, cases shaped like theirs. */
class RailsAnswerParsersTest {

    @Test
    void review_comments_keep_their_text_and_read_empty_line_numbers_as_none() {
        List<ReviewComment> comments = RailsAnswerParsers.reviewComments("""
                <review>
                <comment file="a.rb" old_line="1" new_line="2">
                One line

                Another line
                </comment>
                <comment file="b.rb" old_line="" new_line="9">
                Short
                </comment>
                </review>
                """);

        assertThat(comments).containsExactly(new ReviewComment("a.rb", 1, 2, "One line\n\nAnother line\n", null),
                new ReviewComment("b.rb", null, 9, "Short\n", null));
    }

    @Test
    void review_suggestions_become_suggestion_blocks_counting_the_lines_replaced() {
        List<ReviewComment> comments = RailsAnswerParsers.reviewComments("""
                <review>
                <comment file="a.rb" old_line="1" new_line="2">
                Two lines can be one
                <from>
                    x = 1
                    y = 2
                </from>
                <to>
                    x, y = 1, 2
                </to>
                More text
                </comment>
                <comment file="a.rb" old_line="" new_line="4">
                Inline
                <from>    a</from>
                <to>    b</to>
                </comment>
                </review>""");

        assertThat(comments).extracting(ReviewComment::body).containsExactly(
                "Two lines can be one\n```suggestion:-0+1\n    x, y = 1, 2\n```\nMore text\n",
                "Inline\n```suggestion:-0+0\n    b\n```\n");
        assertThat(comments.get(0).from()).isEqualTo("    x = 1\n    y = 2\n");
    }

    @Test
    void only_the_last_review_block_counts_and_invalid_comments_are_dropped() {
        List<ReviewComment> comments = RailsAnswerParsers.reviewComments("""
                Thinking about a format like <review><comment file="x" old_line="1" new_line="1">
                no</comment>
                </review>
                <review>
                <comment file="" old_line="1" new_line="1">
                no file
                </comment>
                <comment file="c.rb" old_line="" new_line="">
                no line
                </comment>
                <comment file="c.rb" old_line="3" new_line="3">
                kept
                </comment>
                </review>""");

        assertThat(comments).containsExactly(new ReviewComment("c.rb", 3, 3, "kept\n", null));
    }

    @Test
    void vulnerability_fix_pairs_are_applied_and_a_missing_new_code_is_unreadable() {
        VulnerabilityFix fix = RailsAnswerParsers.vulnerabilityFix("""
                <analysis>
                real
                </analysis>
                <fixed_code>
                <old_code>
                  eval(input)
                </old_code>
                <new_code>
                  Integer(input)
                </new_code>
                </fixed_code>
                <is_false_positive>
                false
                </is_false_positive>""");

        assertThat(fix.falsePositive()).isFalse();
        assertThat(fix.applyTo("def f(input)\n  eval(input)\nend\n")).isEqualTo("def f(input)\n  Integer(input)\nend\n");
        assertThatThrownBy(() -> RailsAnswerParsers.vulnerabilityFix("<fixed_code>\n<old_code>a</old_code>\n</fixed_code>")
                .applyTo("a")).hasMessageContaining("code tags not correct");
        assertThat(RailsAnswerParsers.vulnerabilityFix("<fixed_code>\n</fixed_code>").falsePositive()).isTrue();
    }

    @Test
    void reader_json_is_taken_from_the_json_fence_before_any_question() {
        assertThat(RailsAnswerParsers.readerJson("""
                ```json
                {"ResourceIdentifierType": "iid", "ResourceIdentifier": 4}
                ```
                Question: another one""").path("ResourceIdentifier").asInt()).isEqualTo(4);
        assertThat(RailsAnswerParsers.readerJson("{\"ResourceIdentifierType\": \"current\", \"ResourceIdentifier\": \"current\"}")
                .path("ResourceIdentifierType").asText()).isEqualTo("current");
        // an answer that only continues GitLab's own prefill is completed the way Rails completes it
        assertThat(RailsAnswerParsers.readerJson("url\", \"ResourceIdentifier\": \"https://x/-/issues/1\"}\n```")
                .path("ResourceIdentifierType").asText()).isEqualTo("url");
        assertThatThrownBy(() -> RailsAnswerParsers.readerJson("It is issue 4.")).hasMessageContaining("invalid format");
    }

    @Test
    void documentation_answers_split_at_attrs_and_drop_sources_when_the_model_does_not_know() {
        assertThat(RailsAnswerParsers.documentationAnswer("Use X.\n\nATTRS:\nCNT-IDX-ab12\nCNT-IDX-zz99\n", List.of("ab12")))
                .isEqualTo(new DocumentationAnswer("Use X.", List.of("ab12")));
        assertThat(RailsAnswerParsers.documentationAnswer("I don't know.\nATTRS:\nCNT-IDX-ab12", List.of("ab12")).sourceIds())
                .isEmpty();
        assertThat(RailsAnswerParsers.documentationAnswer("Plain answer", List.of())).isEqualTo(
                new DocumentationAnswer("Plain answer", List.of()));
    }

    @Test
    void glab_commands_are_the_texts_between_triple_backticks() {
        assertThat(RailsAnswerParsers.glabCommands("Run ```git log --pretty=format:'%h'``` then ```git show```."))
                .containsExactly("git log --pretty=format:'%h'", "git show");
        assertThat(RailsAnswerParsers.glabCommands("There is no git command for that.")).isEmpty();
    }
}
