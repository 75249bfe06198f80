package io.github.aigateway.model;

/** One message of a chat prompt: {@code system}, {@code user} or an {@code assistant} prefill. */
public record ChatMessage(String role, String content) {
}
