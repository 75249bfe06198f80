package io.github.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GeneratedCodeTest {

    @Test
    void takes_the_code_out_of_a_markdown_fence() {
        assertThat(GeneratedCode.clean("Sure:\n```ruby\nputs 'hi'\n```\nEnjoy!", "# greet\n"))
                .isEqualTo("puts 'hi'");
    }

    @Test
    void takes_the_code_out_of_new_code_tags() {
        assertThat(GeneratedCode.clean("<new_code>\n  return 1\n</new_code>", "def one():\n"))
                .isEqualTo("  return 1");
    }

    @Test
    void drops_an_echo_of_the_line_at_the_cursor() {
        assertThat(GeneratedCode.clean("def add(a, b):\n    return a + b", "# add\ndef add(a, b):\n"))
                .isEqualTo("    return a + b");
    }

    @Test
    void drops_an_echo_of_the_whole_prefix() {
        assertThat(GeneratedCode.clean("def add(a, b):\n    return a + b", "def add(a, b):\n    "))
                .isEqualTo("return a + b");
    }

    @Test
    void keeps_plain_code_as_it_is() {
        assertThat(GeneratedCode.clean("\n\n    return a + b\n\n", "def add(a, b):\n"))
                .isEqualTo("    return a + b");
    }

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
