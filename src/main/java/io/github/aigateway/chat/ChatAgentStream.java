package io.github.aigateway.chat;

import io.github.aigateway.json.Json;
import io.github.aigateway.json.PythonJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.stream.StreamObserver;
import io.github.aigateway.stream.TokenStream;
import java.util.List;

/**
 * Duo Chat's answer stream: the model's text goes through the ReAct parser and comes out as the NDJSON
 * events GitLab dispatches on ({@code final_answer_delta}, {@code action}, {@code unknown}, {@code error}), one
 * {@code {"type": ..., "data": {...}}} per line, written as GitLab's gateway writes them. A model that fails
 * once the call began ends the stream with an {@code error} event, which Rails shows as a chat error.
 */
public final class ChatAgentStream implements TokenStream {

    private static final ObjectMapper JSON = Json.MAPPER;

    private final TokenStream lines;
    private final StreamObserver observer;
    private final ReactOutputParser parser;
    private boolean anyEvent;
    private boolean ended;

    /**
     * @param lines    where the NDJSON lines go
     * @param tools    the tool names offered to the model
     * @param observer told the model's text, for the audit record
     */
    public ChatAgentStream(TokenStream lines, List<String> tools, StreamObserver observer) {
        this.lines = lines;
        this.observer = observer;
        this.parser = new ReactOutputParser(tools, new ReactOutputParser.Events() {
            @Override
            public void finalAnswerDelta(String text) {
                event("final_answer_delta", JSON.createObjectNode().put("text", text));
            }

            @Override
            public void action(String thought, String tool, String toolInput) {
                event("action", JSON.createObjectNode().put("tool", tool).put("tool_input", toolInput)
                        .put("thought", thought));
            }

            @Override
            public void toolNotAvailable(String tool) {
                // GitLab's words: Rails tells the user the question needs a different Duo subscription
                error("tool not available", false);
            }

            @Override
            public void unknown(String text) {
                if (text.isEmpty()) {
                    error("The model returned an empty answer", false);
                } else {
                    event("unknown", JSON.createObjectNode().put("text", text));
                }
            }
        });
    }

    @Override
    public void write(String text) {
        observer.text(text);
        parser.feed(text);
    }

    @Override
    public void end() {
        if (ended) {
            return;
        }
        parser.finish();
        if (!anyEvent) {
            error("The model returned an empty answer", false);
        }
        close();
    }

    @Override
    public void abort(String reason) {
        fail("The model failed while answering: " + reason);
    }

    /** Ends the stream with an {@code error} event: the model call failed before or while it answered. */
    public void fail(String message) {
        if (ended) {
            return;
        }
        error(message, false);
        close();
    }

    private void close() {
        ended = true;
        lines.end();
    }

    @Override
    public boolean started() {
        return lines.started();
    }

    @Override
    public boolean clientGone() {
        return lines.clientGone();
    }

    private void error(String message, boolean retryable) {
        event("error", JSON.createObjectNode().put("message", message).put("retryable", retryable));
    }

    private void event(String type, ObjectNode data) {
        anyEvent = true;
        ObjectNode event = JSON.createObjectNode().put("type", type);
        event.set("data", data);
        lines.write(PythonJson.write(event) + "\n");
    }
}
