package io.github.aigateway.model;

/** What GitLab asks the model to do; keys of the model catalog. */
public enum Feature {
    CODE_COMPLETIONS("code_completions", "code completions", "complete_code"),
    CODE_GENERATIONS("code_generations", "code generations", "generate_code"),
    CHAT("chat", "chat", "duo_chat"),
    /** {@code /v1/prompts/*}: each prompt names its families and its unit primitive in its definition. */
    PROMPTS("prompts", "prompts", null);

    private final String key;
    private final String label;
    private final String unitPrimitive;

    Feature(String key, String label, String unitPrimitive) {
        this.key = key;
        this.label = label;
        this.unitPrimitive = unitPrimitive;
    }

    /** The key used in {@code catalog/models.yaml} and under {@code prompts/}. */
    public String key() {
        return key;
    }

    public String label() {
        return label;
    }

    /** The scope GitLab's token must grant for this feature (contract §4.3); prompts have their own. */
    public String unitPrimitive() {
        return unitPrimitive;
    }
}
