package io.github.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GeneratedCodeTest {

    @Test
    void v2_puts_the_code_on_a_new_line_when_the_prefix_does_not_end_with_one() {
        assertThat(GeneratedCode.cleanForV2("foo", "foo")).isEqualTo("\nfoo");
        assertThat(GeneratedCode.cleanForV2("foo", "foo\n")).isEqualTo("foo");
        assertThat(GeneratedCode.cleanForV2("\nfoo", "foo")).isEqualTo("\nfoo");
    }

    @Test
    void v2_takes_out_fence_lines_and_the_closing_backticks_as_gitlab_does() {
        assertThat(GeneratedCode.cleanForV2("```python\ndef f():\n    pass\n```", "# f\n"))
                .isEqualTo("def f():\n    pass\n");
    }

    @Test
    void v2_makes_an_answer_of_only_whitespace_empty() {
        assertThat(GeneratedCode.cleanForV2(" \n\t", "x = 1\n")).isEmpty();
    }
}
