package io.github.aigateway.suggestion;

/** The response shape each GitLab endpoint promises (contract §5.3, §6.2). */
public enum ResponseFormat {
    /** {@code /v2/code/completions}, {@code /v2/code/generations}: {@code SuggestionsResponse}. */
    SUGGESTIONS_V2,
    /** {@code /v3/code/completions}: {@code CompletionResponse}. */
    COMPLETION_V3,
    /** {@code /v4/code/suggestions}: {@code CompletionResponse}, or true SSE when streaming. */
    SUGGESTIONS_V4
}
