package io.github.aigateway.search;

import java.util.Map;

/**
 * One result of GitLab's documentation search, as Rails reads it: Duo Chat shows the model each
 * {@code content} tagged with its {@code id}, and lists the {@code metadata} ({@code title},
 * {@code source_url}, ...) of the ids the model cites as the answer's sources.
 */
public record DocsResult(String id, String content, Map<String, String> metadata) {
}
