package io.github.aigateway.suggestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.aigateway.suggestion.CodeSuggestionRequest.ContextSnippet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptBudgetTest {

    // 100 tokens of 1 character, 10% for the suffix
    private final PromptBudget budget = new PromptBudget(100, 10, 1);

    @Test
    void keeps_the_start_of_the_suffix_and_the_end_of_the_prefix() {
        PromptBudget.Fitted fitted = budget.fit("p".repeat(200) + "END", "START" + "s".repeat(200), List.of());

        assertThat(fitted.suffix()).hasSize(10).startsWith("START");
        assertThat(fitted.prefix()).hasSize(90).endsWith("END");
    }

    @Test
    void gives_the_prefix_what_a_short_suffix_leaves() {
        PromptBudget.Fitted fitted = budget.fit("p".repeat(200), "abc", List.of());

        assertThat(fitted.prefix()).hasSize(97);
        assertThat(fitted.suffix()).isEqualTo("abc");
    }

    @Test
    void keeps_context_that_fits_before_the_prefix() {
        PromptBudget.Fitted fitted = budget.fit("def f():", "", List.of(
                new ContextSnippet("a.py", "A = 1"), new ContextSnippet("big.py", "x".repeat(200)),
                new ContextSnippet("b.py", "B = 2")));

        assertThat(fitted.context()).extracting(ContextSnippet::name).containsExactly("a.py");
        assertThat(fitted.contextAndPrefix()).isEqualTo("A = 1\ndef f():");
    }

    @Test
    void leaves_short_code_alone() {
        PromptBudget.Fitted fitted = budget.fit("x = ", "", List.of());

        assertThat(fitted.prefix()).isEqualTo("x = ");
        assertThat(fitted.suffix()).isEmpty();
    }
}
