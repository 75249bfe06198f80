package io.github.aigateway.catalog;

/** Where a model is served; picked from the {@code model_identifier} prefix as GitLab's gateway does. */
public enum Provider {
    OPENAI_COMPATIBLE,
    BEDROCK,
    AZURE
}
