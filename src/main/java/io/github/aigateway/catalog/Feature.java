package io.github.aigateway.catalog;

/** What GitLab asks the model to do; keys of the model catalog. */
public enum Feature {
    CODE_COMPLETIONS("code_completions", "code completions"),
    CODE_GENERATIONS("code_generations", "code generations"),
    CHAT("chat", "chat"),
    /** {@code /v1/prompts/*}: each prompt lists the families it has templates for. */
    PROMPTS("prompts", "prompts");

    private final String key;
    private final String label;

    Feature(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The key used in {@code catalog/models.yaml} and under {@code prompts/}. */
    public String key() {
        return key;
    }

    public String label() {
        return label;
    }
}
