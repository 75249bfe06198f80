package io.github.aigateway.model;

/**
 * The API a backend speaks (the catalog's {@code backends.apis}, in lower case): what decides whether a model
 * needs GitLab's {@code model_endpoint}, what no key means, and how troubleshooting, metrics and traces name it.
 */
public enum Provider {
    /** OpenAI chat completions with a bearer key (vLLM, and any OpenAI-compatible server). */
    OPENAI_COMPATIBLE,
    BEDROCK,
    AZURE
}
