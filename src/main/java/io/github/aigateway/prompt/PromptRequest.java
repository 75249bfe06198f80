package io.github.aigateway.prompt;

import io.github.aigateway.model.ModelSelection;
import java.util.Map;

/**
 * One call of a named prompt ({@code /v1/prompts/{id}} or {@code /v2/prompts/{id}}).
 *
 * @param promptId          e.g. {@code chat/explain_code}
 * @param apiVersion        1 or 2: the response shape
 * @param versionConstraint e.g. {@code ^1.0.0}, or null for the newest
 * @param inputs            the template variables GitLab sent
 * @param model             the resolved model
 * @param stream            whether GitLab asked for a streamed answer
 */
public record PromptRequest(String promptId, int apiVersion, String versionConstraint, Map<String, Object> inputs,
                            ModelSelection model, boolean stream) {
}
