package io.github.aigateway.catalog;

import java.util.List;

/**
 * How one family is prompted for one feature, as read from the catalog.
 *
 * @param template    template under {@code prompts/}, without extension, e.g. {@code code_completions/codestral}
 * @param name        the model name GitLab shows in responses ({@code model.name})
 * @param temperature sampling temperature sent to the backend
 * @param maxTokens   output token cap sent to the backend (vLLM defaults to 16 when it is missing)
 * @param stop        stop sequences, possibly empty
 */
public record PromptSettings(String template, String name, double temperature, int maxTokens, List<String> stop) {
}
