package io.github.aigateway.model;

/**
 * Tokens a model call used, as the backend reported them. Streamed calls leave it in exchange property
 * {@code modelUsage} once the stream has ended, for logging and metrics.
 *
 * @param inputTokens  prompt tokens, or -1 when not reported
 * @param outputTokens generated tokens, or -1 when not reported
 */
public record ModelUsage(int inputTokens, int outputTokens) {

    public static final ModelUsage UNKNOWN = new ModelUsage(-1, -1);

    /** These counts, with the ones given replacing them where they are known (not -1). */
    public ModelUsage with(int input, int output) {
        return new ModelUsage(input >= 0 ? input : inputTokens, output >= 0 ? output : outputTokens);
    }
}
