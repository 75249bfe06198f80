package io.github.aigateway.stream;

import io.github.aigateway.json.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code /v4/code/suggestions} streaming (contract §6.2): real SSE with {@code stream_start},
 * {@code content_chunk} events and {@code stream_end}, and header {@code X-Streaming-Format: sse}. GitLab's gateway
 * writes them with sse-starlette 2.3, whose framing and headers these are; its 15-s ping comments are not sent.
 */
public final class SseSuggestionStream extends VertxTokenStream {

    private static final ObjectMapper JSON = Json.MAPPER;

    private final ObjectNode startMetadata;

    /** @param startMetadata the {@code metadata} object sent in {@code stream_start} */
    public SseSuggestionStream(HttpServerResponse response, String correlationId, StreamObserver observer,
                               ObjectNode startMetadata) {
        super(response, correlationId, observer);
        this.startMetadata = startMetadata;
    }

    /** GitLab's gateway's own header, and those sse-starlette sets so that no proxy caches or buffers the events. */
    @Override
    void headers(HttpServerResponse response) {
        response.putHeader("X-Streaming-Format", "sse");
        response.putHeader("Cache-Control", "no-store");
        response.putHeader("X-Accel-Buffering", "no");
    }

    @Override
    String opening() {
        ObjectNode data = JSON.createObjectNode();
        data.set("metadata", startMetadata);
        return event("stream_start", Json.write(data));
    }

    @Override
    String frame(String text) {
        ObjectNode data = JSON.createObjectNode();
        ObjectNode choice = data.putArray("choices").addObject();
        choice.putObject("delta").put("content", text);
        choice.put("index", 0);
        return event("content_chunk", Json.write(data));
    }

    @Override
    String closing() {
        return event("stream_end", "null");
    }

    /** Framed as GitLab's gateway (sse-starlette) frames events: each line ends in CRLF, a blank line ends the event. */
    private static String event(String name, String data) {
        return "event: " + name + "\r\ndata: " + data + "\r\n\r\n";
    }
}
