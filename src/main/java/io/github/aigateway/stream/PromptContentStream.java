package io.github.aigateway.stream;

import io.github.aigateway.json.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code /v2/prompts/*} streaming: one {@code {"content": ...}} object per line, labelled {@code text/event-stream}
 * as GitLab's gateway labels it. A chunk carries no usage, and GitLab's gateway leaves out a field it has no
 * value for rather than sending null.
 */
public final class PromptContentStream extends VertxTokenStream {

    private static final ObjectMapper JSON = Json.MAPPER;

    public PromptContentStream(HttpServerResponse response, String correlationId, StreamObserver observer) {
        super(response, correlationId, observer);
    }

    @Override
    String frame(String text) {
        return JSON.createObjectNode().put("content", text) + "\n";
    }
}
