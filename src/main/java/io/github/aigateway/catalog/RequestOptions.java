package io.github.aigateway.catalog;

/**
 * How a model wants its OpenAI-style request, from the catalog: some deployments take
 * {@code max_completion_tokens} instead of {@code max_tokens}, or refuse {@code temperature}.
 *
 * @param maxTokensField  the body field that carries the output cap
 * @param sendTemperature whether to send {@code temperature} at all
 * @param apiVersion      Azure OpenAI {@code api-version} for this model
 */
public record RequestOptions(String maxTokensField, boolean sendTemperature, String apiVersion) {
}
