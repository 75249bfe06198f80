package io.github.aigateway.model;

/**
 * A complete (non-streamed) model answer.
 *
 * @param text         generated text, never null
 * @param inputTokens  prompt tokens the backend reported, or -1
 * @param outputTokens generated tokens the backend reported, or -1
 */
public record ModelAnswer(String text, int inputTokens, int outputTokens) {
}
