package io.github.aigateway.catalog;

/**
 * How a model wants its OpenAI-style request, from the catalog: some deployments take
 * {@code max_completion_tokens} instead of {@code max_tokens}, refuse {@code temperature}, or accept only one
 * temperature (GPT-5-class deployments).
 *
 * @param maxTokensField    the body field that carries the output cap
 * @param sendTemperature   whether to send {@code temperature} at all
 * @param fixedTemperature  the only temperature the model accepts, or null to send the prompt's
 * @param apiVersion        Azure OpenAI {@code api-version} for this model
 */
public record RequestOptions(String maxTokensField, boolean sendTemperature, Double fixedTemperature,
                             String apiVersion) {

    /** The temperature to send: the one the model insists on, else the prompt's. */
    public double temperature(double prompted) {
        return fixedTemperature != null ? fixedTemperature : prompted;
    }
}
